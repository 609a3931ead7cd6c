package io.asyncipc.benchmarks.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Describes the machine for the report's header.
 */
final class Machine {

	private Machine() {
	}

	static String memory() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
				if (line.startsWith("MemTotal:")) {
					long kib = Long.parseLong(line.replaceAll("\\D+", ""));
					return Math.round(kib / 1024.0 / 1024.0) + " GiB";
				}
			}
		}
		catch (IOException ex) {
			// Not Linux: the figure is left out.
		}
		return "unknown memory";
	}

}
