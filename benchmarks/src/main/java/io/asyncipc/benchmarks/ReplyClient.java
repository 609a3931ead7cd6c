package io.asyncipc.benchmarks;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeHandler;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeTransport;

/**
 * An AsyncIPC client for the benchmarks: each reply completes the future of the last
 * exchange, which the caller waits for parked or spinning. Replies are taken as they are read
 * ({@link PipeHandler#takeOnIoThread}), and a parked caller reads the connection while it
 * waits ({@link PipeConnection#readWhileWaiting}), as {@code PipeTemplate} does.
 */
public final class ReplyClient implements AutoCloseable {

	private final AtomicReference<CompletableFuture<byte[]>> reply = new AtomicReference<>();

	private final PipeEndpoint endpoint;

	private final Duration timeout;

	private volatile PipeConnection connection;

	/**
	 * Connects to a server, waiting up to {@code timeout}.
	 * @param transport the transport
	 * @param name the pipe name
	 * @param timeout how long to wait for the connection, and for each reply
	 * @throws InterruptedException if interrupted while connecting
	 */
	public ReplyClient(PipeTransport transport, String name, Duration timeout) throws InterruptedException {
		this.timeout = timeout;
		CountDownLatch connected = new CountDownLatch(1);
		// Every message is a reply, taken where it is read: the executor never runs anything.
		PipeOptions options = PipeOptions.builder().daemonThreads(true).dispatchExecutor(Runnable::run).build();
		this.endpoint = transport.createClient(name, options, new PipeHandler() {
			@Override
			public void onConnected(PipeConnection connection) {
				ReplyClient.this.connection = connection;
				connected.countDown();
			}

			@Override
			public boolean takeOnIoThread(PipeConnection connection, byte[] message) {
				ReplyClient.this.reply.get().complete(message);
				return true;
			}

			@Override
			public void onMessage(PipeConnection connection, byte[] message) {
				ReplyClient.this.reply.get().complete(message);
			}
		});
		this.endpoint.start();
		if (!connected.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			this.endpoint.close();
			throw new IllegalStateException("benchmark client did not connect within " + timeout);
		}
	}

	/**
	 * Sends a message without waiting for anything.
	 * @param message the message
	 */
	public void send(byte[] message) {
		this.connection.send(message);
	}

	/**
	 * Sends a message and waits, parked, for the reply.
	 * @param message the message
	 * @return the reply
	 * @throws Exception if no reply comes in time
	 */
	public byte[] exchange(byte[] message) throws Exception {
		CompletableFuture<byte[]> reply = start(message);
		this.connection.readWhileWaiting(reply, this.timeout);
		return reply.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Sends a message and spins until the reply comes, which leaves out the wake-up of a
	 * parked thread.
	 * @param message the message
	 * @return the reply
	 */
	public byte[] exchangeSpinning(byte[] message) {
		CompletableFuture<byte[]> future = start(message);
		long deadline = System.nanoTime() + this.timeout.toNanos();
		while (!future.isDone()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("no reply within " + this.timeout);
			}
			Thread.onSpinWait();
		}
		return future.join();
	}

	/**
	 * Sends a message and returns the reply to come, so that a caller can wait for the replies
	 * of many clients at once.
	 * @param message the message
	 * @return the reply's future
	 */
	public CompletableFuture<byte[]> exchangeAsync(byte[] message) {
		return start(message);
	}

	private CompletableFuture<byte[]> start(byte[] message) {
		CompletableFuture<byte[]> future = new CompletableFuture<>();
		this.reply.set(future);
		this.connection.send(message);
		return future;
	}

	@Override
	public void close() {
		this.endpoint.close();
	}

}
