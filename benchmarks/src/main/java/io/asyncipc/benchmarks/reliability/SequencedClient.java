package io.asyncipc.benchmarks.reliability;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.asyncipc.transport.DisconnectReason;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeHandler;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.unix.UnixSocketTransport;

/**
 * An AsyncIPC client that sends numbered messages to an echo server and checks every echo:
 * each sequence number must come back exactly once and in order. It keeps a window of
 * messages in flight and sends the next one from the echo of an earlier one, so it needs no
 * thread besides its I/O thread.
 */
final class SequencedClient implements PipeHandler {

	static final int PAYLOAD_SIZE = 32;

	private final int id;

	private final long total;

	private final int window;

	private final PipeEndpoint endpoint;

	private final CountDownLatch connected = new CountDownLatch(1);

	private final CountDownLatch done = new CountDownLatch(1);

	private final AtomicLong failedSends = new AtomicLong();

	private volatile PipeConnection connection;

	private volatile boolean disconnected;

	private long nextToSend;

	// Written on the I/O thread only; read after done, or after a timeout for the report.
	private volatile long received;

	private volatile long expected;

	private volatile long duplicated;

	private volatile long skipped;

	private volatile long foreign;

	SequencedClient(Path socket, int id, long total, int window) {
		this.id = id;
		this.total = total;
		this.window = window;
		this.endpoint = new UnixSocketTransport().createClient(socket.toString(),
				PipeOptions.builder().daemonThreads(true).build(), this);
	}

	void start() {
		this.endpoint.start();
	}

	boolean awaitConnected(long seconds) throws InterruptedException {
		return this.connected.await(seconds, TimeUnit.SECONDS);
	}

	/**
	 * Starts sending: an empty message goes out, and its echo opens the window on the I/O
	 * thread, so that only the I/O thread ever touches the sequence numbers.
	 */
	void go() {
		this.connection.send(new byte[0]);
	}

	boolean awaitDone(long seconds) throws InterruptedException {
		return this.done.await(seconds, TimeUnit.SECONDS);
	}

	@Override
	public void onConnected(PipeConnection connection) {
		this.connection = connection;
		this.connected.countDown();
	}

	@Override
	public void onMessage(PipeConnection connection, byte[] message) {
		if (message.length == 0) {
			// The echo of go()'s empty start signal: open the window.
			for (int i = 0; i < this.window && this.nextToSend < this.total; i++) {
				sendNext(connection);
			}
			return;
		}
		ByteBuffer buffer = ByteBuffer.wrap(message);
		int sender = buffer.getInt();
		long sequence = buffer.getLong();
		if (sender != this.id) {
			this.foreign++;
			return;
		}
		this.received++;
		if (sequence == this.expected) {
			this.expected++;
		}
		else if (sequence < this.expected) {
			this.duplicated++;
		}
		else {
			this.skipped += sequence - this.expected;
			this.expected = sequence + 1;
		}
		if (this.nextToSend < this.total) {
			sendNext(connection);
		}
		if (this.received == this.total) {
			this.done.countDown();
		}
	}

	private void sendNext(PipeConnection connection) {
		byte[] payload = ByteBuffer.allocate(PAYLOAD_SIZE).putInt(this.id).putLong(this.nextToSend++).array();
		connection.send(payload).whenComplete((result, error) -> {
			if (error != null) {
				this.failedSends.incrementAndGet();
			}
		});
	}

	@Override
	public void onDisconnected(PipeConnection connection, DisconnectReason reason, Throwable cause) {
		this.disconnected = true;
	}

	long received() {
		return this.received;
	}

	/** Echoes whose number came again. */
	long duplicated() {
		return this.duplicated;
	}

	/** Numbers jumped over: lost, or delivered out of order (then also counted as duplicated). */
	long skipped() {
		return this.skipped;
	}

	/** Echoes that carried another client's id. */
	long foreign() {
		return this.foreign;
	}

	long failedSends() {
		return this.failedSends.get();
	}

	boolean wasDisconnected() {
		return this.disconnected;
	}

	void close() {
		this.endpoint.close();
	}

}
