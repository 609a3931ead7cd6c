package io.asyncipc.benchmarks.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Drains what a child process prints, so that it never blocks on a full pipe, without keeping
 * it: a server under attack may log gigabytes. It counts the bytes (the log volume that an
 * attack causes) and how often each kind of line came, remembers whether an
 * {@code OutOfMemoryError} went by, keeps the last lines for the report, and hands the lines of the child's reply protocol (those starting with
 * {@link #REPLY}) to whoever waits for them.
 */
final class ChildOutput {

	/** The prefix of the lines that answer a command. */
	static final String REPLY = "@";

	private static final int TAIL_LINES = 40;

	private static final int MAX_KINDS = 10_000;

	private static final Pattern EXCEPTION = Pattern.compile("[A-Za-z]+(Exception|Error)\\b");

	private final AtomicLong bytes = new AtomicLong();

	private final AtomicBoolean outOfMemory = new AtomicBoolean();

	private final Deque<String> tail = new ArrayDeque<>();

	private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();

	private final Map<String, Long> kinds = new ConcurrentHashMap<>();

	private final Set<String> exceptions = ConcurrentHashMap.newKeySet();

	private final Map<String, CountDownLatch> expected = new ConcurrentHashMap<>();

	ChildOutput(InputStream stream, String name) {
		Thread reader = new Thread(() -> drain(stream), name + "-output");
		reader.setDaemon(true);
		reader.start();
	}

	private void drain(InputStream stream) {
		try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				this.bytes.addAndGet(line.length() + 1);
				if (line.startsWith(REPLY)) {
					this.replies.add(line.substring(REPLY.length()));
					continue;
				}
				if (line.contains("OutOfMemoryError")) {
					this.outOfMemory.set(true);
				}
				count(line);
				if (EXCEPTION.matcher(line).find() && !line.strip().startsWith("at ") && this.exceptions.size() < 10) {
					this.exceptions.add(kind(line));
				}
				if (!this.expected.isEmpty()) {
					String printed = line;
					this.expected.forEach((text, latch) -> {
						if (printed.contains(text)) {
							latch.countDown();
						}
					});
				}
				synchronized (this.tail) {
					if (this.tail.size() == TAIL_LINES) {
						this.tail.removeFirst();
					}
					this.tail.addLast(line);
				}
			}
		}
		catch (IOException ex) {
			// The child is gone; what it printed so far is counted.
		}
	}

	private void count(String line) {
		String kind = kind(line);
		if (this.kinds.size() < MAX_KINDS || this.kinds.containsKey(kind)) {
			this.kinds.merge(kind, 1L, Long::sum);
		}
	}

	/**
	 * Reduces a line to its kind: the log message without the time, thread and numbers, or a
	 * stack frame as such.
	 */
	private static String kind(String line) {
		String trimmed = line.strip();
		if (trimmed.startsWith("at ") || trimmed.startsWith("... ")) {
			return "(stack frame)";
		}
		int logger = line.indexOf(" : ");
		String message = (logger >= 0) ? line.substring(logger + 3) : line;
		message = message.replaceAll("[0-9a-f]{4}-[0-9]+", "<id>").replaceAll("\\d+", "N");
		return (message.length() > 110) ? message.substring(0, 110) + "..." : message;
	}

	/**
	 * Returns the kinds of line printed most often, as {@code n x kind}.
	 * @param limit how many kinds
	 * @return the most frequent kinds, most frequent first
	 */
	String mostFrequent(int limit) {
		return this.kinds.entrySet()
			.stream()
			.sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
			.limit(limit)
			.map((entry) -> String.format("%,d x `%s`", entry.getValue(), entry.getKey().replace('`', '\'')))
			.collect(Collectors.joining("; "));
	}

	/**
	 * Returns the kinds of line that named an exception or error (at most ten kinds).
	 * @return the lines, without time, thread and numbers
	 */
	Set<String> exceptions() {
		return this.exceptions;
	}

	/**
	 * Starts watching for a line that contains {@code text}, before the action that should
	 * print it.
	 * @param text the text
	 * @return a latch that opens when such a line is printed
	 */
	CountDownLatch expect(String text) {
		return this.expected.computeIfAbsent(text, (key) -> new CountDownLatch(1));
	}

	/**
	 * Stops watching for {@code text}.
	 * @param text the text given to {@link #expect(String)}
	 */
	void forget(String text) {
		this.expected.remove(text);
	}

	/**
	 * Waits for the next reply line.
	 * @param seconds how long to wait
	 * @return the reply, without its prefix
	 */
	String nextReply(long seconds) throws InterruptedException {
		String reply = this.replies.poll(seconds, TimeUnit.SECONDS);
		if (reply == null) {
			throw new IllegalStateException("the server did not answer within " + seconds + " s; its last output:\n"
					+ tail());
		}
		return reply;
	}

	/**
	 * Returns how many characters the child printed so far.
	 * @return the output volume, about its size in bytes for ASCII logs
	 */
	long bytes() {
		return this.bytes.get();
	}

	/**
	 * Returns whether the child printed an {@code OutOfMemoryError}.
	 * @return {@code true} once one went by
	 */
	boolean sawOutOfMemory() {
		return this.outOfMemory.get();
	}

	/**
	 * Returns the last lines printed, for a report of what went wrong.
	 * @return up to 40 lines
	 */
	String tail() {
		synchronized (this.tail) {
			return String.join("\n", this.tail);
		}
	}

}
