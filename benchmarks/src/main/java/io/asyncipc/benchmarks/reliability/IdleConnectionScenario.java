package io.asyncipc.benchmarks.reliability;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * (d) What one idle connection costs the server: many clients connect and stay, first without
 * ever sending, then after one 64 KiB round trip each (so that any buffer that grows on first
 * use is counted). The server runs with Native Memory Tracking; the figures are the deltas over
 * the baseline divided by the number of connections.
 */
final class IdleConnectionScenario {

	private static final int MESSAGE_SIZE = 64 * 1024;

	private final int connections;

	IdleConnectionScenario(int connections) {
		this.connections = connections;
	}

	Figures run(Path directory) throws Exception {
		Figures figures = new Figures(String.format("(d) memory per idle connection, %,d connections",
				this.connections));
		Path socket = directory.resolve("d.sock");
		List<FramedSocket> clients = new ArrayList<>();
		try (ServerProcess server = ServerProcess.echo(socket, "-XX:NativeMemoryTracking=summary")) {
			warmUp(socket);
			awaitConnections(server, 0);
			Snapshot baseline = Snapshot.of(server);
			for (int i = 0; i < this.connections; i++) {
				clients.add(FramedSocket.connect(socket));
			}
			boolean accepted = awaitConnections(server, this.connections);
			Snapshot connected = Snapshot.of(server);
			byte[] payload = new byte[MESSAGE_SIZE];
			for (FramedSocket client : clients) {
				client.writeFrame(payload);
				if (!Arrays.equals(client.readFrame(), payload)) {
					figures.check(false, "a client got a wrong echo");
				}
			}
			Snapshot used = Snapshot.of(server);
			figures.add("baseline (server idle, no client): RSS %s, heap after GC %s, NMT committed outside the heap %s, %d threads, "
					+ "%d descriptors", Figures.mib(baseline.rss), Figures.mib(baseline.heap),
					Figures.mib(baseline.nativeCommitted), baseline.threads, baseline.descriptors);
			per(figures, "connected, never sent", baseline, connected, this.connections);
			per(figures, "after one 64 KiB round trip each", baseline, used, this.connections);
			figures.check(accepted, "the server did not accept all %d connections within 30 s", this.connections);
			figures.check(connected.threads == baseline.threads && used.threads == baseline.threads,
					"idle connections cost threads: %d, then %d and %d", baseline.threads, connected.threads,
					used.threads);
		}
		finally {
			for (FramedSocket client : clients) {
				client.close();
			}
		}
		return figures;
	}

	private static void per(Figures figures, String state, Snapshot baseline, Snapshot now, int connections) {
		figures.add("%s: **heap %s, RSS %s, NMT committed outside the heap %s per connection**; %+d threads, %+d descriptors in all",
				state, Figures.kib((now.heap - baseline.heap) / (double) connections),
				Figures.kib((now.rss - baseline.rss) / (double) connections),
				Figures.kib((now.nativeCommitted - baseline.nativeCommitted) / (double) connections),
				now.threads - baseline.threads, now.descriptors - baseline.descriptors);
	}

	private static void warmUp(Path socket) throws Exception {
		// Loads the classes of the accept and echo paths before the baseline.
		for (int i = 0; i < 20; i++) {
			try (FramedSocket client = FramedSocket.connect(socket)) {
				client.writeFrame(new byte[MESSAGE_SIZE]);
				client.readFrame();
			}
		}
	}

	private static boolean awaitConnections(ServerProcess server, int count) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (server.connections() != count) {
			if (System.nanoTime() > deadline) {
				return false;
			}
			Thread.sleep(20);
		}
		return true;
	}

	private record Snapshot(long rss, long heap, long nativeCommitted, long threads, long descriptors) {

		static Snapshot of(ServerProcess server) throws Exception {
			long heap = server.heapAfterGc();
			return new Snapshot(server.rssBytes(), heap, Jcmd.nativeCommittedOutsideHeap(server.pid()), server.threads(),
					server.descriptors());
		}

	}

}
