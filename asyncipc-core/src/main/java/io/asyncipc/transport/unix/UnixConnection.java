package io.asyncipc.transport.unix;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import io.asyncipc.transport.DisconnectReason;
import io.asyncipc.transport.PeerIdentity;
import io.asyncipc.transport.PipeException;
import io.asyncipc.transport.PipeProtocolException;
import io.asyncipc.transport.support.AbstractPipeConnection;
import io.asyncipc.transport.support.AbstractPipeEndpoint;
import io.asyncipc.transport.support.IoThread;
import io.asyncipc.transport.support.OutboundMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection over a Unix domain socket, served by one {@link EventLoop}.
 * <p>
 * Writing copies queued frames into one pooled direct buffer and hands the whole batch to the
 * OS in one call; each send's future completes, on the I/O thread, once the OS has taken its
 * last byte.
 */
final class UnixConnection extends AbstractPipeConnection implements IoHandler {

	private static final Logger logger = LoggerFactory.getLogger(UnixConnection.class);

	private static final int READS_PER_WAKEUP = 16;

	private static final int WRITES_PER_FLUSH = 64;

	/**
	 * Sends closer together than this are left to the I/O thread to coalesce, unless the peer
	 * sent something in between (see {@link #isSparse()}).
	 */
	private static final long DIRECT_WRITE_GAP_NANOS = 20_000;

	/**
	 * How far apart a request-reply's sends must at least be to be written on their own thread
	 * when the peer sent something in between: below the quickest round trip (a raw ping-pong
	 * with both processes on one CPU takes about 7 µs on a small VM), above the gaps of a
	 * stream's sends, which come well under a microsecond apart.
	 */
	private static final long EXCHANGE_GAP_NANOS = 2_000;

	private static final int ALL_WRITTEN = 0;

	private static final int SOCKET_FULL = 1;

	private static final int MORE_QUEUED = 2;

	private final SocketChannel channel;

	private final EventLoop loop;

	private final FrameDecoder decoder;

	private final AtomicBoolean flushScheduled = new AtomicBoolean();

	/** Held by whichever thread writes; after close, held for good. */
	private final AtomicBoolean writing = new AtomicBoolean();

	private final Runnable flushTask = this::scheduledFlush;

	private SelectionKey key;

	private volatile boolean writeInterest;

	private volatile long lastDirectWrite = System.nanoTime() - DIRECT_WRITE_GAP_NANOS;

	/** {@link #messagesReceived()} at the last direct write. */
	private volatile long receivedAtDirectWrite;

	private ByteBuffer out;

	/**
	 * Bytes read but not decoded because reading paused in the middle of a read: decoding
	 * them all would turn a pause into thousands more messages on the heap. Decoded first
	 * when reading resumes. I/O thread only.
	 */
	private ByteBuffer unread;

	private final BooleanSupplier pausedNow = this::isReadingPaused;

	private OutboundMessage current;

	private int currentOffset;

	UnixConnection(AbstractPipeEndpoint endpoint, PeerIdentity peer, SocketChannel channel, EventLoop loop) {
		super(endpoint, peer, FrameDecoder.HEADER_SIZE);
		this.channel = channel;
		this.loop = loop;
		this.decoder = new FrameDecoder(endpoint.options().maxMessageSize());
	}

	@Override
	protected IoThread ioThread() {
		return this.loop;
	}

	/**
	 * Registers with the loop and tells the handler. Call on the loop's thread.
	 */
	void open() {
		try {
			this.key = this.loop.register(this.channel, SelectionKey.OP_READ, this);
		}
		catch (ClosedChannelException ex) {
			logger.debug("Channel closed before it was registered", ex);
			closeChannel();
			openFailed();
			return;
		}
		catch (RuntimeException ex) {
			logger.warn("Could not register {} with I/O thread {}; closing it: {}", this, this.loop.name(), ex.toString());
			closeChannel();
			openFailed();
			return;
		}
		opened();
		if (hasOutbound()) {
			flush();
		}
	}

	/**
	 * Writes what is queued. A sender that sends now and then writes on its own thread, when
	 * no other thread is writing and the socket is not backed up: that spares a wake-up of the
	 * I/O thread, which is most of a round trip's cost. A sender that streams, sending again
	 * soon after the last direct write with nothing received from the peer in between
	 * ({@link #isSparse()}), leaves the writing to the I/O thread, which coalesces everything
	 * queued by then into one system call.
	 * <p>
	 * A send made while a flush is scheduled costs no more than its place in the queue: the
	 * flush takes it along. A direct write that left nothing queued has its futures completed
	 * on the I/O thread at its next wake-up ({@link IoThread#executeDeferred}), when someone
	 * waits for one of them, or within two milliseconds; a ping-pong thus wakes the I/O thread
	 * once per message, for the reply. Otherwise the futures complete in a flush task,
	 * which also writes what was queued meanwhile, so that the sends of a burst which follows a
	 * direct write wake the I/O thread once between them.
	 */
	@Override
	protected void requestFlush() {
		if (this.flushScheduled.get()) {
			// A flush is on its way to the I/O thread, and it writes this message too.
			return;
		}
		if (!this.loop.inLoop() && !this.writeInterest && isSparse() && this.writing.compareAndSet(false, true)) {
			Throwable failure = null;
			int outcome = MORE_QUEUED;
			try {
				outcome = writeQueued();
				detachWritten();
			}
			catch (Throwable ex) {
				failure = ex;
			}
			finally {
				this.writing.set(false);
			}
			if (failure != null) {
				Throwable cause = failure;
				this.loop.execute(() -> closeNow(DisconnectReason.IO_ERROR, cause));
				rethrowError(failure);
				return;
			}
			if (outcome == ALL_WRITTEN && !hasOutbound()) {
				// Nothing left to write: the futures complete at the I/O thread's next wake-up, which
				// a request's reply brings anyway, or within two milliseconds (executeDeferred).
				completeWrittenDeferred();
				return;
			}
			// One task completes the futures on the I/O thread and writes what was queued
			// meanwhile: a burst that follows rides on it instead of waking the thread again.
			scheduleFlush();
			return;
		}
		scheduleFlush();
	}

