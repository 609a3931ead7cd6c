package io.asyncipc.transport;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * What the connections of a pipe did, counted from the first start: messages and bytes sent
 * and received, open connections, bytes queued, failed sends by reason, a client's reconnects
 * and a server's refused peers.
 * <p>
 * Give one to {@link PipeOptions.Builder#statistics(PipeStatistics)} and keep it: the endpoints
 * created with those options count into it, so that the counts go on across a stop and a start,
 * when the endpoint is replaced. Reading is for monitoring: any thread, at any time, and each
 * total only ever grows.
 * <p>
 * A message counts as sent when the OS took all of its bytes (its send's future completes), and
 * as received when it was read whole and handed to the handler. Bytes are those of the
 * transport message, without the length prefix that Unix sockets write before each, so that
 * both platforms count alike.
 * <p>
 * Cost: a connection counts its own traffic in plain fields that only its I/O thread writes,
 * with no allocation, lock or lookup per message; they are summed when read, and added to the
 * totals of this object once the connection is done.
 */
public final class PipeStatistics {

	private final Object monitor = new Object();

	/** The traffic of connections not done yet; guarded by {@link #monitor}. */
	private final Set<Traffic> live = new HashSet<>();

	/** Totals of the connections done; guarded by {@link #monitor}. */
	private long messagesSent;

	private long bytesSent;

	private long messagesReceived;

	private long bytesReceived;

	private final AtomicInteger connections = new AtomicInteger();

	private final LongAdder[] sendFailures = new LongAdder[SendFailureReason.values().length];

	private final LongAdder reconnects = new LongAdder();

	private final LongAdder peersRejected = new LongAdder();

	/**
	 * Creates statistics that count from zero.
	 */
	public PipeStatistics() {
		for (int i = 0; i < this.sendFailures.length; i++) {
			this.sendFailures[i] = new LongAdder();
		}
	}

	/**
	 * Returns the connections open now.
	 * @return the open connections
	 */
	public int connections() {
		return this.connections.get();
	}

	/**
	 * Returns the messages sent: those whose bytes the OS took.
	 * @return the messages sent
	 */
	public long messagesSent() {
		return sum((totals) -> totals.messagesSent, Traffic.MESSAGES_SENT);
	}

	/**
	 * Returns the bytes of the messages sent, without the platform's framing.
	 * @return the bytes sent
	 */
	public long bytesSent() {
		return sum((totals) -> totals.bytesSent, Traffic.BYTES_SENT);
	}

	/**
	 * Returns the messages received: those read whole and handed to the handler.
	 * @return the messages received
	 */
	public long messagesReceived() {
		return sum((totals) -> totals.messagesReceived, Traffic.MESSAGES_RECEIVED);
	}

	/**
	 * Returns the bytes of the messages received, without the platform's framing.
	 * @return the bytes received
	 */
	public long bytesReceived() {
		return sum((totals) -> totals.bytesReceived, Traffic.BYTES_RECEIVED);
	}

	/**
	 * Adds the live connections' counts of a field to the total of the connections done.
	 */
	private long sum(ToLongFunction<PipeStatistics> done, VarHandle field) {
		synchronized (this.monitor) {
			long sum = done.applyAsLong(this);
			for (Traffic traffic : this.live) {
				sum += (long) field.getOpaque(traffic);
			}
			return sum;
		}
	}

	/**
	 * Returns the bytes queued on the connections and not settled yet, as
	 * {@link PipeConnection#queuedBytes()} counts them, summed over the connections.
	 * @return the queued bytes
	 */
	public long queuedBytes() {
		synchronized (this.monitor) {
			long sum = 0;
			for (Traffic traffic : this.live) {
				sum += traffic.queuedBytes.getAsLong();
			}
			return sum;
		}
	}

	/**
	 * Returns the sends that failed for a reason.
	 * @param reason the reason
	 * @return the failed sends
	 */
	public long sendFailures(SendFailureReason reason) {
		return this.sendFailures[reason.ordinal()].sum();
	}

	/**
	 * Returns how often a client connected again after it lost its connection. The first
	 * connection after a start does not count, however many attempts it took.
	 * @return the reconnects
	 */
	public long reconnects() {
		return this.reconnects.sum();
	}

	/**
	 * Returns the peers a server refused before they became connections: by its security check
	 * or its connection limit.
	 * @return the refused peers
	 */
	public long peersRejected() {
		return this.peersRejected.sum();
	}

	/**
	 * Counts a failed send. Called by the transport, and by layers above it for failures of
	 * their own, such as a pipe that is not started.
	 * @param reason why it failed
	 */
	public void sendFailed(SendFailureReason reason) {
		this.sendFailures[reason.ordinal()].increment();
	}

	/**
	 * Counts a reconnect. Called by the transport.
	 */
	public void reconnected() {
		this.reconnects.increment();
	}

	/**
	 * Counts a refused peer. Called by the transport.
	 */
	public void peerRejected() {
		this.peersRejected.increment();
	}

	/**
	 * Makes the counters of a new connection, which count once it is {@link Traffic#opened()
	 * opened}. Called by the transport.
	 * @param queuedBytes tells the bytes the connection holds queued
	 * @return the connection's counters
	 */
	public Traffic newTraffic(LongSupplier queuedBytes) {
		return new Traffic(this, Objects.requireNonNull(queuedBytes, "queuedBytes"));
	}

	/**
	 * The counters of one connection. Its I/O thread counts each message in plain fields; they
	 * are read without a lock, and added to the pipe's totals once the connection is done.
	 */
	public static final class Traffic {

		static final VarHandle MESSAGES_SENT;

		static final VarHandle BYTES_SENT;

		static final VarHandle MESSAGES_RECEIVED;

		static final VarHandle BYTES_RECEIVED;

		static {
			try {
				MethodHandles.Lookup lookup = MethodHandles.lookup();
				MESSAGES_SENT = lookup.findVarHandle(Traffic.class, "messagesSent", long.class);
				BYTES_SENT = lookup.findVarHandle(Traffic.class, "bytesSent", long.class);
				MESSAGES_RECEIVED = lookup.findVarHandle(Traffic.class, "messagesReceived", long.class);
				BYTES_RECEIVED = lookup.findVarHandle(Traffic.class, "bytesReceived", long.class);
			}
			catch (ReflectiveOperationException ex) {
				throw new ExceptionInInitializerError(ex);
			}
		}

		private final PipeStatistics statistics;

		private final LongSupplier queuedBytes;

		// Written by one thread at a time (the connection's I/O thread), read by any with opaque reads.
		private long messagesSent;

		private long bytesSent;

		private long messagesReceived;

		private long bytesReceived;

		private boolean open;

		private boolean done;

		private Traffic(PipeStatistics statistics, LongSupplier queuedBytes) {
			this.statistics = statistics;
			this.queuedBytes = queuedBytes;
		}

		/**
		 * Counts a message the OS took. Call on the connection's I/O thread.
		 * @param bytes its length
		 */
		public void sent(int bytes) {
			sent(1, bytes);
		}

		/**
		 * Counts messages the OS took, all at once. Call on the connection's I/O thread.
		 * @param messages how many
		 * @param bytes their lengths together
		 */
		public void sent(int messages, long bytes) {
			MESSAGES_SENT.setOpaque(this, this.messagesSent + messages);
			BYTES_SENT.setOpaque(this, this.bytesSent + bytes);
		}

		/**
		 * Counts a message read whole. Call on the connection's I/O thread.
		 * @param bytes its length
		 */
		public void received(int bytes) {
			MESSAGES_RECEIVED.setOpaque(this, this.messagesReceived + 1);
			BYTES_RECEIVED.setOpaque(this, this.bytesReceived + bytes);
		}

		/**
		 * Returns how many messages this connection read whole so far. Any thread may call it;
		 * it sees the count of a moment ago.
		 * @return the count
		 */
		public long messagesReceived() {
			return (long) MESSAGES_RECEIVED.getOpaque(this);
		}

		/**
		 * Counts a send of this connection that failed after it was queued.
		 * @param reason why it failed
		 */
		public void sendFailed(SendFailureReason reason) {
			this.statistics.sendFailed(reason);
		}

		/**
		 * Records that the connection opened: it counts as open, and its traffic is read.
		 */
		public void opened() {
			synchronized (this.statistics.monitor) {
				if (this.open || this.done) {
					return;
				}
				this.open = true;
				this.statistics.live.add(this);
			}
			this.statistics.connections.incrementAndGet();
		}

		/**
		 * Records that the connection closed: it no longer counts as open. Its sends may still
		 * settle.
		 */
		public void closed() {
			boolean wasOpen;
			synchronized (this.statistics.monitor) {
				wasOpen = this.open;
				this.open = false;
			}
			if (wasOpen) {
				this.statistics.connections.decrementAndGet();
			}
		}

		/**
		 * Records that the connection is done, after its last send settled: its counts move to
		 * the pipe's totals, once.
		 */
		public void done() {
			closed();
			PipeStatistics totals = this.statistics;
			synchronized (totals.monitor) {
				if (this.done) {
					return;
				}
				this.done = true;
				totals.live.remove(this);
				totals.messagesSent += this.messagesSent;
				totals.bytesSent += this.bytesSent;
				totals.messagesReceived += this.messagesReceived;
				totals.bytesReceived += this.bytesReceived;
			}
		}

	}

}
