package io.asyncipc.benchmarks.reliability;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeHandler;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.SendResult;
import io.asyncipc.transport.unix.UnixSocketTransport;

/**
 * An AsyncIPC client of the restart scenario: it keeps sending on the last connection it was
 * given, as an application holding a connection would, and counts how each send ended.
 */
final class RestartClient implements PipeHandler {

	private final PipeEndpoint endpoint;

	private final AtomicLong succeeded = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private final AtomicLong pending = new AtomicLong();

	private final AtomicLong echoes = new AtomicLong();

	private volatile PipeConnection connection;

	private volatile long connectedAt;

	RestartClient(Path socket) {
		this.endpoint = new UnixSocketTransport().createClient(socket.toString(),
				PipeOptions.builder().daemonThreads(true).build(), this);
		this.endpoint.start();
	}

	@Override
	public void onConnected(PipeConnection connection) {
		this.connectedAt = System.nanoTime();
		this.connection = connection;
	}

	@Override
	public void onMessage(PipeConnection connection, byte[] message) {
		this.echoes.incrementAndGet();
	}

	/**
	 * Sends one message on the last connection, if there ever was one.
	 * @param outcome counts the outcome for the phase the send was made in
	 */
	void send(Outcomes outcome) {
		PipeConnection current = this.connection;
		if (current == null) {
			return;
		}
		this.pending.incrementAndGet();
		outcome.sent.incrementAndGet();
		CompletableFuture<SendResult> future = current.send(new byte[32]);
		future.whenComplete((result, error) -> {
			this.pending.decrementAndGet();
			if (error == null) {
				this.succeeded.incrementAndGet();
				outcome.succeeded.incrementAndGet();
			}
			else {
				this.failed.incrementAndGet();
				outcome.failed.incrementAndGet();
			}
		});
	}

	/** When the current connection was made, or 0 before the first. */
	long connectedAt() {
		return this.connectedAt;
	}

	long succeeded() {
		return this.succeeded.get();
	}

	long failed() {
		return this.failed.get();
	}

	long pending() {
		return this.pending.get();
	}

	long echoes() {
		return this.echoes.get();
	}

	void close() {
		this.endpoint.close();
	}

	/**
	 * How the sends of one phase ended.
	 */
	static final class Outcomes {

		final AtomicLong sent = new AtomicLong();

		final AtomicLong succeeded = new AtomicLong();

		final AtomicLong failed = new AtomicLong();

	}

}
