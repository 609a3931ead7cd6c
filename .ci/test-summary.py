#!/usr/bin/env python3
"""Prints one closing line for the whole CI run, from every JUnit XML report it produced:
Surefire's on Linux and the console launcher's for the Windows suite under Wine.

With --show-failures it first prints, for each test class that failed, the end of what it
logged (Surefire keeps it in <class>-output.txt beside the report, out of the build log)."""
import glob
import os
import sys
import xml.etree.ElementTree as ET

LOG_LINES = 200

show_failures = "--show-failures" in sys.argv
patterns = [arg for arg in sys.argv[1:] if arg != "--show-failures"]

passed = failed = skipped = 0
for path in patterns:
    for report in sorted(glob.glob(path, recursive=True)):
        root = ET.parse(report).getroot()
        suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
        for suite in suites:
            tests = int(suite.get("tests", 0))
            bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            skip = int(suite.get("skipped", 0))
            passed += tests - bad - skip
            failed += bad
            skipped += skip
            if bad and show_failures:
                log = os.path.join(os.path.dirname(report), suite.get("name", "") + "-output.txt")
                if os.path.exists(log):
                    with open(log, errors="replace") as output:
                        lines = output.readlines()
                    print(f"== what {suite.get('name')} logged (last {min(LOG_LINES, len(lines))} of {len(lines)} lines)")
                    sys.stdout.writelines(lines[-LOG_LINES:])
print(f"ci: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
