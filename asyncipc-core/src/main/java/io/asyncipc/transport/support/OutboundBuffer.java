package io.asyncipc.transport.support;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeStatistics;
import io.asyncipc.transport.SendFailureReason;
import io.asyncipc.transport.SendResult;

/**
 * One connection's outbound path, the same for every platform: the queue of messages not yet
 * taken by the transport, the messages in flight, the byte accounting with its watermarks, and
 * the send futures. Netty's {@code ChannelOutboundBuffer} is the model.
 * <p>
 * Any thread may {@link #add add}. One writer at a time (the platform guarantees it) takes
 * messages with {@link #take()}, writes their bytes in order, reports with
 * {@link #written(long)} how many bytes the OS took, and detaches the messages written
 * completely with {@link #detachWritten()} before it lets another writer in. The connection
 * then has their futures {@link #completeWritten() completed}, in order, on its I/O thread:
 * that is the threading rule for send futures. Handing them over a batch at a time keeps a
 * streaming sender's cost per message at a few field updates.
 */
final class OutboundBuffer {

	private volatile String connectionId;

	private final int frameOverhead;

	private final long maxQueuedBytes;

	private final long highWatermark;

	private final long lowWatermark;

	private final Queue<OutboundMessage> queued = new ConcurrentLinkedQueue<>();

	private final ArrayDeque<OutboundMessage> inFlight = new ArrayDeque<>();

	/** Batches of written messages whose futures wait to be completed, in write order. */
	private final Queue<List<OutboundMessage>> completable = new ConcurrentLinkedQueue<>();

	private final AtomicLong pendingBytes = new AtomicLong();

	private final AtomicBoolean writable = new AtomicBoolean(true);

	private final WritabilityListener listener;

	private final PipeStatistics.Traffic traffic;

	private volatile CompletableFuture<Void> drained;

	private volatile boolean anyTaken;

	/** Stream position after the last message taken. Writer only. */
	private long takenPosition;

	/** Stream position up to which the OS took the bytes. Writer only. */
	private long writtenPosition;

	/** Messages written completely and not yet detached. Writer only. */
	private List<OutboundMessage> written = new ArrayList<>();

	/**
	 * Creates a buffer.
	 * @param connectionId the connection's id, for the send results
	 * @param frameOverhead bytes the platform writes around each payload, such as a length
	 * prefix
	 * @param maxQueuedBytes the queue limit; the high watermark is half of it, the low a quarter
	 * @param listener told when writability changes
	 * @param traffic counts the messages sent, and the sends that fail
	 */
	OutboundBuffer(String connectionId, int frameOverhead, long maxQueuedBytes, WritabilityListener listener,
			PipeStatistics.Traffic traffic) {
		this.connectionId = connectionId;
		this.frameOverhead = frameOverhead;
		this.maxQueuedBytes = maxQueuedBytes;
		this.highWatermark = maxQueuedBytes / 2;
		this.lowWatermark = maxQueuedBytes / 4;
		this.listener = listener;
		this.traffic = traffic;
	}

	/** Names the connection anew, for the send results from now on. */
	void connectionId(String connectionId) {
		this.connectionId = connectionId;
	}

	/**
	 * Reserves room for a message, or returns how many bytes were queued if there is none.
	 * @param cost the message's cost
	 * @return {@code -1} if the room was reserved, else the bytes queued before
	 */
	long reserve(long cost) {
		long queuedNow = this.pendingBytes.addAndGet(cost);
		if (queuedNow > this.maxQueuedBytes) {
			release(cost);
			return queuedNow - cost;
		}
		if (queuedNow > this.highWatermark && this.writable.compareAndSet(true, false)) {
			this.listener.writabilityChanged(false);
		}
		return -1;
	}

	/**
	 * Queues a message whose room was reserved.
	 * @param payload the bytes
	 * @param hurry hurries the completion of a send written on its sender's thread
	 * @return the send's future
	 */
	CompletableFuture<SendResult> add(byte[] payload, Runnable hurry) {
		PipeFuture<SendResult> future = new PipeFuture<>(hurry);
		this.queued.add(new OutboundMessage(payload, future));
		return future;
	}

	/**
	 * Returns whether a message waits to be taken.
	 * @return {@code true} if one does
	 */
	boolean hasQueued() {
		return !this.queued.isEmpty();
	}

