package io.asyncipc.benchmarks.reliability;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
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
	 * Sends one message on a new connection and waits until the sample lists it.
	 * @param server the sample
	 * @param socket its socket
	 * @return milliseconds until it was listed, or -1 if it never was within 15 s
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
	 * Sends one message on an open connection and waits until the sample lists it.
	 * @param server the sample
	 * @param client the connection
	 * @param seconds how long to wait
	 * @return milliseconds until it was listed, or -1 if it never was in time
	 */
	static long send(ServerProcess server, FramedSocket client, int seconds) throws InterruptedException {
		String text = "legit-" + UUID.randomUUID();
		long started = System.nanoTime();
		try {
			client.writeFrame(text.getBytes(StandardCharsets.UTF_8));
			long deadline = started + TimeUnit.SECONDS.toNanos(seconds);
			while (System.nanoTime() < deadline) {
				if (server.receivedMessages().contains(text)) {
					return (System.nanoTime() - started) / 1_000_000;
				}
				Thread.sleep(20);
			}
		}
		catch (IOException ex) {
			// Not served: reported as -1.
		}
		return -1;
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
