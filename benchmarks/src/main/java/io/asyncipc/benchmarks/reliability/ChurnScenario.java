package io.asyncipc.benchmarks.reliability;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * (c) Clients connect and disconnect many times: after they are gone, the server's
 * descriptors, threads and heap (after a collection) must be back at their baseline. Of every
 * ten cycles, eight send a message and read its echo, one sends and closes without reading
 * the echo (the server's write then meets a closed socket), and one closes without sending.
 */
final class ChurnScenario {

	private static final int WORKERS = 4;

	private static final int WARM_UP = 2_000;

	/** What the heap may keep above its baseline without counting as a leak. */
	private static final long HEAP_TOLERANCE = 1024 * 1024;

	/**
	 * The Native Memory Tracking categories that a leaked connection would grow: direct buffers
	 * and other native allocations, threads. The JIT's (Compiler, Arena Chunk, Code) grow as
	 * it compiles the hot paths, connections or not.
	 */
	private static final List<String> CONNECTION_CATEGORIES = List.of("Other", "Internal", "Thread", "NIO");

	/** What those categories may keep above their baseline. */
	private static final long NATIVE_TOLERANCE = 1024 * 1024;

	private final int cycles;

	ChurnScenario(int cycles) {
		this.cycles = cycles;
	}

	Figures run(Path directory) throws Exception {
		Figures figures = new Figures(String.format("(c) %,d connect and disconnect cycles", this.cycles));
		Path socket = directory.resolve("c.sock");
		try (ServerProcess server = ServerProcess.echo(socket, "-XX:NativeMemoryTracking=summary")) {
			AtomicLong errors = new AtomicLong();
			churn(socket, WARM_UP, errors);
			Snapshot baseline = Snapshot.of(server);
			Jcmd.nativeBaseline(server.pid());
			long started = System.nanoTime();
			churn(socket, this.cycles / 2, errors);
			long firstHalf = System.nanoTime() - started;
			Snapshot half = Snapshot.of(server);
			started = System.nanoTime();
			churn(socket, this.cycles - this.cycles / 2, errors);
			double seconds = (firstHalf + System.nanoTime() - started) / 1e9;
			int open = awaitNoConnections(server);
			Snapshot after = Snapshot.of(server);
			figures.add("%,d cycles in %.1f s (%,.0f per second, %d clients in parallel), after %d warm-up cycles; "
					+ "%d cycles failed", this.cycles, seconds, this.cycles / seconds, WORKERS, WARM_UP, errors.get());
			figures.add("server descriptors: **%d before, %d after half the cycles, %d after all**",
					baseline.descriptors, half.descriptors, after.descriptors);
			figures.add("server threads: **%d before, %d after half, %d after all**", baseline.threads, half.threads,
					after.threads);
			figures.add("server heap after a full GC: **%s before, %s after half (%+,d bytes), %s after all (%+,d "
					+ "bytes)**", Figures.mib(baseline.heap), Figures.mib(half.heap), half.heap - baseline.heap,
					Figures.mib(after.heap), after.heap - baseline.heap);
			figures.add("server native memory outside the heap (NMT committed): **%s before, %s after half, %s after "
					+ "all**", Figures.mib(baseline.nativeCommitted), Figures.mib(half.nativeCommitted),
					Figures.mib(after.nativeCommitted));
			Map<String, Long> growth = Jcmd.nativeGrowth(server.pid());
			long connectionGrowth = CONNECTION_CATEGORIES.stream().mapToLong((name) -> growth.getOrDefault(name, 0L)).sum();
			figures.add("native memory categories that changed by more than 256 KiB: %s; in the categories a "
					+ "connection could leak in (%s): **%+,d KiB**", growth
						.entrySet()
						.stream()
						.filter((entry) -> Math.abs(entry.getValue()) > 256 * 1024)
						.map((entry) -> String.format("%s %+,d KiB", entry.getKey(), entry.getValue() / 1024))
						.collect(Collectors.joining(", ")), String.join(", ", CONNECTION_CATEGORIES),
					connectionGrowth / 1024);
			figures.add("server RSS: %s before, %s after half, %s after all (RSS also counts the heap pages that the "
					+ "collector touched and keeps committed)", Figures.mib(baseline.rss), Figures.mib(half.rss),
					Figures.mib(after.rss));
			figures.check(open == 0, "the server still had %d connections open 10 s after the last client left", open);
			figures.check(errors.get() == 0, "%d cycles failed", errors.get());
			figures.check(after.descriptors <= baseline.descriptors, "descriptors grew from %d to %d",
					baseline.descriptors, after.descriptors);
			figures.check(after.threads <= baseline.threads, "threads grew from %d to %d", baseline.threads,
					after.threads);
			figures.check(after.heap - baseline.heap <= HEAP_TOLERANCE, "the heap after GC grew by %,d bytes",
					after.heap - baseline.heap);
			figures.check(connectionGrowth <= NATIVE_TOLERANCE, "native memory of the categories %s grew by %,d bytes",
					CONNECTION_CATEGORIES, connectionGrowth);
		}
		return figures;
	}

	private static void churn(Path socket, int cycles, AtomicLong errors) throws Exception {
		ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
		AtomicInteger next = new AtomicInteger();
		List<Future<?>> done = new ArrayList<>();
		for (int w = 0; w < WORKERS; w++) {
			done.add(workers.submit(() -> {
				int cycle;
				while ((cycle = next.getAndIncrement()) < cycles) {
					try {
						cycle(socket, cycle);
					}
					catch (IOException ex) {
						errors.incrementAndGet();
					}
				}
				return null;
			}));
		}
		for (Future<?> worker : done) {
			worker.get();
		}
		workers.shutdown();
	}

	private static void cycle(Path socket, int cycle) throws IOException {
		try (FramedSocket client = FramedSocket.connect(socket)) {
			switch (cycle % 10) {
				case 0 -> {
					// Closes before the server has read anything.
				}
				case 5 -> client.writeFrame(new byte[64]);
				default -> {
					byte[] payload = new byte[64];
					Arrays.fill(payload, (byte) cycle);
					client.writeFrame(payload);
					if (!Arrays.equals(client.readFrame(), payload)) {
						throw new IOException("wrong echo in cycle " + cycle);
					}
				}
			}
		}
	}

	private static int awaitNoConnections(ServerProcess server) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		int open;
		while ((open = server.connections()) > 0 && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		return open;
	}

	private record Snapshot(long descriptors, long threads, long heap, long nativeCommitted, long rss) {

		static Snapshot of(ServerProcess server) throws Exception {
			awaitNoConnections(server);
			long heap = server.heapAfterGc();
			// jcmd first: its first call starts the JVM's attach listener, a thread and a socket.
			long nativeCommitted = Jcmd.nativeCommittedOutsideHeap(server.pid());
			return new Snapshot(server.descriptors(), server.threads(), heap, nativeCommitted, server.rssBytes());
		}

	}

}
