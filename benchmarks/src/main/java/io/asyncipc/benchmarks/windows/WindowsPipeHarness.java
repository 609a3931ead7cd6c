package io.asyncipc.benchmarks.windows;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.asyncipc.benchmarks.ReplyClient;
import io.asyncipc.transport.windows.WindowsIoMode;
import io.asyncipc.transport.windows.WindowsPipeTransport;

/**
 * Measures the Windows transport under Wine against a native C client doing the same work in
 * the same run, both against the same native C server. JMH does not fit here: the baseline is
 * a native process that times itself, and JMH's forked JVMs under Wine add minutes to a run.
 * So this harness does what JMH would for these numbers: warm-up, many samples, medians.
 * <p>
 * Usage: {@code WindowsPipeHarness PEER_EXE} (run by {@code benchmarks/run-windows-harness}).
 */
public final class WindowsPipeHarness {

	private static final int ROUND_TRIPS = 2_000;

	private static final int BATCHES = 15;

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final String peer;

	private WindowsPipeHarness(String peer) {
		this.peer = peer;
	}

	public static void main(String[] args) throws Exception {
		WindowsPipeHarness harness = new WindowsPipeHarness(args[0]);
		List<String> rows = new ArrayList<>();
		rows.add("| benchmark | size | AsyncIPC overlapped | AsyncIPC completion-routine | native C | overlapped / C |");
		rows.add("| --- | --- | --- | --- | --- | --- |");
		for (int size : new int[] { 64, 64 * 1024 }) {
			rows.add(harness.roundTripRow(size, false));
			rows.add(harness.roundTripRow(size, true));
			rows.add(harness.oneWayRow(size));
		}
		rows.forEach(System.out::println);
	}

	private String roundTripRow(int size, boolean spinning) throws Exception {
		double overlapped = javaRoundTrip(WindowsIoMode.OVERLAPPED, size, spinning);
		double routine = javaRoundTrip(WindowsIoMode.COMPLETION_ROUTINE, size, spinning);
		double nativeC = nativeMedian("server", "rtt", ROUND_TRIPS, size) / 1000.0;
		return row(spinning ? "round trip, caller spinning" : "round trip, caller parked", size, overlapped, routine,
				nativeC, "us");
	}

	private String oneWayRow(int size) throws Exception {
		int count = (size > 1024) ? 200 : 2_000;
		double overlapped = javaOneWay(WindowsIoMode.OVERLAPPED, size, count);
		double routine = javaOneWay(WindowsIoMode.COMPLETION_ROUTINE, size, count);
		double[] nativeRuns = new double[BATCHES];
		for (int i = 0; i < BATCHES; i++) {
			nativeRuns[i] = nativeMedian("sink", "oneway", count, size) / 1000.0;
		}
		return row("one way", size, overlapped, routine, median(nativeRuns), "us/msg");
	}

	private static String row(String name, int size, double overlapped, double routine, double nativeC,
			String unit) {
		return String.format(Locale.ROOT, "| %s | %s | %.1f %s | %.1f %s | %.1f %s | %.2f |", name,
				(size >= 1024) ? (size / 1024) + " KiB" : size + " B", overlapped, unit, routine, unit, nativeC, unit,
				overlapped / nativeC);
	}

	/**
	 * Median round trip of an AsyncIPC client against the native echo server, in µs; the
	 * caller waits for the reply parked, or spinning to show the transport's own cost.
	 */
	private double javaRoundTrip(WindowsIoMode mode, int size, boolean spinning) throws Exception {
		String name = pipeName();
		try (NativeServer server = new NativeServer(this.peer, "server", name); ReplyClient client = new ReplyClient(new WindowsPipeTransport(mode), name, TIMEOUT)) {
			byte[] message = new byte[size];
			long[] samples = new long[ROUND_TRIPS];
			for (int i = -ROUND_TRIPS / 10; i < ROUND_TRIPS; i++) {
				long start = System.nanoTime();
				byte[] reply = spinning ? client.exchangeSpinning(message) : client.exchange(message);
				long elapsed = System.nanoTime() - start;
				if (reply.length != size) {
					throw new IllegalStateException("echo of " + size + " bytes came back as " + reply.length);
				}
				if (i >= 0) {
					samples[i] = elapsed;
				}
			}
			return median(samples) / 1000.0;
		}
	}

	/**
	 * Median time per message of batches sent to the native counting server, in µs.
	 */
	private double javaOneWay(WindowsIoMode mode, int size, int count) throws Exception {
		String name = pipeName();
		try (NativeServer server = new NativeServer(this.peer, "sink", name); ReplyClient client = new ReplyClient(new WindowsPipeTransport(mode), name, TIMEOUT)) {
			byte[] message = new byte[size];
			double[] perMessage = new double[BATCHES];
			for (int batch = -2; batch < BATCHES; batch++) {
				long start = System.nanoTime();
				for (int i = 0; i < count; i++) {
					client.send(message);
				}
				long counted = ByteBuffer.wrap(client.exchange(new byte[0])).getLong();
				long elapsed = System.nanoTime() - start;
				if (counted != count) {
					throw new IllegalStateException("server counted " + counted + " of " + count);
				}
				if (batch >= 0) {
					perMessage[batch] = elapsed / 1000.0 / count;
				}
			}
			return median(perMessage);
		}
	}

	/**
	 * Runs the native client against a native server and returns what it printed, in ns.
	 */
	private double nativeMedian(String serverMode, String clientMode, int count, int size) throws Exception {
		String name = pipeName();
		try (NativeServer server = new NativeServer(this.peer, serverMode, name)) {
			Process client = new ProcessBuilder(this.peer, clientMode, name, Integer.toString(count),
					Integer.toString(size))
				.redirectError(ProcessBuilder.Redirect.INHERIT)
				.start();
			String line = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))
				.readLine();
			if (!client.waitFor(5, TimeUnit.MINUTES) || line == null) {
				client.destroyForcibly();
				throw new IllegalStateException("native " + clientMode + " client did not finish");
			}
			return Double.parseDouble(line.trim());
		}
	}

	private static String pipeName() {
		return "bench-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
	}

	private static double median(long[] samples) {
		long[] sorted = samples.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

	private static double median(double[] samples) {
		double[] sorted = samples.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

	/**
	 * The native C server, started fresh for each measurement.
	 */
	private static final class NativeServer implements AutoCloseable {

		private final Process process;

		NativeServer(String peer, String mode, String name) throws IOException {
			this.process = new ProcessBuilder(peer, mode, name).redirectError(ProcessBuilder.Redirect.INHERIT).start();
			String ready = new BufferedReader(
					new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))
				.readLine();
			if (!"ready".equals(ready)) {
				throw new IOException("native " + mode + " server did not start: " + ready);
			}
		}

		@Override
		public void close() throws InterruptedException {
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}

	}

}
