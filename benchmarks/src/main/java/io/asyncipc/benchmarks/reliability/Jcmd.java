package io.asyncipc.benchmarks.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks another JVM about its memory with {@code jcmd}, for servers that take no commands of
 * their own (the Spring sample).
 */
final class Jcmd {

	private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");

	private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)");

	private static final Pattern NMT_TOTAL = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");

	private static final Pattern NMT_HEAP = Pattern.compile("Java Heap \\(reserved=(\\d+)KB, committed=(\\d+)KB");

	private static final Pattern NMT_DIFF = Pattern
		.compile("(?m)^-\\s+([A-Za-z][A-Za-z ]*?) \\(reserved=\\d+KB(?: [+-]\\d+KB)?, committed=\\d+KB ([+-]\\d+)KB\\)");

	private static final long TIMEOUT_SECONDS = 20;

	private Jcmd() {
	}

	/**
	 * Returns the heap in use, without collecting first.
	 * @param pid the JVM
	 * @return used heap bytes, from {@code GC.heap_info}
	 */
	static long heapUsed(long pid) {
		Matcher matcher = HEAP_USED.matcher(run(pid, "GC.heap_info"));
		if (!matcher.find()) {
			throw new IllegalStateException("jcmd " + pid + " GC.heap_info printed no 'used' figure");
		}
		return Long.parseLong(matcher.group(1)) * 1024;
	}

	/**
	 * Returns the live heap: the total of {@code GC.class_histogram}, which collects and
	 * counts in one pause. ({@code GC.run} and then {@code GC.heap_info} would be two attaches
	 * apart, and a server under attack fills its heap with garbage in between.)
	 * @param pid the JVM
	 * @return bytes of live objects
	 */
	static long heapUsedAfterGc(long pid) {
		Matcher matcher = HISTOGRAM_TOTAL.matcher(run(pid, "GC.class_histogram"));
		if (!matcher.find()) {
			throw new IllegalStateException("jcmd " + pid + " GC.class_histogram printed no total");
		}
		return Long.parseLong(matcher.group(1));
	}

	/**
	 * Returns what Native Memory Tracking counts as committed outside the Java heap (whose
	 * committed size follows the collector, not the connections); the JVM must run with
	 * {@code -XX:NativeMemoryTracking=summary}.
	 * @param pid the JVM
	 * @return committed bytes, without the heap
	 */
	static long nativeCommittedOutsideHeap(long pid) {
		String summary = run(pid, "VM.native_memory", "summary");
		Matcher total = NMT_TOTAL.matcher(summary);
		Matcher heap = NMT_HEAP.matcher(summary);
		if (!total.find() || !heap.find()) {
			throw new IllegalStateException("jcmd " + pid + " VM.native_memory printed no totals; "
					+ "was the JVM started with -XX:NativeMemoryTracking=summary?");
		}
		return (Long.parseLong(total.group(2)) - Long.parseLong(heap.group(2))) * 1024;
	}

	/**
	 * Takes Native Memory Tracking's baseline, for {@link #nativeGrowth(long)}.
	 * @param pid the JVM, started with {@code -XX:NativeMemoryTracking=summary}
	 */
	static void nativeBaseline(long pid) {
		run(pid, "VM.native_memory", "baseline");
	}

	/**
	 * Returns, per Native Memory Tracking category, how much more is committed than at the
	 * baseline, largest change first.
	 * @param pid the JVM
	 * @return the categories whose committed memory changed, with the change in bytes
	 */
	static Map<String, Long> nativeGrowth(long pid) {
		Matcher matcher = NMT_DIFF.matcher(run(pid, "VM.native_memory", "summary.diff"));
		Map<String, Long> growth = new LinkedHashMap<>();
		while (matcher.find()) {
			growth.put(matcher.group(1).trim(), Long.parseLong(matcher.group(2)) * 1024);
		}
		return growth.entrySet()
			.stream()
			.sorted((a, b) -> Long.compare(Math.abs(b.getValue()), Math.abs(a.getValue())))
			.collect(LinkedHashMap::new, (map, entry) -> map.put(entry.getKey(), entry.getValue()), Map::putAll);
	}

	/**
	 * Returns the first lines of the class histogram of live objects (it collects first), and
	 * its total.
	 * @param pid the JVM
	 * @param classes how many classes, largest first
	 * @return the histogram's lines ({@code instances bytes class}), then {@code Total instances bytes}
	 */
	static List<String> liveHistogram(long pid, int classes) {
		List<String> lines = run(pid, "GC.class_histogram").lines().toList();
		List<String> top = new ArrayList<>(lines.stream()
			.filter((line) -> line.matches("\\s*\\d+:\\s+\\d+\\s+\\d+\\s+.*"))
			.limit(classes)
			.map((line) -> line.replaceFirst("^\\s*\\d+:\\s+", "").replaceAll(" \\(java.base@[^)]*\\)", "")
				.replaceAll("\\s+", " "))
			.toList());
		lines.stream().filter((line) -> line.startsWith("Total")).findFirst()
			.ifPresent((line) -> top.add(line.replaceAll("\\s+", " ")));
		return top;
	}

	static String run(long pid, String... command) {
		String[] line = new String[command.length + 2];
		line[0] = "jcmd";
		line[1] = Long.toString(pid);
		System.arraycopy(command, 0, line, 2, command.length);
		Path output = null;
		try {
			// Into a file, not a pipe: a JVM out of memory may never answer, and then the
			// runner gives up on jcmd after the timeout instead of blocking on its output.
			output = Files.createTempFile("jcmd", ".txt");
			Process process = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(output.toFile()).start();
			if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException("jcmd " + String.join(" ", command) + " got no answer from " + pid
						+ " within " + TIMEOUT_SECONDS + " s");
			}
			String text = Files.readString(output);
			if (process.exitValue() != 0) {
				throw new IllegalStateException("jcmd " + String.join(" ", command) + " failed on " + pid + ": " + text);
			}
			return text;
		}
		catch (IOException ex) {
			throw new IllegalStateException("could not run jcmd (is it on the PATH?): " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while running jcmd", ex);
		}
		finally {
			if (output != null) {
				output.toFile().delete();
			}
		}
	}

}
