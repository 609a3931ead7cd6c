package io.asyncipc.benchmarks.reliability;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples a server process's resident memory and threads every 100 ms while a scenario runs,
 * keeping the peaks.
 */
final class ServerSampler implements AutoCloseable {

	private final AtomicLong peakRss = new AtomicLong();

	private final AtomicLong peakThreads = new AtomicLong();

	private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "server-sampler");
		thread.setDaemon(true);
		return thread;
	});

	ServerSampler(ServerProcess server) {
		this.timer.scheduleAtFixedRate(() -> sample(server), 0, 100, TimeUnit.MILLISECONDS);
	}

	private void sample(ServerProcess server) {
		try {
			this.peakRss.accumulateAndGet(server.rssBytes(), Math::max);
			this.peakThreads.accumulateAndGet(server.threads(), Math::max);
		}
		catch (RuntimeException ex) {
			// The server died; the scenario reports that itself.
		}
	}

	long peakRss() {
		return this.peakRss.get();
	}

	long peakThreads() {
		return this.peakThreads.get();
	}

	@Override
	public void close() {
		this.timer.shutdownNow();
	}

}
