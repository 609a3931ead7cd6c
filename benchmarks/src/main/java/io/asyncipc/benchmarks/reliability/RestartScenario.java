package io.asyncipc.benchmarks.reliability;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * (b) The server is killed with {@code kill -9} and started again, many times, while clients
 * keep sending every 5 ms. Each client must reconnect by itself; every send must end, as a
 * success or as a visible failure, and none may hang.
 */
final class RestartScenario {

	private static final long OUTAGE_MILLIS = 300;

	private final int clients;

	private final int cycles;

	RestartScenario(int clients, int cycles) {
		this.clients = clients;
		this.cycles = cycles;
	}

	Figures run(Path directory) throws Exception {
		Figures figures = new Figures(String.format("(b) %d kill -9 and restart cycles of the server, %d clients "
				+ "sending every 5 ms", this.cycles, this.clients));
		Path socket = directory.resolve("b.sock");
		ServerProcess server = ServerProcess.echo(socket);
		List<RestartClient> all = new ArrayList<>();
		ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
		RestartClient.Outcomes connectedPhase = new RestartClient.Outcomes();
		RestartClient.Outcomes outagePhase = new RestartClient.Outcomes();
		List<Double> afterReady = new ArrayList<>();
		List<Double> afterKill = new ArrayList<>();
		List<Double> restartTimes = new ArrayList<>();
		int missed = 0;
		Phase phase = new Phase();
		try {
			for (int i = 0; i < this.clients; i++) {
				all.add(new RestartClient(socket));
			}
			awaitReconnect(all, 0, 30);
			// A send is an outage send if its client has not reconnected since the last kill.
			sender.scheduleAtFixedRate(() -> all.forEach((client) -> client
				.send((client.connectedAt() < phase.killedAt) ? outagePhase : connectedPhase)), 0, 5,
					TimeUnit.MILLISECONDS);
			for (int cycle = 0; cycle < this.cycles; cycle++) {
				Thread.sleep(OUTAGE_MILLIS);
				long killedAt = System.nanoTime();
				phase.killedAt = killedAt;
				server.kill();
				Thread.sleep(OUTAGE_MILLIS);
				long restarting = System.nanoTime();
				server = ServerProcess.echo(socket);
				long listeningAt = server.listeningAt();
				restartTimes.add((listeningAt - restarting) / 1e6);
				if (!awaitReconnect(all, killedAt, 30)) {
					missed++;
				}
				for (RestartClient client : all) {
					if (client.connectedAt() > killedAt) {
						afterReady.add((client.connectedAt() - listeningAt) / 1e6);
						afterKill.add((client.connectedAt() - killedAt) / 1e6);
					}
				}
			}
			Thread.sleep(OUTAGE_MILLIS);
			sender.shutdown();
			sender.awaitTermination(10, TimeUnit.SECONDS);
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (pending(all) > 0 && System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			long pending = pending(all);
			long succeeded = all.stream().mapToLong(RestartClient::succeeded).sum();
			long failed = all.stream().mapToLong(RestartClient::failed).sum();
			long echoes = all.stream().mapToLong(RestartClient::echoes).sum();
			figures.add("server restart (from starting the new JVM until it listened): median %.0f ms, max %.0f ms", median(restartTimes),
					max(restartTimes));
			figures.add("**reconnect after the new server listened: median %.0f ms, max %.0f ms** (%d reconnects; "
					+ "default backoff 100 ms doubling to 5 s, with jitter)", median(afterReady), max(afterReady),
					afterReady.size());
			figures.add("reconnect after the kill (outage %d ms + restart + reconnect): median %.0f ms, max %.0f ms",
					OUTAGE_MILLIS, median(afterKill), max(afterKill));
			figures.add("sends while connected (before the kill, or after the client reconnected): %,d, of which %,d succeeded and %,d failed",
					connectedPhase.sent.get(), connectedPhase.succeeded.get(), connectedPhase.failed.get());
			figures.add("**sends during the outages (from the kill until that client reconnected): %,d, of which %,d "
					+ "failed visibly (PipeClosedException) and %,d succeeded** (handed to the OS before the client "
					+ "saw the close)", outagePhase.sent.get(),
					outagePhase.failed.get(), outagePhase.succeeded.get());
			figures.add("all sends: %,d succeeded + %,d failed, **%d never completed** (10 s after the last send)",
					succeeded, failed, pending);
			figures.add("echoes received: %,d; %,d successful sends got no echo (in the killed server's socket "
					+ "buffer or its queue when it died: a send's success means the OS took it, not that the peer "
					+ "read it)", echoes, succeeded - echoes);
			figures.check(missed == 0, "in %d cycles not every client reconnected within 30 s", missed);
			figures.check(pending == 0, "%d sends never completed", pending);
			figures.check(outagePhase.failed.get() > 0, "no send failed during the outages: failures are not visible");
		}
		finally {
			sender.shutdownNow();
			all.forEach(RestartClient::close);
			server.close();
		}
		return figures;
	}

	private static boolean awaitReconnect(List<RestartClient> clients, long after, int seconds)
			throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		while (System.nanoTime() < deadline) {
			if (clients.stream().allMatch((client) -> client.connectedAt() > after)) {
				return true;
			}
			Thread.sleep(1);
		}
		return false;
	}

	private static long pending(List<RestartClient> clients) {
		return clients.stream().mapToLong(RestartClient::pending).sum();
	}

	static double median(List<Double> values) {
		if (values.isEmpty()) {
			return Double.NaN;
		}
		List<Double> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		return sorted.get(sorted.size() / 2);
	}

	static double max(List<Double> values) {
		return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
	}

	/**
	 * When the server was last killed: set by the runner, read by the sending thread.
	 */
	private static final class Phase {

		volatile long killedAt = Long.MIN_VALUE;

	}

}