	/**
	 * An {@link Error} (out of direct memory, say) goes on to kill the thread, which its
	 * supervision reports; the write flag was released first, so closing never waits for it.
	 */
	private static void rethrowError(Throwable failure) {
		if (failure instanceof Error error) {
			throw error;
		}
	}

	/**
	 * Returns whether a send is sparse enough to be written on its sender's thread: it comes
	 * {@link #DIRECT_WRITE_GAP_NANOS} or more after the last direct write, or
	 * {@link #EXCHANGE_GAP_NANOS} or more after it with a message from the peer received in
	 * between.
	 * The second is a request-reply, whose caller sends once the reply came and whose listener
	 * replies once the request came. On one CPU its sends come 17 to 21 µs apart, under the
	 * first gap, and each one that the I/O thread wrote paid for its wake-up. The first gap
	 * alone keeps a stream coalesced: after its sender was preempted for a few µs, a shorter
	 * gap let the next send write on its own thread and wake the peer for a small batch, and
	 * the peer's wake-up preempted the sender again (a 64-byte stream on one CPU made 8 direct
	 * writes per 10,000 messages with 5 µs alone; 1.2 with 20 µs, before the deferred
	 * completions).
	 */
	private boolean isSparse() {
		long now = System.nanoTime();
		long gap = now - this.lastDirectWrite;
		long received = messagesReceived();
		if (gap < DIRECT_WRITE_GAP_NANOS && (gap < EXCHANGE_GAP_NANOS || received == this.receivedAtDirectWrite)) {
			return false;
		}
		this.lastDirectWrite = now;
		this.receivedAtDirectWrite = received;
		return true;
	}

	private void scheduleFlush() {
		if (!this.flushScheduled.get() && this.flushScheduled.compareAndSet(false, true)) {
			this.loop.execute(this.flushTask);
		}
	}

	@Override
	protected void close(DisconnectReason reason, Throwable cause) {
		if (this.loop.inLoop()) {
			closeNow(reason, cause);
		}
		else {
			this.loop.execute(() -> closeNow(reason, cause));
		}
	}

	@Override
	protected boolean isMidMessage() {
		return this.decoder.isMidFrame();
	}

	@Override
	protected String describePartialMessage() {
		return this.decoder.describePartialFrame();
	}

	@Override
	public void onReady(SelectionKey key) {
		int ready = key.readyOps();
		if ((ready & SelectionKey.OP_WRITE) != 0) {
			flush();
		}
		if ((ready & SelectionKey.OP_READ) != 0 && key.isValid()) {
			read();
		}
	}

	@Override
	public void onFailure(RuntimeException error) {
		closeNow(DisconnectReason.IO_ERROR, error);
	}

	@Override
	public void onLoopClosed(Throwable failure) {
		if (failure != null) {
			closeNow(DisconnectReason.IO_ERROR, new PipeException("I/O thread " + this.loop.name() + " died", failure));
		}
		else {
			closeNow(DisconnectReason.LOCAL_SHUTDOWN, null);
		}
	}

	private void read() {
		if (this.unread != null) {
			// A resume that raced this read: the bytes kept come first.
			resumeNow();
			if (this.unread != null || !isOpen()) {
				return;
			}
		}
		ByteBuffer buffer = this.loop.readBuffer();
		try {
			for (int i = 0; i < READS_PER_WAKEUP; i++) {
				buffer.clear();
				int count = this.channel.read(buffer);
				if (count < 0) {
					closeNow(DisconnectReason.PEER_CLOSED, this.decoder.isMidFrame()
							? new EOFException("peer closed in the middle of a frame, after "
									+ this.decoder.describePartialFrame())
							: null);
					return;
				}
				if (count == 0) {
					return;
				}
				buffer.flip();
				boolean full = buffer.limit() == buffer.capacity();
				decode(buffer);
				if (!isOpen() || this.unread != null || isReadingPaused() || !full) {
					return;
				}
			}
		}
		catch (PipeProtocolException ex) {
			closeNow(DisconnectReason.PROTOCOL_ERROR, ex);
		}
		catch (IOException ex) {
			closeNow(DisconnectReason.IO_ERROR, ex);
		}
	}

