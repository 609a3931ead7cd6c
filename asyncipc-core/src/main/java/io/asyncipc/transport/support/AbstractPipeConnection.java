package io.asyncipc.transport.support;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.asyncipc.transport.DisconnectReason;
import io.asyncipc.transport.InboundMemoryBudget;
import io.asyncipc.transport.MessageTooLargeException;
import io.asyncipc.transport.OutboundQueueFullException;
import io.asyncipc.transport.PeerIdentity;
import io.asyncipc.transport.PipeClosedException;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeException;
import io.asyncipc.transport.PipeHandler;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeStatistics;
import io.asyncipc.transport.SendFailureReason;
import io.asyncipc.transport.SendResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every platform's connection shares: the {@link OutboundBuffer outbound path} and its
 * futures, the ordered dispatch of handler calls with its flow control, and closing exactly
 * once.
 * <p>
 * A platform subclass takes queued messages with {@link #takeOutbound()}, writes their bytes,
 * reports them with {@link #bytesWritten(long)}, detaches the messages written with
 * {@link #detachWritten()} while it is still the only writer, and then calls
 * {@link #completeWritten()}; it calls {@link #deliver(byte[])} for each whole message
 * it reads, and {@link #readProgress(long)} after each read, with the bytes it holds of a message
 * still arriving. It calls {@link #settleOutbound()} as the last writer, once closed.
 * <p>
 * Received memory is bounded twice: by {@link PipeOptions#maxQueuedBytes()} for this
 * connection, and by the {@link InboundMemoryBudget} that it shares with others. A message
 * waiting for the handler is charged what it really takes of the heap
 * ({@link #inboundCost(int)}), and a message still arriving what its buffer takes.
 * <p>
 * Threads: send futures complete on this connection's I/O thread. Handler calls run on the
 * I/O thread with inline dispatch, or in order on the dispatch executor.
 */
public abstract class AbstractPipeConnection implements PipeConnection {

	private static final Logger logger = LoggerFactory.getLogger(AbstractPipeConnection.class);

	/** Given by the endpoint; a client's may take the id its server gave the connection, once. */
	private volatile String id;

	private final PeerIdentity peer;

	private final AbstractPipeEndpoint endpoint;

	private final PipeHandler handler;

	private final Executor dispatcher;

	private final boolean inline;

	private final OutboundBuffer outbound;

	private final Runnable completeWrittenTask;

	private final Runnable hurry = () -> ioThread().hurry();

	private final PipeStatistics statistics;

	/** What this connection sent and received; counted on the I/O thread. */
	private final PipeStatistics.Traffic traffic;

	/**
	 * What a message waiting for its handler is charged beside its payload: the array's header,
	 * the dispatched task and its queue node, with compressed references, which take 80 bytes
	 * today (16, 40 and 24), and some room to spare. An empty message is not free.
	 */
	static final int INBOUND_MESSAGE_OVERHEAD = 96;

	/**
	 * How much of what handled messages were charged is given back at a time, at most, when
	 * more messages are handled in the same run of the dispatcher.
	 */
	private static final long RELEASE_BATCH_BYTES = 64 * 1024;

	/** Heap held by messages waiting for the handler, as charged by {@link #inboundCost(int)}. */
	private final AtomicLong inboundBytes = new AtomicLong();

	/**
	 * What the messages handled in the dispatcher's current run were charged, not yet given
	 * back; touched only by dispatched calls. Given back at the end of the run, or once it
	 * reaches {@link #RELEASE_BATCH_BYTES}. Two atomic updates per message, on counters that
	 * the I/O thread updates as it charges the next messages, took 5 to 9 % of the throughput
	 * of a stream of small messages when the two threads ran on different CPUs.
	 */
	private long handledBytes;

	private final InboundMemoryBudget budget;

	private final AtomicBoolean awaitingBudget = new AtomicBoolean();

	private final Duration frameTimeout;

	private final Duration idleTimeout;

	/** Bytes held of the message still arriving, as last reported by the platform. */
	private volatile long partialBytes;

	/** When this side last read or wrote a byte, for the idle timeout. */
	private volatile long lastActivity = System.nanoTime();

	/** Messages read so far; I/O thread only. */
	private long messagesRead;

	/**
	 * When the bytes being delivered were read, in milliseconds since the epoch: set by
	 * {@link #bytesRead()}, on the thread that reads, the I/O thread or a caller in
	 * {@link #readWhileWaiting}; the hand-over of the reading between them orders it.
	 */
	private long readAt;

	/** When the message still arriving started, or 0 between messages; I/O thread only. */
	private long frameStarted;

	private long messagesReadAtFrameStart;

	private IoThread.Timer frameTimer;

	private IoThread.Timer idleTimer;

	private final AtomicBoolean readingPaused = new AtomicBoolean();

	private final int maxMessageSize;

	private final long maxQueuedBytes;

	private final AtomicBoolean closed = new AtomicBoolean();

	private final CompletableFuture<Void> released = new CompletableFuture<>();

	private volatile boolean shuttingDown;

	private volatile CompletableFuture<Void> inboundHandled;

	private volatile DisconnectReason closeReason;

	private volatile Throwable closeCause;

	/** The writability last told to the handler; touched only by dispatched calls. */
	private boolean toldWritable = true;

	/**
	 * Creates a connection.
	 * @param endpoint the endpoint it belongs to
	 * @param peer the identity of the process on the other end
	 * @param frameOverhead bytes the platform writes around each payload
	 */
	protected AbstractPipeConnection(AbstractPipeEndpoint endpoint, PeerIdentity peer, int frameOverhead) {
		this.id = endpoint.nextConnectionId();
		this.peer = peer;
		this.endpoint = endpoint;
		this.handler = endpoint.handler();
		PipeOptions options = endpoint.options();
		this.inline = options.dispatchExecutor() == null;
		this.dispatcher = this.inline ? Runnable::run
				: new SerialExecutor(options.dispatchExecutor(), this::releaseHandled);
		this.maxMessageSize = options.maxMessageSize();
		this.maxQueuedBytes = options.maxQueuedBytes();
		this.budget = options.inboundBudget();
		this.frameTimeout = options.frameTimeout();
		this.idleTimeout = options.idleTimeout();
		this.statistics = endpoint.statistics();
		this.traffic = this.statistics.newTraffic(this::queuedBytes);
		this.outbound = new OutboundBuffer(this.id, frameOverhead, this.maxQueuedBytes, this::writabilityChanged,
				this.traffic);
		this.completeWrittenTask = this.outbound::completeWritten;
	}

	/**
	 * Returns the I/O thread that serves this connection.
	 * @return the I/O thread
	 */
	protected abstract IoThread ioThread();

	@Override
	public String id() {
		return this.id;
	}

	/**
	 * Takes the id that the peer gave this connection, so that both ends name it alike: what
	 * is sent and logged from now on carries it, and the endpoint finds the connection by it.
	 * @param peerId the peer's id for this connection
	 * @return whether it was taken; not if another connection of the endpoint has it
	 */
	final boolean adoptId(String peerId) {
		String old = this.id;
		if (old.equals(peerId)) {
			return true;
		}
		if (!this.endpoint.renamed(this, peerId)) {
			return false;
		}
		this.id = peerId;
		this.outbound.connectionId(peerId);
		this.endpoint.renameDone(this, old, peerId);
		logger.debug("Connection {} on pipe '{}' is {} from now on, as its peer names it", old, pipeName(), peerId);
		return true;
	}

	@Override
	public PeerIdentity peer() {
		return this.peer;
	}

	@Override
	public String pipeName() {
		return this.endpoint.name();
	}

	@Override
	public boolean isOpen() {
		return !this.closed.get();
	}

	@Override
	public boolean isWritable() {
		return this.outbound.isWritable() && isOpen();
	}

	@Override
	public long queuedBytes() {
		return this.outbound.pendingBytes();
	}

	@Override
	public CompletableFuture<SendResult> send(byte[] message) {
		Objects.requireNonNull(message, "message");
		if (message.length > this.maxMessageSize) {
			this.statistics.sendFailed(SendFailureReason.TOO_LARGE);
			return CompletableFuture.failedFuture(new MessageTooLargeException("message of " + message.length
					+ " bytes is larger than the maximum of " + this.maxMessageSize
					+ " bytes; raise asyncipc.max-message-size (PipeOptions.maxMessageSize) on both ends"));
		}
		if (this.closed.get()) {
			this.statistics.sendFailed(SendFailureReason.CLOSED);
			return CompletableFuture.failedFuture(closedException());
		}
		long cost = OutboundMessage.cost(message.length);
		long queued = this.outbound.reserve(cost);
		if (queued >= 0) {
			this.statistics.sendFailed(SendFailureReason.QUEUE_FULL);
			return CompletableFuture.failedFuture(new OutboundQueueFullException("outbound queue of connection "
					+ this.id + " on pipe '" + pipeName() + "' is full: " + queued + " bytes queued, limit "
					+ this.maxQueuedBytes + " bytes; the peer reads too slowly, or raise "
					+ "asyncipc.max-queued-bytes (PipeOptions.maxQueuedBytes)"));
		}
		CompletableFuture<SendResult> future = this.outbound.add(message, this.hurry);
		if (this.closed.get()) {
			this.outbound.failQueued(this::closedException);
		}
		else {
			requestFlush();
		}
		return future;
	}

	/**
	 * Asks the platform to write what is queued. Called after every send, from any thread.
	 */
	protected abstract void requestFlush();

	/**
	 * Closes the connection from any thread; the platform hops to its I/O thread and then
	 * calls {@link #markClosed(DisconnectReason, Throwable)}.
	 * @param reason why it is closed
	 */
	public final void close(DisconnectReason reason) {
		close(reason, null);
	}

	/**
	 * Closes the connection, on the I/O thread: at once when called there, else in a task.
	 * @param reason why it is closed
	 * @param cause the error behind it, or {@code null}
	 */
	protected abstract void close(DisconnectReason reason, Throwable cause);

	@Override
	public void close() {
		close(DisconnectReason.LOCAL_CLOSE);
	}

	/**
	 * Takes the next queued message for writing. Only one thread writes at a time.
	 * @return the next message, or {@code null} if none is queued
	 */
	protected final OutboundMessage takeOutbound() {
		return this.outbound.take();
	}

	/**
	 * Returns whether a message waits to be taken.
	 * @return {@code true} if a message waits to be written
	 */
	protected final boolean hasOutbound() {
		return this.outbound.hasQueued();
	}

	/**
	 * Reports bytes the OS took, in the order the messages were taken, frames included. Call
	 * while still the only writer.
	 * @param bytes the bytes just written
	 * @return whether a message was written completely
	 */
	protected final boolean bytesWritten(long bytes) {
		this.lastActivity = System.nanoTime();
		return this.outbound.written(bytes);
	}

	/**
	 * Queues the messages written completely for {@link #completeWritten()}, in write order.
	 * Call while still the only writer, before letting another writer in.
	 */
	protected final void detachWritten() {
		this.outbound.detachWritten();
	}

	/**
	 * Completes the futures of the messages detached so far, in order: at once on the I/O
	 * thread, else in a task handed to it. Call once no longer the writer, since a future's
	 * callback may send again.
	 */
	protected final void completeWritten() {
		if (ioThread().inLoop()) {
			this.outbound.completeWritten();
		}
		else {
			ioThread().execute(this.outbound::completeWritten);
		}
	}

	/**
	 * Returns how many messages this connection read whole so far, as counted in its
	 * statistics. Any thread may call it; it sees the count of a moment ago.
	 * @return the count
	 */
	protected final long messagesReceived() {
		return this.traffic.messagesReceived();
	}

	/**
	 * Completes the futures of the messages detached so far on the I/O thread soon
	 * ({@link IoThread#executeDeferred}), without waking it for them alone: for a sender's thread
	 * that wrote its own message. Whoever waits for one of them hurries it.
	 */
	protected final void completeWrittenDeferred() {
		ioThread().executeDeferred(this.completeWrittenTask);
		// One that began to wait before the task was handed over hurried nothing.
		if (this.outbound.anyAwaited()) {
			ioThread().hurry();
		}
	}

	/**
	 * Notes that bytes were just read: the messages that they complete, delivered next, were
	 * received now ({@link PipeHandler#onMessage(PipeConnection, byte[], long)}). One clock read
	 * for all the messages of one read. Call on the thread that reads, after each read that
	 * returned bytes and before delivering them.
	 */
	protected final void bytesRead() {
		this.readAt = System.currentTimeMillis();
	}

	/**
	 * Hands one whole received message to the handler, in order. With an executor, messages
	 * waiting for the handler count against {@link PipeOptions#maxQueuedBytes()} and the
	 * {@link InboundMemoryBudget}: above either the connection stops reading, so the peer's sends
	 * back up rather than this process's memory. It reads again once half of the messages were
	 * handled and the budget has room. Call on the thread that reads: the I/O thread, or a
	 * caller in {@link #readWhileWaiting}.
	 * @param message the message
	 */
	protected final void deliver(byte[] message) {
		this.messagesRead++;
		this.traffic.received(message.length);
		long received = this.readAt;
		if (this.inline) {
			dispatch(() -> this.handler.onMessage(this, message, received), "message");
			return;
		}
		if (takenOnIoThread(message)) {
			return;
		}
		long cost = inboundCost(message.length);
		long waiting = this.inboundBytes.addAndGet(cost);
		// Paused before the handler can see the message, so that the handler's resume is never lost.
		if (!this.budget.charge(cost)) {
			pauseForBudget();
		}
		else if (waiting > this.maxQueuedBytes) {
			pause("{} bytes wait for the handler", waiting);
		}
		this.dispatcher.execute(new Delivery(message, received, cost));
	}

	private boolean takenOnIoThread(byte[] message) {
		try {
			return this.handler.takeOnIoThread(this, message);
		}
		catch (Throwable ex) {
			handlerFailed("a message offered on the I/O thread", "the message is dispatched as usual", ex);
			return false;
		}
	}

	/**
	 * Returns what a received message takes of the heap while it waits for its handler.
	 * @param length the payload's length
	 * @return the bytes charged for it
	 */
	static long inboundCost(int length) {
		return INBOUND_MESSAGE_OVERHEAD + ((length + 7L) & ~7L);
	}

	/**
	 * Reports a read: the bytes now held of a message still arriving (its buffer's size), which
	 * are charged to the limits, and whether a message is in progress, which starts or keeps the
	 * frame-completion timeout. Call on the I/O thread after each read that returned bytes.
	 * @param heldBytes the bytes held of the message still arriving, {@code 0} between messages
	 */
	protected final void readProgress(long heldBytes) {
		if (!isOpen()) {
			return;
		}
		long now = System.nanoTime();
		this.lastActivity = now;
		long grown = heldBytes - this.partialBytes;
		this.partialBytes = heldBytes;
		if (grown > 0) {
			if (!this.budget.charge(grown)) {
				pauseForBudget();
			}
			else if (this.inboundBytes.get() + heldBytes > this.maxQueuedBytes) {
				pause("{} bytes wait for the handler or arrive", this.inboundBytes.get() + heldBytes);
				// No message follows to resume it: the handler may have caught up already.
				maybeResume();
			}
		}
		else if (grown < 0) {
			this.budget.release(-grown);
		}
		if (!isMidMessage()) {
			this.frameStarted = 0;
		}
		else if (this.frameStarted == 0 || this.messagesReadAtFrameStart != this.messagesRead) {
			this.frameStarted = now;
			this.messagesReadAtFrameStart = this.messagesRead;
			if (this.frameTimer == null) {
				this.frameTimer = ioThread().schedule(this::checkFrameTimeout, this.frameTimeout);
			}
		}
	}

	/**
	 * Reports a read made on a caller's thread ({@link #readWhileWaiting}) that left no message
	 * partly read: only the time of the last activity changes, which the idle timeout reads.
	 * Messages partly read go to the I/O thread's {@link #readProgress} instead, since they
	 * start timers and count against the limits.
	 */
	protected final void readWholeMessages() {
		this.lastActivity = System.nanoTime();
	}

	/**
	 * Returns whether messages are handed to the handler on the I/O thread, with no dispatch
	 * executor: then only the I/O thread reads.
	 * @return {@code true} with inline dispatch
	 */
	protected final boolean isInlineDispatch() {
		return this.inline;
	}

	/**
	 * Returns whether the platform has read part of a message, header bytes included, that has
	 * not been delivered yet.
	 * @return {@code true} in the middle of a message
	 */
	protected abstract boolean isMidMessage();

	/**
	 * Describes how much of the message still arriving was read, for errors.
	 * @return a description such as "3 of 4 length bytes"
	 */
	protected abstract String describePartialMessage();

	private void pause(String why, long bytes) {
		if (this.readingPaused.compareAndSet(false, true)) {
			logger.debug("Connection {} on pipe '{}' pauses reading: " + why, this.id, pipeName(), bytes);
			pauseReading();
		}
	}

	private void pauseForBudget() {
		pause("the inbound memory budget is spent ({} bytes used)", this.budget.used());
		awaitBudget();
	}

	/**
	 * Asks the budget, once at a time, to try a resume when it has room again.
	 */
	private void awaitBudget() {
		if (this.awaitingBudget.compareAndSet(false, true)) {
			this.budget.whenRoom(() -> {
				this.awaitingBudget.set(false);
				maybeResume();
			});
		}
	}

	private void handled(long cost) {
		this.handledBytes += cost;
		if (this.handledBytes >= RELEASE_BATCH_BYTES) {
			releaseHandled();
		}
	}

	/**
	 * Gives back what the messages handled so far were charged. Called by the dispatcher at
	 * the end of each run, so nothing stays charged once the handler has caught up.
	 */
	private void releaseHandled() {
		long cost = this.handledBytes;
		if (cost == 0) {
			return;
		}
		this.handledBytes = 0;
		long waiting = this.inboundBytes.addAndGet(-cost);
		this.budget.release(cost);
		maybeResume();
		if (waiting == 0) {
			CompletableFuture<Void> future = this.inboundHandled;
			if (future != null) {
				future.complete(null);
			}
		}
	}

	/**
	 * Reads again once the handler has caught up to half the limit and the budget has room.
	 * Whatever a partial message holds does not keep reading paused: only reading can finish it.
	 */
	private void maybeResume() {
		if (this.shuttingDown || !this.readingPaused.get() || this.inboundBytes.get() > this.maxQueuedBytes / 2) {
			return;
		}
		if (!this.budget.hasRoom()) {
			awaitBudget();
			return;
		}
		if (this.readingPaused.compareAndSet(true, false)) {
			resumeReading();
		}
	}

	/**
	 * Closes a connection whose peer started a message and has not finished it in time. Time
	 * during which this side held reading back, because its handler was behind, does not count.
	 */
	private void checkFrameTimeout() {
		this.frameTimer = null;
		if (!isOpen() || this.frameStarted == 0) {
			return;
		}
		long now = System.nanoTime();
		if (this.readingPaused.get() && (this.inboundBytes.get() > 0 || this.shuttingDown)) {
			this.frameStarted = now;
		}
		long left = this.frameTimeout.toNanos() - (now - this.frameStarted);
		if (left > 0) {
			this.frameTimer = ioThread().schedule(this::checkFrameTimeout, Duration.ofNanos(left));
			return;
		}
		close(DisconnectReason.TIMED_OUT, new PipeException("peer sent " + describePartialMessage()
				+ " and did not finish the message within " + this.frameTimeout
				+ "; raise asyncipc.frame-timeout (PipeOptions.frameTimeout) if it is that slow"));
	}

	private void checkIdleTimeout() {
		this.idleTimer = null;
		if (!isOpen()) {
			return;
		}
		long now = System.nanoTime();
		boolean busy = this.inboundBytes.get() > 0 || this.outbound.pendingBytes() > 0;
		if (busy) {
			this.lastActivity = now;
		}
		long left = this.idleTimeout.toNanos() - (now - this.lastActivity);
		if (left > 0) {
			this.idleTimer = ioThread().schedule(this::checkIdleTimeout, Duration.ofNanos(left));
			return;
		}
		close(DisconnectReason.TIMED_OUT, new PipeException("connection was idle for " + this.idleTimeout
				+ ", the limit set by asyncipc.idle-timeout (PipeOptions.idleTimeout)"));
	}

	/**
	 * Returns whether reading is paused, because the handler is behind or the endpoint stops.
	 * @return {@code true} while paused
	 */
	protected final boolean isReadingPaused() {
		return this.readingPaused.get();
	}

	/**
	 * Stops reading until {@link #resumeReading()}. Called on the I/O thread.
	 */
	protected abstract void pauseReading();

	/**
	 * Starts reading again. Called on any thread; the platform hops to its I/O thread.
	 */
	protected abstract void resumeReading();

	/**
	 * First steps of a graceful stop: reading stops for good, and the returned future completes
	 * once the handler has finished every message read so far.
	 * @return a future that completes when the messages read were handled
	 */
	final CompletableFuture<Void> stopReading() {
		CompletableFuture<Void> handled = new CompletableFuture<>();
		this.inboundHandled = handled;
		ioThread().execute(() -> {
			this.shuttingDown = true;
			if (this.readingPaused.compareAndSet(false, true)) {
				pauseReading();
			}
			if (this.inline || this.inboundBytes.get() == 0) {
				handled.complete(null);
			}
		});
		return handled;
	}

	/**
	 * Returns a future that completes once nothing is queued or in flight any more.
	 * @return the drain future
	 */
	final CompletableFuture<Void> whenDrained() {
		return this.outbound.whenDrained();
	}

	/**
	 * Records that the connection could not be opened, so that it does not count against the
	 * endpoint's connection limit. Call instead of {@link #opened()}, once.
	 */
	protected final void openFailed() {
		this.endpoint.admissionReleased();
	}

	/**
	 * Tells the handler that the connection is open. The endpoint lists it from now on.
	 */
	protected final void opened() {
		this.traffic.opened();
		this.endpoint.added(this);
		if (!this.idleTimeout.isZero()) {
			this.idleTimer = ioThread().schedule(this::checkIdleTimeout, this.idleTimeout);
		}
		dispatch(() -> this.handler.onConnected(this), "connected");
	}

	/**
	 * Marks the connection closed, exactly once: completes what was written, fails what was
	 * not, tells the handler and the endpoint. Call on the I/O thread once nothing writes; the
	 * platform releases its own resources afterwards.
	 * @param reason why it is closed
	 * @param cause the error behind it, or {@code null}
	 * @return {@code true} the first time, {@code false} if it was already closed
	 */
	protected final boolean markClosed(DisconnectReason reason, Throwable cause) {
		if (!this.closed.compareAndSet(false, true)) {
			return false;
		}
		this.closeReason = reason;
		this.closeCause = cause;
		this.traffic.closed();
		releaseTimersAndPartial();
		boolean peersFault = reason == DisconnectReason.PROTOCOL_ERROR || reason == DisconnectReason.IO_ERROR
				|| reason == DisconnectReason.TIMED_OUT;
		long leftOut = peersFault ? this.endpoint.warnings().tryAcquire() : -1;
		if (leftOut >= 0) {
			logger.warn("Connection {} on pipe '{}' with {} closed: {}{}", this.id, pipeName(), this.peer,
					(cause != null) ? cause.getMessage() : reason, LogRateLimiter.note(leftOut));
		}
		else {
			logger.debug("Connection {} on pipe '{}' closed: {}", this.id, pipeName(), reason);
		}
		dispatch(() -> this.handler.onDisconnected(this, reason, cause), "disconnected");
		this.endpoint.removed(this, reason, cause);
		return true;
	}

	/**
	 * Gives back what the message still arriving held, and stops the timers. The messages that
	 * wait for the handler give back theirs when handled.
	 */
	private void releaseTimersAndPartial() {
		long held = this.partialBytes;
		this.partialBytes = 0;
		if (held > 0) {
			this.budget.release(held);
		}
		if (this.frameTimer != null) {
			this.frameTimer.cancel();
			this.frameTimer = null;
		}
		if (this.idleTimer != null) {
			this.idleTimer.cancel();
			this.idleTimer = null;
		}
	}

	/**
	 * Settles every send once the platform has closed the connection: what the OS took
	 * completes, the rest fails. Call on the I/O thread, as the last writer: holding the
	 * platform's write lock for good.
	 */
	protected final void settleOutbound() {
		this.outbound.close(this::closedException);
		this.traffic.done();
	}

	/**
	 * Tells the handler where its other calls run: a sender's thread that crossed the high
	 * watermark hops to the I/O thread with inline dispatch. The value told is read when the
	 * call runs, and only a change is told, so that flips racing each other end in the truth.
	 */
	/**
	 * Returns whether a message was ever taken for writing, so that the peer may still have
	 * something to read when the connection closes.
	 * @return {@code true} once a message was taken
	 */
	protected final boolean anythingWritten() {
		return this.outbound.anyTaken();
	}

	/**
	 * Returns how long closing may wait for the peer to read: what is left of the endpoint's
	 * stop, or {@code otherwise} when the endpoint is not stopping.
	 * @param otherwise the wait for a close of this connection alone
	 * @return the time the close may take
	 */
	protected final Duration closeTimeout(Duration otherwise) {
		return this.endpoint.isStopping() ? this.endpoint.timeLeft() : otherwise;
	}

	/**
	 * Records that the platform closed its handle or socket, after the peer could read what was
	 * written.
	 */
	protected final void released() {
		this.released.complete(null);
	}

	/**
	 * Returns a future that completes once the platform released the connection.
	 * @return the release future
	 */
	final CompletableFuture<Void> whenReleased() {
		return this.released;
	}

	private void writabilityChanged(boolean writable) {
		Runnable tell = () -> dispatch(() -> {
			boolean now = this.outbound.isWritable();
			if (now != this.toldWritable) {
				this.toldWritable = now;
				this.handler.onWritabilityChanged(this, now);
			}
		}, "writability");
		if (this.inline && !ioThread().inLoop()) {
			ioThread().execute(tell);
		}
		else {
			tell.run();
		}
	}

	private PipeClosedException closedException() {
		DisconnectReason reason = this.closeReason;
		String why = (reason != null) ? " (" + reason + ")" : "";
		return new PipeClosedException("connection " + this.id + " on pipe '" + pipeName() + "' is closed" + why,
				this.closeCause);
	}

	private void dispatch(Runnable call, String what) {
		this.dispatcher.execute(() -> {
			try {
				call.run();
			}
			catch (Throwable ex) {
				handlerFailed(what, "the connection stays open", ex);
			}
		});
	}

	/**
	 * Logs a handler's failure, as many as the endpoint's rate limit lets through.
	 * @param what what the handler was called for
	 * @param consequence what happens next
	 */
	private void handlerFailed(String what, String consequence, Throwable ex) {
		long leftOut = this.endpoint.handlerFailures().tryAcquire();
		if (leftOut >= 0) {
			logger.error("Handler failed on {} for connection {} on pipe '{}'; {}{}", what, this.id, pipeName(),
					consequence, LogRateLimiter.note(leftOut), ex);
		}
	}

	@Override
	public String toString() {
		return "connection " + this.id + " on pipe '" + pipeName() + "' with " + this.peer;
	}

	/**
	 * One received message on its way to the handler on the dispatch executor: one object per
	 * message, where a call wrapped in {@link #dispatch} took two.
	 */
	private final class Delivery implements Runnable {

		private final byte[] message;

		private final long received;

		private final long cost;

		Delivery(byte[] message, long received, long cost) {
			this.message = message;
			this.received = received;
			this.cost = cost;
		}

		@Override
		public void run() {
			try {
				AbstractPipeConnection.this.handler.onMessage(AbstractPipeConnection.this, this.message, this.received);
			}
			catch (Throwable ex) {
				handlerFailed("message", "the connection stays open", ex);
			}
			finally {
				handled(this.cost);
			}
		}

	}

}
