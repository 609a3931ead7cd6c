package io.asyncipc.transport.support;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
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

	private static final VarHandle TAIL;

	private static final VarHandle LAST_TAKEN;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			TAIL = lookup.findVarHandle(OutboundBuffer.class, "tail", OutboundMessage.class);
			LAST_TAKEN = lookup.findVarHandle(OutboundBuffer.class, "lastTaken", OutboundMessage.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private volatile String connectionId;

	private final int frameOverhead;

	private final long maxQueuedBytes;

	private final long highWatermark;

	private final long lowWatermark;

	private final AtomicLong pendingBytes = new AtomicLong();

	private final AtomicBoolean writable = new AtomicBoolean(true);

	private final WritabilityListener listener;

	private final PipeStatistics.Traffic traffic;

	private volatile CompletableFuture<Void> drained;

	private volatile boolean anyTaken;

	/*
	 * The messages form one chain, each linked to the next, which starts at a stub: senders
	 * append at the tail, and four marks move along it in order, each at or behind the one
	 * before it: the last message taken by a writer, the last written completely, the last
	 * detached for completion, and the last completed. Unlike a queue of nodes, no node is
	 * allocated per message, and a writer takes a message without writing into it (no CAS on
	 * a node, no end position): the I/O thread writes into a message only once it completes
	 * it, to let go of its payload and of the next message. A 64-byte stream's messages went
	 * from 0.10–0.12 to 0.08 µs each on one CPU with this chain.
	 */

	/** The last message queued: each sender swaps its own in, then links it to the one before. */
	private volatile OutboundMessage tail;

	/** The last message taken by a writer. Written by the writer only, read by anyone. */
	private volatile OutboundMessage lastTaken;

	/** Where {@link #lastTaken} ends in the stream, and how many messages were taken. Writer only. */
	private long takenPosition;

	private long takenCount;

	/**
	 * The message taken before {@link #lastTaken}, and where it ends: the last one written
	 * completely when a full write buffer cut the last one in two. Writer only.
	 */
	private OutboundMessage previousTaken;

	private long previousTakenPosition = -1;

	/** Stream position up to which the OS took the bytes. Writer only. */
	private long writtenPosition;

	/** The last message written completely, where it ends, and how many were. Writer only. */
	private OutboundMessage lastWritten;

	private long lastWrittenEnd;

	private long writtenCount;

	/** The last message written completely as of the writer's last detach, for the I/O thread. */
	private volatile Detached detached;

	/** The last message whose future was completed, and where it ends. I/O thread only. */
	private volatile Detached completed;

	/** Set once the last writer settled every send; later sends that lost the race fail then. Guarded by this. */
	private boolean settled;

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
		OutboundMessage stub = new OutboundMessage(new byte[0], null);
		this.tail = stub;
		this.lastTaken = stub;
		this.lastWritten = stub;
		this.detached = new Detached(stub, 0, 0);
		this.completed = this.detached;
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
	 * Queues a message whose room was reserved. Any thread. A writer sees the message once it
	 * and every message queued before it are linked: a sender preempted between its swap of
	 * the tail and its link holds back those queued after it until it links, and then asks
	 * for a flush as every sender does.
	 * @param payload the bytes
	 * @param hurry hurries the completion of a send written on its sender's thread
	 * @return the send's future
	 */
	CompletableFuture<SendResult> add(byte[] payload, Runnable hurry) {
		PipeFuture<SendResult> future = new PipeFuture<>(hurry);
		OutboundMessage message = new OutboundMessage(payload, future);
		((OutboundMessage) TAIL.getAndSet(this, message)).next = message;
		return future;
	}

	/**
	 * Returns whether a message waits to be taken. Any thread: a message that a sender is
	 * still linking is not seen, and that sender asks for a flush once it is linked.
	 * @return {@code true} if one does
	 */
	boolean hasQueued() {
		return this.lastTaken.next() != null;
	}

	/**
	 * Takes the next message for writing. Writer only.
	 * @return the message, or {@code null} if none is queued
	 */
	OutboundMessage take() {
		OutboundMessage last = this.lastTaken;
		OutboundMessage message = last.next();
		if (message == null) {
			return null;
		}
		if (!this.anyTaken) {
			this.anyTaken = true;
		}
		this.previousTaken = last;
		this.previousTakenPosition = this.takenPosition;
		this.takenPosition += (long) message.length() + this.frameOverhead;
		this.takenCount++;
		// A release store costs no fence; readers on other threads only ask whether more waits.
		LAST_TAKEN.setRelease(this, message);
		return message;
	}

	/**
	 * Records that the OS took some more bytes of the taken messages, in order. Writer only.
	 * @param bytes the bytes just written
	 * @return whether a message was written completely, so futures wait to be completed
	 */
	boolean written(long bytes) {
		this.writtenPosition += bytes;
		OutboundMessage before = this.lastWritten;
		if (this.writtenPosition == this.takenPosition) {
			// All that was taken: the common case.
			this.lastWritten = this.lastTaken;
			this.lastWrittenEnd = this.takenPosition;
			this.writtenCount = this.takenCount;
			this.previousTaken = null;
		}
		else if (this.writtenPosition >= this.previousTakenPosition && this.previousTakenPosition > this.lastWrittenEnd) {
			// All but the last message taken, which a full write buffer cut in two.
			this.lastWritten = this.previousTaken;
			this.lastWrittenEnd = this.previousTakenPosition;
			this.writtenCount = this.takenCount - 1;
			this.previousTaken = null;
		}
		else {
			// The socket took part of the buffer: count the messages it took whole.
			OutboundMessage taken = this.lastTaken;
			while (this.lastWritten != taken) {
				OutboundMessage next = this.lastWritten.next();
				long end = this.lastWrittenEnd + next.length() + this.frameOverhead;
				if (end > this.writtenPosition) {
					break;
				}
				this.lastWritten = next;
				this.lastWrittenEnd = end;
				this.writtenCount++;
			}
		}
		return this.lastWritten != before;
	}

	/**
	 * Hands the messages written completely so far to {@link #completeWritten()}, which
	 * completes them in the order they were written. Writer only: call before letting another
	 * writer in.
	 */
	void detachWritten() {
		if (this.detached.last() != this.lastWritten) {
			this.detached = new Detached(this.lastWritten, this.lastWrittenEnd, this.writtenCount);
		}
	}

	/**
	 * Returns whether someone waits for a future of the messages detached so far and not
	 * completed yet. Any thread.
	 * @return {@code true} if one of them is awaited
	 */
	boolean anyAwaited() {
		// Completed first: the walk goes from there forward to the last detached.
		OutboundMessage message = this.completed.last();
		OutboundMessage last = this.detached.last();
		while (message != last) {
			OutboundMessage next = message.next();
			if (next == message || next == null) {
				// The I/O thread completed and unlinked this one meanwhile: it runs now anyway.
				return true;
			}
			if (next.future() instanceof PipeFuture<?> future && future.isAwaited()) {
				return true;
			}
			message = next;
		}
		return false;
	}

	/**
	 * Completes the futures of the messages detached so far, in order. Call on the I/O thread.
	 */
	void completeWritten() {
		Detached until = this.detached;
		Detached from = this.completed;
		if (until.last() == from.last()) {
			return;
		}
		// Counted and released once per batch, before the futures complete: a callback
		// that reads the statistics or the queued bytes sees its own send settled.
		long count = until.count() - from.count();
		long bytes = until.position() - from.position() - count * this.frameOverhead;
		this.completed = until;
		this.traffic.sent(Math.toIntExact(count), bytes);
		release(bytes + count * PipeOptions.MESSAGE_OVERHEAD);
		String id = this.connectionId;
		SendResult result = null;
		OutboundMessage previous = from.last();
		OutboundMessage last = until.last();
		while (previous != last) {
			OutboundMessage message = previous.next();
			previous.unlink();
			message.releasePayload();
			int length = message.length();
			if (result == null || result.bytes() != length) {
				// A stream sends messages of one size: they share their result.
				result = new SendResult(id, length);
			}
			message.future().complete(result);
			previous = message;
		}
	}

	/**
	 * Completes what was written, and fails everything else: in flight or queued. A message
	 * that a sender had not linked yet fails once it is, in that sender's
	 * {@link #failQueued}. Call on the I/O thread, as the last writer, once the connection is
	 * closed.
	 * @param error makes the exception to fail with
	 */
	void close(Supplier<? extends Throwable> error) {
		detachWritten();
		completeWritten();
		failEach(claimAfter(this.lastWritten, true), error);
	}

	/**
	 * Fails the messages that no writer took yet, once the last writer settled the sends: a
	 * sender that saw the connection closed after it queued its message calls this, and the
	 * message either was settled with the rest, or fails here. Any thread.
	 * @param error makes the exception to fail with
	 */
	void failQueued(Supplier<? extends Throwable> error) {
		failEach(claimAfter(null, false), error);
	}

	/**
	 * Claims the messages linked after the given one, or after the last taken, and marks them
	 * taken: with {@code settle}, for the last writer, else only once it settled. The futures
	 * fail outside the lock, since their callbacks may wait for another sender.
	 * @return the first message claimed, or {@code null}, with the last one
	 */
	private synchronized Claimed claimAfter(OutboundMessage after, boolean settle) {
		if (settle) {
			this.settled = true;
		}
		else if (!this.settled) {
			return null;
		}
		OutboundMessage last = (after != null) ? after : this.lastTaken;
		OutboundMessage first = last.next();
		if (first == null) {
			return null;
		}
		OutboundMessage next;
		while ((next = last.next()) != null) {
			last = next;
		}
		LAST_TAKEN.setRelease(this, last);
		return new Claimed(first, last);
	}

	private void failEach(Claimed claimed, Supplier<? extends Throwable> error) {
		if (claimed == null) {
			return;
		}
		OutboundMessage message = claimed.first();
		while (true) {
			fail(message, error);
			message.releasePayload();
			if (message == claimed.last()) {
				// The start of the chain for a later failQueued.
				return;
			}
			OutboundMessage next = message.next();
			message.unlink();
			message = next;
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
	 * The last message of a batch detached for completion, where it ends in the stream, and
	 * how many messages were written up to it.
	 */
	private record Detached(OutboundMessage last, long position, long count) {
	}

	/**
	 * Messages claimed to be failed, from the first to the last in order.
	 */
	private record Claimed(OutboundMessage first, OutboundMessage last) {
	}

	/**
	 * Told when the pending bytes cross a watermark.
	 */
	interface WritabilityListener {

		void writabilityChanged(boolean writable);

	}

}
