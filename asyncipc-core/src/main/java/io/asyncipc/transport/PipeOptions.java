package io.asyncipc.transport;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Limits, backoff and dispatch of an endpoint. Immutable; build one with {@link #builder()}.
 */
public final class PipeOptions {

	/**
	 * Bytes that each queued message counts on top of its payload, so that empty messages
	 * also fill the outbound queue.
	 */
	public static final int MESSAGE_OVERHEAD = 4;

	/** The default maximum message size: 16 MiB. */
	public static final int DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024;

	/** The default listen backlog, as Kestrel's: 512 clients waiting to be accepted. */
	public static final int DEFAULT_BACKLOG = 512;

	/** The default outbound queue limit: 64 MiB per connection. */
	public static final long DEFAULT_MAX_QUEUED_BYTES = 64L * 1024 * 1024;

	/** The default limit of connections a server holds at once: 1,024. */
	public static final int DEFAULT_MAX_CONNECTIONS = 1024;

	/** The default time a peer has to finish a message it started: 30 seconds, as Kestrel's header timeout. */
	public static final Duration DEFAULT_FRAME_TIMEOUT = Duration.ofSeconds(30);

	private static final PipeOptions DEFAULTS = builder().build();

	private final int maxMessageSize;

	private final long maxQueuedBytes;

	private final Duration reconnectMinBackoff;

	private final Duration reconnectMaxBackoff;

	private final int ioThreads;

	private final int backlog;

	private final int maxConnections;

	private final Duration frameTimeout;

	private final Duration idleTimeout;

	private final InboundMemoryBudget inboundBudget;

	private final Executor dispatchExecutor;

	private final boolean daemonThreads;

	private final PipeStatistics statistics;

	private PipeOptions(Builder builder) {
		this.maxMessageSize = builder.maxMessageSize;
		this.maxQueuedBytes = builder.maxQueuedBytes;
		this.reconnectMinBackoff = builder.reconnectMinBackoff;
		this.reconnectMaxBackoff = builder.reconnectMaxBackoff;
		this.ioThreads = builder.ioThreads;
		this.backlog = builder.backlog;
		this.maxConnections = builder.maxConnections;
		this.frameTimeout = builder.frameTimeout;
		this.idleTimeout = builder.idleTimeout;
		this.inboundBudget = builder.inboundBudget;
		this.dispatchExecutor = builder.dispatchExecutor;
		this.daemonThreads = builder.daemonThreads;
		this.statistics = builder.statistics;
	}

	/**
	 * Returns the default options.
	 * @return the defaults
	 */
	public static PipeOptions defaults() {
		return DEFAULTS;
	}

	/**
	 * Starts building options from the defaults.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns the largest message, in bytes, that may be sent or received.
	 * @return the maximum message size
	 */
	public int maxMessageSize() {
		return this.maxMessageSize;
	}

	/**
	 * Returns how many bytes each connection may have queued and not yet written; with a
	 * {@link #dispatchExecutor()}, also how many bytes of received messages may wait for the
	 * handler before the connection stops reading.
	 * @return the queue limit
	 */
	public long maxQueuedBytes() {
		return this.maxQueuedBytes;
	}

	/**
	 * Returns a client's first wait before it tries again.
	 * @return the minimum backoff
	 */
	public Duration reconnectMinBackoff() {
		return this.reconnectMinBackoff;
	}

	/**
	 * Returns the longest a client waits between attempts.
	 * @return the maximum backoff
	 */
	public Duration reconnectMaxBackoff() {
		return this.reconnectMaxBackoff;
	}

	/**
	 * Returns how many I/O threads a server spreads its connections over.
	 * @return the number of I/O threads
	 */
	public int ioThreads() {
		return this.ioThreads;
	}

	/**
	 * Returns how many clients a Unix server lets wait in the kernel for it to accept them.
	 * The kernel caps it at {@code net.core.somaxconn}.
	 * @return the listen backlog
	 */
	public int backlog() {
		return this.backlog;
	}

	/**
	 * Returns how many connections a server holds at once. A client above it is closed as soon
	 * as it is accepted, and reported to {@link PipeHandler#onPeerRejected}.
	 * @return the connection limit
	 */
	public int maxConnections() {
		return this.maxConnections;
	}

	/**
	 * Returns how long a peer may take from the first byte of a message to its last while this
	 * side reads. A connection that takes longer is closed with {@link DisconnectReason#TIMED_OUT}:
	 * that ends connections which send part of a frame and then hold it open.
	 * @return the frame-completion timeout
	 */
	public Duration frameTimeout() {
		return this.frameTimeout;
	}

	/**
	 * Returns how long a connection may go without reading or writing a byte before it is closed
	 * with {@link DisconnectReason#TIMED_OUT}; {@link Duration#ZERO}, the default, for no limit.
	 * @return the idle timeout, or zero
	 */
	public Duration idleTimeout() {
		return this.idleTimeout;
	}

	/**
	 * Returns the heap that received messages of all connections sharing it may hold.
	 * @return the inbound memory budget; {@link InboundMemoryBudget#processWide()} by default
	 */
	public InboundMemoryBudget inboundBudget() {
		return this.inboundBudget;
	}

	/**
	 * Returns the executor that runs the handler, or {@code null} to run it inline on the
	 * I/O thread. On an executor each connection's events still run in order, one at a time.
	 * @return the dispatch executor, or {@code null} for inline dispatch
	 */
	public Executor dispatchExecutor() {
		return this.dispatchExecutor;
	}

	/**
	 * Returns whether the I/O threads are daemon threads, which do not keep the JVM alive.
	 * @return whether the I/O threads are daemons
	 */
	public boolean daemonThreads() {
		return this.daemonThreads;
	}

	/**
	 * Returns the statistics that endpoints created with these options count into.
	 * @return the statistics, or {@code null} if each endpoint counts into its own
	 */
	public PipeStatistics statistics() {
		return this.statistics;
	}

	/**
	 * Returns a builder that starts from these options.
	 * @return a new builder
	 */
	public Builder toBuilder() {
		Builder builder = new Builder();
		builder.maxMessageSize = this.maxMessageSize;
		builder.maxQueuedBytes = this.maxQueuedBytes;
		builder.reconnectMinBackoff = this.reconnectMinBackoff;
		builder.reconnectMaxBackoff = this.reconnectMaxBackoff;
		builder.ioThreads = this.ioThreads;
		builder.backlog = this.backlog;
		builder.maxConnections = this.maxConnections;
		builder.frameTimeout = this.frameTimeout;
		builder.idleTimeout = this.idleTimeout;
		builder.inboundBudget = this.inboundBudget;
		builder.dispatchExecutor = this.dispatchExecutor;
		builder.daemonThreads = this.daemonThreads;
		builder.statistics = this.statistics;
		return builder;
	}

	/**
	 * Builds {@link PipeOptions}, checking each value as it is set.
	 */
	public static final class Builder {

		private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;

		private long maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;

		private Duration reconnectMinBackoff = Duration.ofMillis(100);

		private Duration reconnectMaxBackoff = Duration.ofSeconds(5);

		private int ioThreads = 1;

		private int backlog = DEFAULT_BACKLOG;

		private int maxConnections = DEFAULT_MAX_CONNECTIONS;

		private Duration frameTimeout = DEFAULT_FRAME_TIMEOUT;

		private Duration idleTimeout = Duration.ZERO;

		private InboundMemoryBudget inboundBudget = InboundMemoryBudget.processWide();

		private Executor dispatchExecutor;

		private boolean daemonThreads;

		private PipeStatistics statistics;

		private Builder() {
		}

		/**
		 * Sets the largest message that may be sent or received.
		 * @param bytes from 1 byte to {@code Integer.MAX_VALUE - 8}
		 * @return this builder
		 */
		public Builder maxMessageSize(long bytes) {
			if (bytes < 1 || bytes > Integer.MAX_VALUE - 8) {
				throw new IllegalArgumentException(
						"max message size must be between 1 byte and " + (Integer.MAX_VALUE - 8) + " bytes, got " + bytes);
			}
			this.maxMessageSize = (int) bytes;
			return this;
		}

		/**
		 * Sets how many bytes each connection may have queued and not yet written.
		 * @param bytes the limit; at least the maximum message size plus
		 * {@link #MESSAGE_OVERHEAD}, checked by {@link #build()}
		 * @return this builder
		 */
		public Builder maxQueuedBytes(long bytes) {
			this.maxQueuedBytes = bytes;
			return this;
		}

		/**
		 * Sets the client's backoff between connection attempts: it starts at {@code min} and
		 * doubles up to {@code max}; each wait is shortened at random by up to a fifth.
		 * @param min the first wait, positive
		 * @param max the longest wait, at least {@code min}
		 * @return this builder
		 */
		public Builder reconnectBackoff(Duration min, Duration max) {
			Objects.requireNonNull(min, "min");
			Objects.requireNonNull(max, "max");
			if (min.isNegative() || min.isZero()) {
				throw new IllegalArgumentException("reconnect minimum backoff must be positive, got " + min);
			}
			if (max.compareTo(min) < 0) {
				throw new IllegalArgumentException(
						"reconnect maximum backoff (" + max + ") must not be below the minimum (" + min + ")");
			}
			this.reconnectMinBackoff = min;
			this.reconnectMaxBackoff = max;
			return this;
		}

		/**
		 * Sets how many I/O threads a server spreads its connections over.
		 * @param threads at least 1
		 * @return this builder
		 */
		public Builder ioThreads(int threads) {
			if (threads < 1) {
				throw new IllegalArgumentException("I/O threads must be at least 1, got " + threads);
			}
			this.ioThreads = threads;
			return this;
		}

		/**
		 * Sets how many clients a Unix server lets wait in the kernel for it to accept them:
		 * a burst of more connects than this is refused with {@code EAGAIN}.
		 * @param clients at least 1; the kernel caps it at {@code net.core.somaxconn}
		 * @return this builder
		 */
		public Builder backlog(int clients) {
			if (clients < 1) {
				throw new IllegalArgumentException("the listen backlog must be at least 1, got " + clients);
			}
			this.backlog = clients;
			return this;
		}

		/**
		 * Sets how many connections a server holds at once.
		 * @param connections at least 1
		 * @return this builder
		 */
		public Builder maxConnections(int connections) {
			if (connections < 1) {
				throw new IllegalArgumentException("the connection limit must be at least 1, got " + connections);
			}
			this.maxConnections = connections;
			return this;
		}

		/**
		 * Sets how long a peer may take from the first byte of a message to its last.
		 * @param timeout positive
		 * @return this builder
		 */
		public Builder frameTimeout(Duration timeout) {
			Objects.requireNonNull(timeout, "timeout");
			if (timeout.isNegative() || timeout.isZero()) {
				throw new IllegalArgumentException("the frame timeout must be positive, got " + timeout);
			}
			this.frameTimeout = timeout;
			return this;
		}

		/**
		 * Sets how long a connection may go without reading or writing a byte.
		 * @param timeout positive, or {@link Duration#ZERO} for no limit
		 * @return this builder
		 */
		public Builder idleTimeout(Duration timeout) {
			Objects.requireNonNull(timeout, "timeout");
			if (timeout.isNegative()) {
				throw new IllegalArgumentException("the idle timeout must not be negative, got " + timeout);
			}
			this.idleTimeout = timeout;
			return this;
		}

		/**
		 * Sets the heap budget for received messages, shared by all endpoints given the same
		 * budget.
		 * @param budget the budget
		 * @return this builder
		 */
		public Builder inboundBudget(InboundMemoryBudget budget) {
			this.inboundBudget = Objects.requireNonNull(budget, "budget");
			return this;
		}

		/**
		 * Sets the executor that runs the handler; {@code null} runs it inline on the I/O
		 * thread.
		 * @param executor the executor, or {@code null}
		 * @return this builder
		 */
		public Builder dispatchExecutor(Executor executor) {
			this.dispatchExecutor = executor;
			return this;
		}

		/**
		 * Sets whether the I/O threads are daemon threads.
		 * @param daemon {@code true} so that the threads do not keep the JVM alive
		 * @return this builder
		 */
		public Builder daemonThreads(boolean daemon) {
			this.daemonThreads = daemon;
			return this;
		}

		/**
		 * Sets the statistics that endpoints created with these options count into. Keep them
		 * across a stop and a start, so that the counts go on; {@code null}, the default, gives
		 * each endpoint statistics of its own.
		 * @param statistics the statistics, or {@code null}
		 * @return this builder
		 */
		public Builder statistics(PipeStatistics statistics) {
			this.statistics = statistics;
			return this;
		}

		/**
		 * Builds the options.
		 * @return the options
		 * @throws IllegalArgumentException if the queue cannot hold one message of the
		 * maximum size
		 */
		public PipeOptions build() {
			if (this.maxQueuedBytes < (long) this.maxMessageSize + MESSAGE_OVERHEAD) {
				throw new IllegalArgumentException("the outbound queue limit (" + this.maxQueuedBytes
						+ " bytes) must hold at least one message of the maximum size (" + this.maxMessageSize
						+ " bytes) plus " + MESSAGE_OVERHEAD + " bytes");
			}
			return new PipeOptions(this);
		}

	}

}
