package io.asyncipc.benchmarks.windows;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.ObjectName;

import io.asyncipc.benchmarks.ReplyClient;
import io.asyncipc.transport.DisconnectReason;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeHandler;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.windows.WindowsIoMode;
import io.asyncipc.transport.windows.WindowsPipeTransport;

/**
 * What one idle connection costs the Windows transport's server, under Wine, in both modes: the
 * counterpart of {@code run-reliability d} on Unix. An AsyncIPC echo server runs in a JVM of its
 * own with Native Memory Tracking; after a warm-up round with a few clients (so that the baseline
 * holds the classes and code any connection needs), this JVM connects many AsyncIPC clients to
 * it, which stay idle, then makes one 64 KiB round trip on each (so that a buffer that grows on first use is
 * counted). The server measures itself when asked, once it has as many connections as it
 * should: heap in use after a full GC, memory committed outside the heap (NMT's total less the
 * heap, through the {@code DiagnosticCommand} MBean, as {@code jcmd} is not at hand under
 * Wine), and live threads. The figures are the deltas over the baseline (no client) divided by
 * the number of connections.
 * <p>
 * Usage: {@code WindowsIdleConnections [CONNECTIONS]} (default 100), run by
 * {@code benchmarks/run-windows-harness idle}.
 */
public final class WindowsIdleConnections {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final Pattern TOTAL = Pattern.compile("Total: reserved=\\d+KB, committed=(\\d+)KB");

	private static final Pattern HEAP = Pattern.compile("Java Heap \\(reserved=\\d+KB, committed=(\\d+)KB\\)");

	private WindowsIdleConnections() {
	}

	public static void main(String[] args) throws Exception {
		// The transport logs each connection at info level, on both sides: the table is what counts here.
		System.setProperty("org.slf4j.simpleLogger.log.io.asyncipc.transport", "warn");
		if (args.length > 0 && args[0].equals("--server")) {
			serve(WindowsIoMode.valueOf(args[1]), args[2]);
			return;
		}
		int connections = (args.length > 0) ? Integer.parseInt(args[0]) : 100;
		System.out.printf(Locale.ROOT, "Per idle connection of the server, %,d connections (KiB):%n%n", connections);
		System.out.println("| mode | state | heap after GC | committed outside the heap (NMT) | threads |");
		System.out.println("| --- | --- | --- | --- | --- |");
		for (WindowsIoMode mode : WindowsIoMode.values()) {
			measure(mode, connections);
		}
	}

