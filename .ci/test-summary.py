#!/usr/bin/env python3
"""Prints one closing line for the whole CI run, from every JUnit XML report it produced:
Surefire's on Linux and the console launcher's for the Windows suite under Wine."""
import glob
import sys
import xml.etree.ElementTree as ET

passed = failed = skipped = 0
for path in sys.argv[1:]:
    for report in glob.glob(path, recursive=True):
        root = ET.parse(report).getroot()
        suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
        for suite in suites:
            tests = int(suite.get("tests", 0))
            bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            skip = int(suite.get("skipped", 0))
            passed += tests - bad - skip
            failed += bad
            skipped += skip
print(f"ci: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
