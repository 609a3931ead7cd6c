package io.asyncipc.benchmarks.reliability;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * (a) Many clients send numbered messages to one echo server; each client checks that every
 * echo came back once and in order. Reports the aggregate round trips per second and the
 * server's resident memory and threads.
 */
final class ThroughputScenario {

	private static final int WINDOW = 64;

	private final int clients;

	private final int messages;

	ThroughputScenario(int clients, int messages) {
		this.clients = clients;
		this.messages = messages;
	}

	Figures run(Path directory) throws Exception {
		Figures figures = new Figures(String.format("(a) %d clients x %,d messages to an echo server", this.clients,
				this.messages));
		Path socket = directory.resolve("a.sock");
		try (ServerProcess server = ServerProcess.echo(socket)) {
			long idleRss = server.rssBytes();
			long idleThreads = server.threads();
			List<SequencedClient> all = new ArrayList<>();
			try {
				for (int i = 0; i < this.clients; i++) {
					SequencedClient client = new SequencedClient(socket, i, this.messages, WINDOW);
					all.add(client);
					client.start();
				}
				for (SequencedClient client : all) {
					if (!client.awaitConnected(30)) {
						figures.check(false, "a client did not connect within 30 s");
						return figures;
					}
				}
				long connectedThreads = server.threads();
				long started;
				long elapsed;
				boolean allDone = true;
				try (ServerSampler sampler = new ServerSampler(server)) {
					started = System.nanoTime();
					all.forEach(SequencedClient::go);
					for (SequencedClient client : all) {
						allDone &= client.awaitDone(300);
					}
					elapsed = System.nanoTime() - started;
					figures.add("round trips: %,d of %,d in %.1f s = **%,.0f msgs/s** (each a %d-byte message and its "
							+ "echo; window %d per client)", received(all), (long) this.clients * this.messages,
							elapsed / 1e9, received(all) / (elapsed / 1e9), SequencedClient.PAYLOAD_SIZE, WINDOW);
					figures.add("server RSS: %s idle, **%s peak** during the run", Figures.mib(idleRss),
							Figures.mib(sampler.peakRss()));
					figures.add("server threads: %d idle, %d with %d clients connected, **%d peak** during the run",
							idleThreads, connectedThreads, this.clients, sampler.peakThreads());
				}
				long lost = 0;
				long duplicated = 0;
				long failed = 0;
				long foreign = 0;
				int disconnected = 0;
				for (SequencedClient client : all) {
					lost += this.messages - client.received() + client.duplicated();
					duplicated += client.duplicated();
					failed += client.failedSends();
					foreign += client.foreign();
					disconnected += client.wasDisconnected() ? 1 : 0;
				}
				long skipped = all.stream().mapToLong(SequencedClient::skipped).sum();
				figures.add("per client checks: %d lost, %d duplicated, %d out of order, %d delivered to the wrong "
						+ "client, %d sends failed, %d clients disconnected", lost, duplicated, skipped, foreign,
						failed, disconnected);
				figures.check(allDone, "not every client got all its echoes within 300 s");
				figures.check(lost == 0, "%d messages lost", lost);
				figures.check(duplicated == 0, "%d messages duplicated", duplicated);
				figures.check(skipped == 0, "%d sequence numbers out of order", skipped);
				figures.check(foreign == 0, "%d echoes reached the wrong client", foreign);
				figures.check(failed == 0, "%d sends failed", failed);
				figures.check(disconnected == 0, "%d clients were disconnected", disconnected);
			}
			finally {
				all.forEach(SequencedClient::close);
			}
			figures.check(server.isAlive(), "the server died");
		}
		return figures;
	}

	private static long received(List<SequencedClient> clients) {
		return clients.stream().mapToLong(SequencedClient::received).sum();
	}

}