	private static void measure(WindowsIoMode mode, int connections) throws Exception {
		String name = "bench-idle-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process process = new ProcessBuilder(java, "-XX:NativeMemoryTracking=summary", "-cp",
				System.getProperty("java.class.path"), WindowsIdleConnections.class.getName(), "--server",
				mode.name(), name)
			.redirectError(ProcessBuilder.Redirect.INHERIT)
			.start();
		List<ReplyClient> clients = new ArrayList<>();
		try {
			BufferedReader output = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
			PrintWriter input = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
			String ready = output.readLine();
			if (!"ready".equals(ready)) {
				throw new IOException("the idle-connection server did not start: " + ready);
			}
			WindowsPipeTransport transport = new WindowsPipeTransport(mode);
			byte[] message = new byte[64 * 1024];
			// A warm-up round first, so that the baseline holds the classes and code that any connection needs.
			for (int i = 0; i < Math.min(connections, 10); i++) {
				clients.add(new ReplyClient(transport, name, TIMEOUT));
			}
			exchange(clients, message);
			clients.forEach(ReplyClient::close);
			clients.clear();
			Snapshot baseline = Snapshot.ask(input, output, 0);
			for (int i = 0; i < connections; i++) {
				clients.add(new ReplyClient(transport, name, TIMEOUT));
			}
			Snapshot connected = Snapshot.ask(input, output, connections);
			exchange(clients, message);
			Snapshot used = Snapshot.ask(input, output, connections);
			String label = mode.name().toLowerCase(Locale.ROOT).replace('_', '-');
			System.out.println(connected.row(label, "connected, never sent", baseline, connections));
			System.out.println(used.row(label, "after one 64 KiB round trip each", baseline, connections));
		}
		finally {
			for (ReplyClient client : clients) {
				client.close();
			}
			process.getOutputStream().close();
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
		}
	}

	private static void exchange(List<ReplyClient> clients, byte[] message) throws Exception {
		for (ReplyClient client : clients) {
			if (client.exchange(message).length != message.length) {
				throw new IllegalStateException("a 64 KiB echo came back with another length");
			}
		}
	}

	/**
	 * The server: echoes every message, and answers {@code measure N} on its standard input
	 * with a {@link Snapshot} once it has {@code N} connections.
	 */
	private static void serve(WindowsIoMode mode, String name) throws Exception {
		Connections open = new Connections();
		PipeEndpoint server = new WindowsPipeTransport(mode).createServer(name, PipeOptions.defaults(),
				new PipeHandler() {

					@Override
					public void onConnected(PipeConnection connection) {
						open.add(1);
					}

					@Override
					public void onMessage(PipeConnection connection, byte[] message) {
						connection.send(message);
					}

					@Override
					public void onDisconnected(PipeConnection connection, DisconnectReason reason, Throwable cause) {
						open.add(-1);
					}

				});
		server.start();
		System.out.println("ready");
		BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		for (String line = commands.readLine(); line != null; line = commands.readLine()) {
			int expected = Integer.parseInt(line.substring("measure ".length()).trim());
			int reached = open.await(expected);
			if (reached != expected) {
				System.out.println("error: " + reached + " connections, expected " + expected);
				continue;
			}
			System.gc();
			System.gc();
			long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
			String nmt = (String) ManagementFactory.getPlatformMBeanServer()
				.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
						new Object[] { new String[] { "summary" } }, new String[] { String[].class.getName() });
			long outside = (kib(TOTAL, nmt) - kib(HEAP, nmt)) * 1024;
			System.out.println(heap + " " + outside + " " + Thread.activeCount());
		}
		server.close();
	}

	/**
	 * The number of open connections, which the measuring thread waits for.
	 */
	private static final class Connections {

		private int open;

		synchronized void add(int delta) {
			this.open += delta;
			notifyAll();
		}

		synchronized int await(int expected) throws InterruptedException {
			long deadline = System.nanoTime() + TIMEOUT.toNanos();
			long left = TIMEOUT.toNanos();
			while (this.open != expected && left > 0) {
				TimeUnit.NANOSECONDS.timedWait(this, left);
				left = deadline - System.nanoTime();
			}
			return this.open;
		}

	}

	private static long kib(Pattern pattern, String nmt) {
		Matcher matcher = pattern.matcher(nmt);
		if (!matcher.find()) {
			throw new IllegalStateException("Native Memory Tracking said no " + pattern + ":\n" + nmt);
		}
		return Long.parseLong(matcher.group(1));
	}

	/**
	 * What the server measured: bytes of heap after GC, bytes committed outside the heap, threads.
	 */
	private record Snapshot(long heap, long outside, int threads) {

		static Snapshot ask(PrintWriter input, BufferedReader output, int connections) throws IOException {
			input.println("measure " + connections);
			String line = output.readLine();
			if (line == null || line.startsWith("error")) {
				throw new IOException("the idle-connection server did not measure: " + line);
			}
			String[] fields = line.trim().split(" ");
			return new Snapshot(Long.parseLong(fields[0]), Long.parseLong(fields[1]), Integer.parseInt(fields[2]));
		}

		String row(String mode, String state, Snapshot baseline, int connections) {
			return String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %+d |", mode, state,
					(this.heap - baseline.heap) / 1024.0 / connections,
					(this.outside - baseline.outside) / 1024.0 / connections, this.threads - baseline.threads);
		}

	}

}
