package io.asyncipc.benchmarks.reliability;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches the Spring Boot sample while it is attacked: every half second its heap in use (no
 * collection forced, so the peak is what the attack really held) and its health; and, on
 * demand, whether a legitimate client is still served.
 */
final class SampleProbe implements AutoCloseable {

	private final ServerProcess server;

	private final AtomicLong peakHeap = new AtomicLong();

	private final AtomicLong samples = new AtomicLong();

	private final AtomicLong notUp = new AtomicLong();

	private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "sample-probe");
		thread.setDaemon(true);
		return thread;
	});

	SampleProbe(ServerProcess server) {
		this.server = server;
		this.timer.scheduleWithFixedDelay(this::sample, 0, 500, TimeUnit.MILLISECONDS);
	}

	private void sample() {
		if (!this.server.isAlive()) {
			return;
		}
		this.samples.incrementAndGet();
		if (!this.server.healthUp()) {
			this.notUp.incrementAndGet();
		}
		try {
			this.peakHeap.accumulateAndGet(Jcmd.heapUsed(this.server.pid()), Math::max);
		}
		catch (RuntimeException ex) {
			// A JVM out of memory may not answer jcmd; health and liveness tell the rest.
		}
	}

	long peakHeap() {
		return this.peakHeap.get();
	}

	long samples() {
		return this.samples.get();
	}

	long samplesNotUp() {
		return this.notUp.get();
	}

	@Override
	public void close() {
		this.timer.shutdownNow();
	}

	/**
	 * Sends one message on a new connection and waits until the sample's listener logs it.
	 * @param server the sample
	 * @param socket its socket
	 * @return milliseconds until it was logged, or -1 if it never was within 15 s
	 */
	static long legitimateExchange(ServerProcess server, Path socket) throws InterruptedException {
		try (FramedSocket client = FramedSocket.connect(socket)) {
			return send(server, client, 15);
		}
		catch (IOException ex) {
			return -1;
		}
	}

	/**
	 * Sends one message on an open connection and waits until the sample's listener logs it
	 * ("Received on ...: text"). The log, not {@code GET /messages}, is watched: under a flood
	 * the sample's list of the last 1,000 messages turns over faster than it can be polled.
	 * @param server the sample
	 * @param client the connection
	 * @param seconds how long to wait
	 * @return milliseconds until it was logged, or -1 if it never was in time
	 */
	static long send(ServerProcess server, FramedSocket client, int seconds) throws InterruptedException {
		String text = "legit-" + UUID.randomUUID();
		CountDownLatch logged = server.output().expect(text);
		long started = System.nanoTime();
		try {
			client.writeFrame(text.getBytes(StandardCharsets.UTF_8));
			if (logged.await(seconds, TimeUnit.SECONDS)) {
				return (System.nanoTime() - started) / 1_000_000;
			}
		}
		catch (IOException ex) {
			// Not served: reported as -1.
		}
		finally {
			server.output().forget(text);
		}
		return -1;
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