	/**
	 * Decodes what was read, until reading pauses: the rest is kept for the resume, and
	 * counted with the partial frame.
	 */
	private void decode(ByteBuffer buffer) {
		this.decoder.decode(buffer, this::deliver, this.pausedNow);
		if (buffer.hasRemaining() && isOpen()) {
			this.unread = ByteBuffer.allocate(buffer.remaining()).put(buffer).flip();
		}
		if (isOpen()) {
			readProgress(this.decoder.bufferedBytes() + ((this.unread != null) ? this.unread.capacity() : 0));
		}
	}

	/**
	 * Decodes the bytes kept at a pause, then reads again unless it paused once more.
	 */
	private void resumeNow() {
		if (this.unread != null && isOpen() && !isReadingPaused()) {
			ByteBuffer kept = this.unread;
			this.unread = null;
			try {
				decode(kept);
			}
			catch (PipeProtocolException ex) {
				closeNow(DisconnectReason.PROTOCOL_ERROR, ex);
				return;
			}
		}
		updateInterest();
	}

	private void scheduledFlush() {
		this.flushScheduled.set(false);
		flush();
	}

	/**
	 * Writes on the I/O thread. If a sender's thread is writing right now, it leaves the rest
	 * to a later flush, which that sender schedules itself, and completes only what was
	 * written so far.
	 */
	private void flush() {
		if (!this.writing.compareAndSet(false, true)) {
			completeWritten();
			return;
		}
		int outcome;
		try {
			outcome = writeQueued();
			detachWritten();
		}
		catch (Throwable ex) {
			this.writing.set(false);
			closeNow(DisconnectReason.IO_ERROR, ex);
			rethrowError(ex);
			return;
		}
		this.writing.set(false);
		completeWritten();
		setWriteInterest(outcome == SOCKET_FULL);
		if (outcome == MORE_QUEUED) {
			scheduleFlush();
		}
	}

	/**
	 * Copies queued frames into a pooled direct buffer and writes them, batch after batch.
	 * Call only while holding {@link #writing}. The messages the OS took are completed after
	 * {@link #writing} is released, since a send's callback may send again.
	 * @return {@link #ALL_WRITTEN}, {@link #SOCKET_FULL}, or {@link #MORE_QUEUED} when the
	 * round limit was hit and more waits
	 * @throws IOException if the write fails
	 */
	private int writeQueued() throws IOException {
		if (!this.channel.isOpen()) {
			return ALL_WRITTEN;
		}
		for (int round = 0; round < WRITES_PER_FLUSH; round++) {
			if (this.out == null) {
				this.out = this.loop.acquireWriteBuffer();
				this.out.limit(0);
			}
			if (!this.out.hasRemaining()) {
				this.out.clear();
				fill(this.out);
				this.out.flip();
				if (!this.out.hasRemaining()) {
					this.loop.releaseWriteBuffer(this.out);
					this.out = null;
					return ALL_WRITTEN;
				}
			}
			bytesWritten(this.channel.write(this.out));
			if (this.out.hasRemaining()) {
				return SOCKET_FULL;
			}
		}
		return MORE_QUEUED;
	}

	private void fill(ByteBuffer buffer) {
		while (buffer.hasRemaining()) {
			if (this.current == null) {
				if (buffer.remaining() < FrameDecoder.HEADER_SIZE) {
					return;
				}
				this.current = takeOutbound();
				if (this.current == null) {
					return;
				}
				buffer.putInt(this.current.payload().length);
				this.currentOffset = 0;
			}
			byte[] payload = this.current.payload();
			int count = Math.min(buffer.remaining(), payload.length - this.currentOffset);
			buffer.put(payload, this.currentOffset, count);
			this.currentOffset += count;
			if (this.currentOffset == payload.length) {
				this.current = null;
			}
		}
	}

	private void setWriteInterest(boolean interested) {
		if (this.writeInterest != interested) {
			this.writeInterest = interested;
			updateInterest();
		}
	}

	@Override
	protected void pauseReading() {
		updateInterest();
	}

	@Override
	protected void resumeReading() {
		this.loop.execute(this::resumeNow);
	}

	private void updateInterest() {
		if (this.key != null && this.key.isValid()) {
			this.key.interestOps((isReadingPaused() ? 0 : SelectionKey.OP_READ)
					| (this.writeInterest ? SelectionKey.OP_WRITE : 0));
		}
	}

	private void closeNow(DisconnectReason reason, Throwable cause) {
		if (!markClosed(reason, cause)) {
			return;
		}
		while (!this.writing.compareAndSet(false, true)) {
			Thread.onSpinWait();
		}
		closeChannel();
		released();
		this.unread = null;
		this.current = null;
		settleOutbound();
		if (this.out != null) {
			this.loop.releaseWriteBuffer(this.out);
			this.out = null;
		}
	}

	private void closeChannel() {
		if (this.key != null) {
			this.key.cancel();
		}
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			logger.debug("Could not close channel of {}", this, ex);
		}
	}

}
