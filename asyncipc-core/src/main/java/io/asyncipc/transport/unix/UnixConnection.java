package io.asyncipc.transport.unix;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
 * <p>
 * Reading is done by whoever holds {@link #reading}: the I/O thread, or a caller waiting for a
 * reply in {@link #readWhileWaiting}, which then reads in its own selector. Once a caller
 * reads, the I/O thread withdraws its read interest, so that the reply wakes the caller alone,
 * and takes the reading back one to three milliseconds after the last caller stopped.
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

	/** How long after the last caller stopped reading the I/O thread leaves the reading to callers. */
	private static final long LEND_NANOS = 1_000_000;

	private static final Duration LEND_CHECK = Duration.ofMillis(1);

	/**
	 * The longest a reading caller waits in its selector before it looks at its future again
	 * (only a failure from elsewhere, such as the reply timeout, completes it meanwhile), and a
	 * caller waiting for another reader before it looks whether it may read, or the connection
	 * closed.
	 */
	private static final long CALLER_TICK_MILLIS = 10;

	/** The callers' read buffer: a reply larger than this is finished by the I/O thread. */
	private static final int CALLER_BUFFER_SIZE = 16 * 1024;

	/** A bound on a caller's timeout, so that its deadline cannot overflow. */
	private static final Duration LONGEST_READ = Duration.ofDays(1);

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

	private final Runnable readTask = this::readHeld;

	private final Runnable resumeTask = this::resumeNow;

	/**
	 * Held by whichever thread reads: the I/O thread, or one caller in
	 * {@link #readWhileWaiting}. The decoder and {@link #unread} belong to its holder.
	 */
	private final AtomicBoolean reading = new AtomicBoolean();

	/** Callers that wait in {@link #readWhileWaiting} while another caller reads. */
	private final AtomicInteger followers = new AtomicInteger();

	/** Whether the I/O thread left the reading to callers, and withdrew its read interest. */
	private volatile boolean lent;

	private volatile long lastCallerRead;

	/** The selector that callers read in, opened by the first; closed with the connection. */
	private volatile Selector callerSelector;

	/** What callers read into, made with their selector; belongs to the holder of {@link #reading}. */
	private ByteBuffer callerBuffer;

	/** Whether the I/O thread holds {@link #reading}. I/O thread only. */
	private boolean ioThreadReads;

	/**
	 * Set when the connection is about to close, or a caller's read failed: nobody reads any
	 * more, so no message follows the disconnect and none is read past a lost buffer.
	 */
	private volatile boolean closing;

	/** Takes the reading back once callers stopped. I/O thread only. */
	private IoThread.Timer lendTimer;

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

	/** A caller stops decoding at a pause, and at a close: no message follows the disconnect. */
	private final BooleanSupplier callerStops = () -> isReadingPaused() || this.closing;

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
		holdingTheReading(this.readTask);
	}

	/**
	 * Runs what reads on the I/O thread, holding {@link #reading}. While a caller holds it,
	 * waiting for its reply, the I/O thread leaves the reading to callers until they stop, and
	 * does then what it would have done now ({@link #checkLend}).
	 */
	private void holdingTheReading(Runnable action) {
		if (this.closing) {
			return;
		}
		if (!acquireOnIoThread()) {
			lendToCallers();
			return;
		}
		try {
			action.run();
		}
		finally {
			releaseOnIoThread();
		}
	}

	private boolean acquireOnIoThread() {
		if (!this.reading.compareAndSet(false, true)) {
			return false;
		}
		this.ioThreadReads = true;
		return true;
	}

	private void releaseOnIoThread() {
		this.ioThreadReads = false;
		this.reading.set(false);
	}

	private void readHeld() {
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
				bytesRead();
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
		decodeUntil(buffer, this.pausedNow);
		if (isOpen()) {
			readProgress(heldBytes());
		}
	}

	/**
	 * Decodes what was read until {@code stop} says so, and keeps the rest for later.
	 */
	private void decodeUntil(ByteBuffer buffer, BooleanSupplier stop) {
		this.decoder.decode(buffer, this::deliver, stop);
		if (buffer.hasRemaining() && isOpen()) {
			this.unread = ByteBuffer.allocate(buffer.remaining()).put(buffer).flip();
		}
	}

	/**
	 * Returns the bytes held of messages not delivered yet: the partial frame, and the bytes
	 * kept at a pause.
	 */
	private long heldBytes() {
		return this.decoder.bufferedBytes() + ((this.unread != null) ? this.unread.capacity() : 0);
	}

	/**
	 * Returns whether the reading is in a state that only the I/O thread sees to: paused, with
	 * bytes kept at a pause, or in the middle of a message.
	 */
	private boolean leftToIoThread() {
		return isReadingPaused() || this.unread != null || this.decoder.isMidFrame();
	}

	/**
	 * Decodes the bytes kept at a pause, on the I/O thread, and reads again. While a caller
	 * holds the reading, the I/O thread does so once callers stop.
	 */
	private void resume() {
		holdingTheReading(this.resumeTask);
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

	/**
	 * Withdraws the read interest, on the I/O thread: a caller that paused the reading stops
	 * reading and hands it back, and the I/O thread alone sets the key's interest, which it
	 * computes from its write interest too.
	 */
	@Override
	protected void pauseReading() {
		if (this.loop.inLoop()) {
			updateInterest();
		}
		else {
			this.loop.execute(this::updateInterest);
		}
	}

	@Override
	protected void resumeReading() {
		this.loop.execute(this::resume);
	}

	private void updateInterest() {
		if (this.key != null && this.key.isValid()) {
			this.key.interestOps((isReadingPaused() || this.lent ? 0 : SelectionKey.OP_READ)
					| (this.writeInterest ? SelectionKey.OP_WRITE : 0));
		}
	}

	private void closeNow(DisconnectReason reason, Throwable cause) {
		stopCallersReading();
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

	/**
	 * Stops a caller that reads, before the handler hears of the close: its selector wakes
	 * (closed), it decodes no further message, and the I/O thread takes the reading for good.
	 * A caller holds the reading only while it reads or decodes, which never blocks: what it
	 * hands to the handler runs as on the I/O thread, where waiting fails at once.
	 */
	private void stopCallersReading() {
		this.closing = true;
		closeCallerSelector();
		if (!this.ioThreadReads) {
			while (!this.reading.compareAndSet(false, true)) {
				Thread.yield();
			}
			this.ioThreadReads = true;
		}
	}

	/**
	 * Reads on the caller's thread while it waits, in a selector of its own, if no one else
	 * reads and nothing is partly read; see {@link io.asyncipc.transport.PipeConnection#readWhileWaiting}.
	 * A caller that finds another reading waits for its future here, so that the reader, when
	 * it stops, knows to hand the reading back to the I/O thread.
	 */
	@Override
	public void readWhileWaiting(Future<?> until, Duration timeout) throws InterruptedException {
		if (until.isDone() || isInlineDispatch() || IoThread.isIoThread() || this.closing || !isOpen()) {
			return;
		}
		long deadline = System.nanoTime() + ((timeout.compareTo(LONGEST_READ) > 0) ? LONGEST_READ : timeout).toNanos();
		if (this.reading.compareAndSet(false, true)) {
			lead(until, deadline);
			return;
		}
		boolean leads = false;
		this.followers.incrementAndGet();
		try {
			// Either the reader sees this follower when it stops, or this follower sees it stopped.
			// The reader may be the I/O thread, for a moment: the follower tries again each tick.
			while (!until.isDone() && !this.closing && !(leads = this.reading.compareAndSet(false, true))) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return;
				}
				awaitQuietly(until, Math.min(left, TimeUnit.MILLISECONDS.toNanos(CALLER_TICK_MILLIS)));
			}
		}
		finally {
			this.followers.decrementAndGet();
		}
		if (leads) {
			lead(until, deadline);
		}
	}

	private static void awaitQuietly(Future<?> until, long nanos) throws InterruptedException {
		try {
			until.get(nanos, TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			// The caller sees the outcome when it waits for the future itself.
		}
	}

	/**
	 * Reads, holding {@link #reading}, until the future is done. Anything the I/O thread must
	 * see to (a message partly read, a pause, the end of the stream, an error) ends it, and the
	 * reading goes back to the I/O thread.
	 */
	private void lead(Future<?> until, long deadline) throws InterruptedException {
		boolean handBack = true;
		this.loop.enterCallerRead();
		try {
			if (leftToIoThread()) {
				// The I/O thread sees to these: a resume, or the rest of a message, reads on.
				handBack = false;
				return;
			}
			Selector selector = callerSelector();
			if (selector == null) {
				return;
			}
			ByteBuffer buffer = this.callerBuffer;
			boolean first = true;
			boolean wakesWhenDone = false;
			while (!until.isDone() && !this.closing && !isReadingPaused()) {
				long left = deadline - System.nanoTime();
				if (left > 0) {
					// Returns at once when bytes wait already: the selector is level-triggered.
					int ready = selector
						.select(Math.min(CALLER_TICK_MILLIS, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))));
					selector.selectedKeys().clear();
					if (Thread.interrupted()) {
						throw new InterruptedException();
					}
					if (ready == 0 && !wakesWhenDone && until instanceof CompletableFuture<?> future) {
						// A slow reply: a failure from elsewhere, the reply timeout say, wakes it.
						wakesWhenDone = true;
						future.whenComplete((result, failure) -> selector.wakeup());
					}
				}
				else if (!first) {
					handBack = this.followers.get() > 0;
					return;
				}
				// With no time to wait, one look: a spinning caller's.
				first = false;
				buffer.clear();
				int count = this.channel.read(buffer);
				if (count < 0) {
					// The I/O thread reads the end again, and closes.
					return;
				}
				if (count == 0) {
					continue;
				}
				bytesRead();
				buffer.flip();
				decodeUntil(buffer, this.callerStops);
				if (leftToIoThread()) {
					return;
				}
				readWholeMessages();
			}
			handBack = isReadingPaused() || this.followers.get() > 0;
		}
		catch (ClosedChannelException | ClosedSelectorException ex) {
			handBack = false;
		}
		catch (PipeProtocolException ex) {
			handBack = false;
			failWhileReading(DisconnectReason.PROTOCOL_ERROR, ex);
		}
		catch (IOException | RuntimeException ex) {
			// What was read may be lost with it: the connection closes, as on the I/O thread.
			handBack = false;
			if (!(ex instanceof IOException)) {
				logger.error("Unexpected error while a caller read {}; closing it", this, ex);
			}
			failWhileReading(DisconnectReason.IO_ERROR, ex);
		}
		catch (Error ex) {
			handBack = false;
			failWhileReading(DisconnectReason.IO_ERROR, ex);
			throw ex;
		}
		finally {
			IoThread.exitCallerRead();
			this.lastCallerRead = System.nanoTime();
			this.reading.set(false);
			if (handBack || this.followers.get() > 0) {
				this.loop.execute(this::takeBack);
			}
		}
	}

	/**
	 * A caller's read failed: nobody reads after it (the bytes it held are lost), and the
	 * connection closes on the I/O thread. The caller's future fails with the close.
	 */
	private void failWhileReading(DisconnectReason reason, Throwable cause) {
		this.closing = true;
		this.loop.execute(() -> closeNow(reason, cause));
	}

	/**
	 * Opens the callers' selector and buffer, once: a channel registered with it closes only once the
	 * selector deregisters it too, so the connection closes it, and a caller that opened it as
	 * the connection closed closes it itself.
	 */
	private Selector callerSelector() throws IOException {
		Selector selector = this.callerSelector;
		if (selector == null) {
			try {
				selector = Selector.open();
			}
			catch (IOException ex) {
				// Out of file descriptors, say: the I/O thread reads, as without callers.
				logger.debug("Could not open a selector for callers of {}", this, ex);
				return null;
			}
			try {
				this.channel.register(selector, SelectionKey.OP_READ);
			}
			catch (IOException | RuntimeException ex) {
				selector.close();
				throw ex;
			}
			this.callerBuffer = ByteBuffer.allocateDirect(CALLER_BUFFER_SIZE);
			this.callerSelector = selector;
			if (this.closing || !isOpen()) {
				closeCallerSelector();
				return null;
			}
		}
		return selector;
	}

	private void closeCallerSelector() {
		Selector selector = this.callerSelector;
		if (selector != null) {
			try {
				selector.close();
			}
			catch (IOException ex) {
				logger.debug("Could not close the callers' selector of {}", this, ex);
			}
		}
	}

	/**
	 * A caller reads: the I/O thread withdraws its read interest, so that what arrives wakes
	 * the caller alone, and looks every millisecond whether callers still read. Callers waiting
	 * for the reader to stop have it hand the reading back when it does.
	 */
	private void lendToCallers() {
		if (!this.lent) {
			this.lent = true;
			updateInterest();
		}
		if (this.lendTimer == null) {
			this.lendTimer = this.loop.schedule(this::checkLend, LEND_CHECK);
		}
	}

	private void checkLend() {
		this.lendTimer = null;
		if (!this.lent || this.closing || !isOpen()) {
			return;
		}
		boolean idle = System.nanoTime() - this.lastCallerRead >= LEND_NANOS || this.followers.get() > 0;
		if (idle && acquireOnIoThread()) {
			try {
				this.lent = false;
				resumeNow();
			}
			finally {
				releaseOnIoThread();
			}
			return;
		}
		this.lendTimer = this.loop.schedule(this::checkLend, LEND_CHECK);
	}

	/**
	 * The I/O thread reads again after a caller stopped at what it leaves to the I/O thread:
	 * a message partly read (whose bytes count and whose timeout starts here), a pause, bytes
	 * kept, the end of the stream, or callers still waiting.
	 */
	private void takeBack() {
		if (this.closing || !isOpen() || !acquireOnIoThread()) {
			// Another caller reads: it hands back in turn.
			return;
		}
		try {
			this.lent = false;
			readProgress(heldBytes());
			if (isOpen()) {
				resumeNow();
			}
		}
		finally {
			releaseOnIoThread();
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