	/**
	 * Takes the next message for writing. Writer only.
	 * @return the message, or {@code null} if none is queued
	 */
	OutboundMessage take() {
		OutboundMessage message = this.queued.poll();
		if (message != null) {
			if (!this.anyTaken) {
				this.anyTaken = true;
			}
			this.takenPosition += (long) message.payload().length + this.frameOverhead;
			message.endPosition(this.takenPosition);
			this.inFlight.add(message);
		}
		return message;
	}

	/**
	 * Records that the OS took some more bytes of the taken messages, in order. Writer only.
	 * @param bytes the bytes just written
	 * @return whether a message was written completely, so futures wait to be completed
	 */
	boolean written(long bytes) {
		this.writtenPosition += bytes;
		boolean any = false;
		OutboundMessage message;
		while ((message = this.inFlight.peek()) != null && message.endPosition() <= this.writtenPosition) {
			this.inFlight.poll();
			this.written.add(message);
			any = true;
		}
		return any;
	}

	/**
	 * Moves the messages written completely so far to the queue of batches to complete, in
	 * the order they were written. Writer only: call before letting another writer in.
	 */
	void detachWritten() {
		if (!this.written.isEmpty()) {
			this.completable.add(this.written);
			this.written = new ArrayList<>();
		}
	}

	/**
	 * Returns whether someone waits for a future of the batches detached so far.
	 * @return {@code true} if one of them is awaited
	 */
	boolean anyAwaited() {
		for (List<OutboundMessage> batch : this.completable) {
			for (OutboundMessage message : batch) {
				if (message.future() instanceof PipeFuture<?> future && future.isAwaited()) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Completes the futures of the batches detached so far, in order. Call on the I/O thread.
	 */
	void completeWritten() {
		List<OutboundMessage> batch;
		String id = this.connectionId;
		while ((batch = this.completable.poll()) != null) {
			// Counted and released once per batch, before the futures complete: a callback
			// that reads the statistics or the queued bytes sees its own send settled.
			long bytes = 0;
			for (OutboundMessage message : batch) {
				bytes += message.payload().length;
			}
			int count = batch.size();
			this.traffic.sent(count, bytes);
			release(bytes + (long) count * PipeOptions.MESSAGE_OVERHEAD);
			for (OutboundMessage message : batch) {
				message.future().complete(new SendResult(id, message.payload().length));
			}
		}
	}

	/**
	 * Completes what was written, and fails everything else: in flight or still queued. Call on
	 * the I/O thread, as the last writer, once the connection is closed.
	 * @param error makes the exception to fail with
	 */
	void close(Supplier<? extends Throwable> error) {
		detachWritten();
		completeWritten();
		OutboundMessage message;
		while ((message = this.inFlight.poll()) != null) {
			fail(message, error);
		}
		failQueued(error);
	}

	/**
	 * Fails the messages that no writer took yet. Any thread.
	 * @param error makes the exception to fail with
	 */
	void failQueued(Supplier<? extends Throwable> error) {
		OutboundMessage message;
		while ((message = this.queued.poll()) != null) {
			fail(message, error);
		}
	}

	/**
	 * Returns the bytes queued, in flight or written but not yet completed.
	 * @return the pending bytes
	 */
	long pendingBytes() {
		return this.pendingBytes.get();
	}

	/**
	 * Returns whether a writer ever took a message, so that the peer may have some to read.
	 * @return {@code true} once a message was taken
	 */
	boolean anyTaken() {
		return this.anyTaken;
	}

	boolean isWritable() {
		return this.writable.get();
	}

	/**
	 * Returns a future that completes once nothing is pending any more.
	 * @return the drain future
	 */
	CompletableFuture<Void> whenDrained() {
		CompletableFuture<Void> future = new CompletableFuture<>();
		this.drained = future;
		if (this.pendingBytes.get() == 0) {
			future.complete(null);
		}
		return future;
	}

	private void fail(OutboundMessage message, Supplier<? extends Throwable> error) {
		this.traffic.sendFailed(SendFailureReason.CLOSED);
		release(message.cost());
		message.future().completeExceptionally(error.get());
	}

	private void release(long cost) {
		long left = this.pendingBytes.addAndGet(-cost);
		if (left < this.lowWatermark && !this.writable.get() && this.writable.compareAndSet(false, true)) {
			this.listener.writabilityChanged(true);
		}
		if (left == 0) {
			CompletableFuture<Void> future = this.drained;
			if (future != null) {
				future.complete(null);
			}
		}
	}

	/**
	 * Told when the pending bytes cross a watermark.
	 */
	interface WritabilityListener {

		void writabilityChanged(boolean writable);

	}

}
