package io.asyncipc.transport.support;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.asyncipc.transport.DisconnectReason;
import io.asyncipc.transport.MessageTooLargeException;
import io.asyncipc.transport.OutboundQueueFullException;
import io.asyncipc.transport.PeerIdentity;
import io.asyncipc.transport.PipeClosedException;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeHandler;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.SendResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every platform's connection shares: the bounded outbound queue and its futures, the
 * ordered dispatch of handler calls, and closing exactly once.
 * <p>
 * A platform subclass frames and writes the queued messages on its I/O thread, and calls
 * {@link #deliver(byte[])} for each whole message it reads.
 */
public abstract class AbstractPipeConnection implements PipeConnection {

	private static final Logger logger = LoggerFactory.getLogger(AbstractPipeConnection.class);

	private final String id;

	private final PeerIdentity peer;

	private final AbstractPipeEndpoint endpoint;

	private final PipeHandler handler;

	private final Executor dispatcher;

	private final boolean inline;

	private final AtomicLong inboundBytes = new AtomicLong();

	private final AtomicBoolean readingPaused = new AtomicBoolean();

	private final int maxMessageSize;

	private final long maxQueuedBytes;

	private final Queue<OutboundMessage> outbound = new ConcurrentLinkedQueue<>();

	private final AtomicLong queuedBytes = new AtomicLong();

	private final AtomicBoolean closed = new AtomicBoolean();

	private volatile DisconnectReason closeReason;

	private volatile Throwable closeCause;

	private volatile CompletableFuture<Void> drained;

	/**
	 * Creates a connection.
	 * @param endpoint the endpoint it belongs to
	 * @param peer the identity of the process on the other end
	 */
	protected AbstractPipeConnection(AbstractPipeEndpoint endpoint, PeerIdentity peer) {
		this.id = endpoint.nextConnectionId();
		this.peer = peer;
		this.endpoint = endpoint;
		this.handler = endpoint.handler();
		PipeOptions options = endpoint.options();
		this.inline = options.dispatchExecutor() == null;
		this.dispatcher = this.inline ? Runnable::run : new SerialExecutor(options.dispatchExecutor());
		this.maxMessageSize = options.maxMessageSize();
		this.maxQueuedBytes = options.maxQueuedBytes();
	}

	@Override
	public String id() {
		return this.id;
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
		return true;
	}

	@Override
	public long queuedBytes() {
		return this.queuedBytes.get();
	}

	@Override
	public CompletableFuture<SendResult> send(byte[] message) {
		Objects.requireNonNull(message, "message");
		if (message.length > this.maxMessageSize) {
			return CompletableFuture.failedFuture(new MessageTooLargeException("message of " + message.length
					+ " bytes is larger than the maximum of " + this.maxMessageSize
					+ " bytes; raise asyncipc.max-message-size (PipeOptions.maxMessageSize) on both ends"));
		}
		if (this.closed.get()) {
			return CompletableFuture.failedFuture(closedException());
		}
		long cost = OutboundMessage.cost(message.length);
		long queued = this.queuedBytes.addAndGet(cost);
		if (queued > this.maxQueuedBytes) {
			release(cost);
			return CompletableFuture.failedFuture(new OutboundQueueFullException("outbound queue of connection "
					+ this.id + " on pipe '" + pipeName() + "' is full: " + (queued - cost) + " bytes queued, limit "
					+ this.maxQueuedBytes + " bytes; the peer reads too slowly, or raise "
					+ "asyncipc.max-queued-bytes (PipeOptions.maxQueuedBytes)"));
		}
		CompletableFuture<SendResult> future = new CompletableFuture<>();
		this.outbound.add(new OutboundMessage(message, future));
		if (this.closed.get()) {
			failQueued();
		}
		else {
			requestFlush();
		}
		return future;
	}

	/**
	 * Asks the I/O thread to write what is queued. Called after every send, from any thread.
	 */
	protected abstract void requestFlush();

	/**
	 * Closes the connection from any thread; the platform hops to its I/O thread and then
	 * calls {@link #markClosed(DisconnectReason, Throwable)}.
	 * @param reason why it is closed
	 */
	public abstract void close(DisconnectReason reason);

	@Override
	public void close() {
		close(DisconnectReason.LOCAL_CLOSE);
	}

	/**
	 * Takes the next queued message, for the I/O thread.
	 * @return the next message, or {@code null} if none is queued
	 */
	protected final OutboundMessage pollOutbound() {
		return this.outbound.poll();
	}

	/**
	 * Returns whether a message is queued, for the I/O thread.
	 * @return {@code true} if a message waits to be written
	 */
	protected final boolean hasOutbound() {
		return !this.outbound.isEmpty();
	}

	/**
	 * Completes a message's send once all of it was handed to the OS.
	 * @param message the written message
	 */
	protected final void written(OutboundMessage message) {
		release(message.cost());
		message.future().complete(new SendResult(this.id, message.payload().length));
	}

	/**
	 * Fails a message that was taken from the queue but not completely written.
	 * @param message the message
	 */
	protected final void failUnwritten(OutboundMessage message) {
		release(message.cost());
		message.future().completeExceptionally(closedException());
	}

	/**
	 * Hands one whole received message to the handler, in order. With an executor, messages
	 * waiting for the handler count against {@link PipeOptions#maxQueuedBytes()}: above it the
	 * connection stops reading, so the peer's sends back up rather than this process's memory;
	 * it reads again once half of them were handled.
	 * @param message the message
	 */
	protected final void deliver(byte[] message) {
		if (this.inline) {
			dispatch(() -> this.handler.onMessage(this, message), "message");
			return;
		}
		long cost = OutboundMessage.cost(message.length);
		long waiting = this.inboundBytes.addAndGet(cost);
		dispatch(() -> {
			try {
				this.handler.onMessage(this, message);
			}
			finally {
				handled(cost);
			}
		}, "message");
		if (waiting > this.maxQueuedBytes && this.readingPaused.compareAndSet(false, true)) {
			logger.debug("Connection {} on pipe '{}' pauses reading: {} bytes wait for the handler", this.id,
					pipeName(), waiting);
			pauseReading();
		}
	}

	private void handled(long cost) {
		long waiting = this.inboundBytes.addAndGet(-cost);
		if (waiting <= this.maxQueuedBytes / 2 && this.readingPaused.compareAndSet(true, false)) {
			resumeReading();
		}
	}

	/**
	 * Returns whether reading is paused because the handler is behind.
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
	 * Tells the handler that the connection is open. The endpoint lists it from now on.
	 */
	protected final void opened() {
		this.endpoint.added(this);
		dispatch(() -> this.handler.onConnected(this), "connected");
	}

	/**
	 * Marks the connection closed, exactly once: fails what is still queued, tells the handler
	 * and the endpoint. The platform releases its own resources afterwards.
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
		failQueued();
		if (reason == DisconnectReason.PROTOCOL_ERROR || reason == DisconnectReason.IO_ERROR) {
			logger.warn("Connection {} on pipe '{}' with {} closed: {}", this.id, pipeName(), this.peer,
					(cause != null) ? cause.getMessage() : reason);
		}
		else {
			logger.debug("Connection {} on pipe '{}' closed: {}", this.id, pipeName(), reason);
		}
		dispatch(() -> this.handler.onDisconnected(this, reason, cause), "disconnected");
		this.endpoint.removed(this, reason, cause);
		return true;
	}

	/**
	 * Returns a future that completes once nothing is queued or in flight any more.
	 * @return the drain future
	 */
	public final CompletableFuture<Void> whenDrained() {
		CompletableFuture<Void> future = new CompletableFuture<>();
		this.drained = future;
		if (this.queuedBytes.get() == 0 || this.closed.get()) {
			future.complete(null);
		}
		return future;
	}

	private void failQueued() {
		OutboundMessage message;
		while ((message = this.outbound.poll()) != null) {
			failUnwritten(message);
		}
	}

	private void release(long cost) {
		if (this.queuedBytes.addAndGet(-cost) == 0) {
			CompletableFuture<Void> future = this.drained;
			if (future != null) {
				future.complete(null);
			}
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
				logger.error("Handler failed on {} for connection {} on pipe '{}'; the connection stays open", what,
						this.id, pipeName(), ex);
			}
		});
	}

	@Override
	public String toString() {
		return "connection " + this.id + " on pipe '" + pipeName() + "' with " + this.peer;
	}

}
