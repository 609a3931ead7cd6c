package io.asyncipc.benchmarks.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What Linux tells about another process through {@code /proc}: its resident memory, its
 * threads and its open descriptors, read from outside so that the process measured does
 * nothing to be measured.
 */
final class ProcFs {

	private ProcFs() {
	}

	/**
	 * Returns the resident set size.
	 * @param pid the process
	 * @return {@code VmRSS} in bytes
	 */
	static long rssBytes(long pid) {
		return statusField(pid, "VmRSS:") * 1024;
	}

	/**
	 * Returns the number of threads.
	 * @param pid the process
	 * @return {@code Threads}
	 */
	static long threads(long pid) {
		return statusField(pid, "Threads:");
	}

	/**
	 * Returns the number of open file descriptors.
	 * @param pid the process
	 * @return the entries of {@code /proc/<pid>/fd}
	 */
	static long descriptors(long pid) {
		try (Stream<Path> entries = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
			return entries.count();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not list the descriptors of process " + pid, ex);
		}
	}

	private static long statusField(long pid, String field) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
				if (line.startsWith(field)) {
					return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not read /proc/" + pid + "/status; has the process exited?", ex);
		}
		throw new IllegalStateException("/proc/" + pid + "/status has no " + field);
	}

}
