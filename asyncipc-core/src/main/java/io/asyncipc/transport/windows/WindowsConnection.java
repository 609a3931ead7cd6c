package io.asyncipc.transport.windows;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import com.sun.jna.Memory;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import io.asyncipc.transport.DisconnectReason;
import io.asyncipc.transport.PeerIdentity;
import io.asyncipc.transport.PipeException;
import io.asyncipc.transport.PipeProtocolException;
import io.asyncipc.transport.support.AbstractPipeConnection;
import io.asyncipc.transport.support.AbstractPipeEndpoint;
import io.asyncipc.transport.support.IoThread;
import io.asyncipc.transport.support.OutboundMessage;

/**
 * A connection over a message-mode named pipe: one application message is one pipe message.
 * Completions run on the endpoint's I/O thread; a write may start on the sender's thread where
 * the mode allows. One read and one write are in flight at a time, which keeps messages in
 * order.
 * <p>
 * An idle connection holds no buffer, as in libuv ({@code uv__pipe_queue_read}): it reads
 * zero bytes, which completes with {@code ERROR_MORE_DATA} and takes nothing once a message
 * is there (or with success, taking it, for an empty message). Only then does it borrow a
 * buffer from its I/O thread's {@link BufferPool} to read the message, and it gives the
 * buffer back as soon as the read completed; a write borrows one for as long as it is in
 * flight. Each buffer and {@code OVERLAPPED} stays referenced by its operation, which the I/O
 * thread keeps until the OS reports it complete.
 * <p>
 * A zero-byte read before every message would double the reads and completions of a busy
 * connection (under Wine, the throughput of a stream of small messages fell to a third). So
 * after a message the next one is read into a borrowed buffer at once; only when that read
 * stays pending for {@link #IDLE_DELAY} does the connection cancel it
 * ({@code CancelIoEx}), give the buffer back and park on a zero-byte read.
 * <p>
 * The I/O thread writes {@link PipeIoLoop#writeQuietly quietly} while the peer keeps up:
 * when the OS takes the message at once (the usual case: the pipe had room) the write is
 * finished there and then, with no completion packet or routine to wait for. A quiet write
 * that stays pending shows that the peer is behind: the I/O thread watches it, and the
 * connection writes with the usual completions until its queue is empty again.
 */
final class WindowsConnection extends AbstractPipeConnection {

	private static final int CHUNK = PipeIoLoop.BUFFER_SIZE;

	/** What zero-byte reads and writes point to; nothing is ever written into it. */
	static final Memory NO_BUFFER = new Memory(1);

	private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

	private static final PipeKernel32 K = PipeKernel32.instance();

	/** How long a read may wait for the next message with a buffer before it parks without one. */
	static final Duration IDLE_DELAY = Duration.ofMillis(250);

	private final HANDLE pipe;

	private final PipeIoLoop loop;

	private final BufferPool buffers;

	/** Puts messages larger than a buffer back together. I/O thread only. */
	private final MessageAssembler assembler;

	private final ReadOperation reading = new ReadOperation();

	private final WriteOperation writeOperation = new WriteOperation();

	/** Held by whoever started the write in flight, until it completes. */
	private final AtomicBoolean writing = new AtomicBoolean();

	/** Guards the handle: no write starts on it once it is being closed. */
	private final Object handleLock = new Object();

	private final AtomicBoolean flushScheduled = new AtomicBoolean();

	private final Runnable flushTask = this::scheduledFlush;

	private final Runnable completeWrittenTask = this::completeWritten;

	/** Most messages one call writes in a row before it leaves the rest to the I/O thread. */
	private static final int WRITES_IN_A_ROW = 64;

	/** Whether writes are quiet: cleared when one stays pending, set again once the queue is empty. */
	private volatile boolean quiet = true;

	private volatile boolean closing;

	/**
	 * A write failed, and the close it asked for may not have run yet: no write starts after
	 * it. Set before the failed write lets go of {@link #writing}, so whoever takes that next
	 * sees it. A later message written in that gap would have been counted, by its length,
	 * as the failed one, whose send would then have succeeded.
	 */
	private volatile boolean writeFailed;

	/** The handle was closed; the sends settle as soon as no write is in flight. */
	private volatile boolean handleClosed;

	/** The write in flight was handed to the OS, under the handle lock; cleared when it ends. */
	private volatile boolean posted;

	private final AtomicBoolean settled = new AtomicBoolean();

	/** Reads completed so far, to tell a busy connection from an idle one. I/O thread only. */
	private long completedReads;

	/** Checks that the read in flight is still waiting, to park it. I/O thread only. */
	private IoThread.Timer idleCheck;

	private long readsAtIdleCheck;

	/** The read in flight was cancelled to park the connection. I/O thread only. */
	private boolean parking;

	/** The next read is a zero-byte one. I/O thread only. */
	private boolean parkNext;

	/** No read is in flight because reading is paused. I/O thread only. */
	private boolean readIdle;

	WindowsConnection(AbstractPipeEndpoint endpoint, PeerIdentity peer, HANDLE pipe, PipeIoLoop loop) {
		super(endpoint, peer, 0);
		this.pipe = pipe;
		this.loop = loop;
		this.buffers = loop.buffers();
		this.assembler = new MessageAssembler(endpoint.options().maxMessageSize());
	}

	@Override
	protected IoThread ioThread() {
		return this.loop;
	}

	/**
	 * Tells the handler and starts reading. Call on the I/O thread.
	 */
	void open() {
		opened();
		readNext();
		writeNext();
	}

	/**
	 * Starts the next write. Where the loop allows it, the sender's own thread starts it,
	 * which spares a wake-up of the I/O thread; the completion comes back to the I/O thread,
	 * which then writes whatever was queued meanwhile.
	 */
	@Override
	protected void requestFlush() {
		if (this.loop.inLoop() || this.loop.acceptsWritesFromOtherThreads()) {
			writeNext();
			if (!this.loop.inLoop() && !this.writing.get() && hasOutbound()) {
				scheduleFlush();
			}
		}
		else {
			scheduleFlush();
		}
	}

	private void scheduleFlush() {
		if (this.flushScheduled.compareAndSet(false, true)) {
			this.loop.execute(this.flushTask);
		}
	}

	private void scheduledFlush() {
		this.flushScheduled.set(false);
		writeNext();
	}

	/**
	 * Reads the next message, or the rest of one, into a borrowed buffer; or, once the
	 * connection went idle, zero bytes, to learn that a message is there without holding a
	 * buffer.
	 */
	private void readNext() {
		if (this.closing) {
			return;
		}
		boolean park = this.parkNext;
		this.parkNext = false;
		this.reading.buffer = park ? NO_BUFFER : this.buffers.borrow();
		int error = this.loop.read(this.pipe, this.reading, park ? 0 : CHUNK);
		if (error != 0) {
			// Nothing will be reported: the OS does not hold the buffer.
			giveBack(takeReadBuffer());
			readFailed(error);
		}
		else if (!park && !this.assembler.inMessage() && this.idleCheck == null) {
			this.readsAtIdleCheck = this.completedReads;
			this.idleCheck = this.loop.schedule(this::checkIdle, IDLE_DELAY);
		}
	}

	/**
	 * Parks the connection if the read in flight waited for a message with a buffer since
	 * the check was set, and checks again later if reads completed meanwhile.
	 */
	private void checkIdle() {
		this.idleCheck = null;
		boolean waitingWithBuffer = this.reading.buffer != null && this.reading.buffer != NO_BUFFER
				&& !this.assembler.inMessage();
		if (this.closing || !waitingWithBuffer) {
			return;
		}
		if (this.completedReads != this.readsAtIdleCheck) {
			this.readsAtIdleCheck = this.completedReads;
			this.idleCheck = this.loop.schedule(this::checkIdle, IDLE_DELAY);
			return;
		}
		// The read completes as cancelled, or with a message that came first; both are handled.
		this.parking = true;
		K.CancelIoEx(this.pipe, this.reading.overlapped);
	}

	/**
	 * A read ended: with a whole message or the last chunk of one; with
	 * {@code ERROR_MORE_DATA} and a chunk of a message larger than the buffer (or none, after
	 * a zero-byte read), whose rest the next read takes; or cancelled, to park. The message
	 * grows as its chunks arrive, never from a size that the pipe announces. The buffer goes
	 * back to the pool at once.
	 */
	private void readCompleted(int error, int bytes) {
		Memory buffer = takeReadBuffer();
		this.completedReads++;
		boolean parked = this.parking && error == PipeKernel32.ERROR_OPERATION_ABORTED;
		this.parking = false;
		byte[] message = null;
		try {
			if (this.closing) {
				return;
			}
			if (!parked) {
				if (error != 0 && error != PipeKernel32.ERROR_MORE_DATA) {
					readFailed(error);
					return;
				}
				message = this.assembler.feed((bytes > 0) ? buffer.getByteBuffer(0, bytes) : NOTHING,
						error == PipeKernel32.ERROR_MORE_DATA);
			}
		}
		catch (PipeProtocolException ex) {
			closeNow(DisconnectReason.PROTOCOL_ERROR, ex);
			return;
		}
		finally {
			giveBack(buffer);
		}
		if (parked) {
			this.parkNext = true;
		}
		else {
			if (message != null) {
				bytesRead();
				deliver(message);
			}
			readProgress(this.assembler.heldBytes());
			if (isReadingPaused()) {
				this.readIdle = true;
				return;
			}
		}
		readNext();
	}

	private Memory takeReadBuffer() {
		Memory buffer = this.reading.buffer;
		this.reading.buffer = null;
		return buffer;
	}

	/**
	 * Gives a borrowed buffer back, once the OS is done with it.
	 */
	private void giveBack(Memory buffer) {
		if (buffer != null && buffer != NO_BUFFER) {
			this.buffers.release(buffer);
		}
	}

	@Override
	protected boolean isMidMessage() {
		return this.assembler.inMessage();
	}

	@Override
	protected String describePartialMessage() {
		return this.assembler.bufferedBytes() + " bytes of a message";
	}

	@Override
	protected void pauseReading() {
		// The next read is not started while paused; see readCompleted.
	}

	@Override
	protected void resumeReading() {
		this.loop.execute(() -> {
			if (this.readIdle && !isReadingPaused()) {
				this.readIdle = false;
				readNext();
			}
		});
	}

	private void readFailed(int error) {
		if (WindowsErrors.isPeerGone(error)) {
			closeNow(DisconnectReason.PEER_CLOSED, (this.assembler.bufferedBytes() > 0)
					? new EOFException("peer closed in the middle of a message, after "
							+ this.assembler.bufferedBytes() + " bytes")
					: null);
		}
		else {
			closeNow(DisconnectReason.IO_ERROR, new PipeException(WindowsErrors.describe("ReadFile", error)));
		}
	}

	/**
	 * Writes the next queued messages, unless a write is in flight: whoever takes
	 * {@link #writing} owns the write buffer until the write completes. Messages that the OS
	 * takes at once (quiet writes, on the I/O thread) are followed by the next, up to
	 * {@link #WRITES_IN_A_ROW}; then the I/O thread goes on at the end of its wake-up.
	 */
	private void writeNext() {
		int written = 0;
		while (!this.closing && hasOutbound() && this.writing.compareAndSet(false, true)) {
			if (this.writeFailed) {
				// The close settles what is queued: its sends fail. One that closed the handle while this
				// thread held the flag could not settle then, so this thread does.
				this.writing.set(false);
				if (this.handleClosed) {
					settleWhenIdle();
				}
				return;
			}
			if (written == WRITES_IN_A_ROW) {
				this.writing.set(false);
				this.loop.executeSoon(this.flushTask);
				return;
			}
			OutboundMessage message = takeOutbound();
			if (message == null) {
				this.writing.set(false);
				continue;
			}
			if (!startWrite(message)) {
				return;
			}
			written++;
		}
	}

	/**
	 * Starts writing one message.
	 * @return whether the OS took it at once and the write flag is free again
	 */
	private boolean startWrite(OutboundMessage message) {
		byte[] payload = message.payload();
		Memory buffer = (payload.length == 0) ? NO_BUFFER
				: (payload.length <= CHUNK) ? this.buffers.borrow() : new Memory(payload.length);
		if (payload.length > 0) {
			buffer.write(0, payload, 0, payload.length);
		}
		this.writeOperation.buffer = buffer;
		this.writeOperation.message = message;
		boolean quietly = this.quiet && this.loop.inLoop();
		int error;
		synchronized (this.handleLock) {
			if (this.closing) {
				error = PipeKernel32.ERROR_NO_DATA;
			}
			else {
				this.posted = true;
				error = quietly ? this.loop.writeQuietly(this.pipe, this.writeOperation, payload.length)
						: this.loop.write(this.pipe, this.writeOperation, payload.length);
			}
		}
		if (error == PipeIoLoop.WRITTEN) {
			return finishWrite(0, PipeIoLoop.transferred(this.writeOperation), true);
		}
		if (error != 0) {
			finishWrite(error, 0, false);
		}
		else if (quietly) {
			// The peer is behind: the I/O thread reports this write, and the next ones, until the queue empties.
			this.quiet = false;
		}
		return false;
	}

	private void writeCompleted(int error, int bytes) {
		if (finishWrite(error, bytes, false)) {
			if (!this.quiet && !hasOutbound()) {
				this.quiet = true;
			}
			writeNext();
		}
	}

	/**
	 * Completes the send of the write that ended, and frees the write for the next message.
	 * The send's future completes on the I/O thread: at once for a completion that it was
	 * told of, and at the end of the wake-up for a quiet write that the OS took at once.
	 * @param atOnce whether the OS took the message when the quiet write was started
	 * @return whether the message was written
	 */
	private boolean finishWrite(int error, int bytes, boolean atOnce) {
		OutboundMessage message = this.writeOperation.message;
		this.writeOperation.message = null;
		// The OS is done with the buffer: the write completed, or was never handed over.
		giveBack(this.writeOperation.buffer);
		this.writeOperation.buffer = null;
		boolean complete = error == 0 && bytes == message.payload().length;
		if (complete) {
			bytesWritten(bytes);
			detachWritten();
		}
		else {
			this.writeFailed = true;
		}
		this.posted = false;
		this.writing.set(false);
		if (atOnce) {
			// A future's callback that sends again must not recurse into here.
			this.loop.executeSoon(this.completeWrittenTask);
		}
		else {
			completeWritten();
		}
		if (this.handleClosed) {
			settleWhenIdle();
		}
		if (complete) {
			return true;
		}
		if (!this.closing) {
			close(WindowsErrors.reasonFor(error), new PipeException((error != 0)
					? WindowsErrors.describe("WriteFile", error)
					: "WriteFile wrote " + bytes + " of " + message.payload().length + " bytes"));
		}
		return false;
	}

	/**
	 * Closes the connection on the I/O thread. The handle is closed without
	 * {@code DisconnectNamedPipe}, which would discard what the peer has not read yet; after
	 * an orderly close that follows writes, the peer may read it first (see
	 * {@link PipeClose}).
	 */
	private void closeNow(DisconnectReason reason, Throwable cause) {
		if (!markClosed(reason, cause)) {
			return;
		}
		synchronized (this.handleLock) {
			// From here on no write starts on the handle; one in flight may still finish.
			this.closing = true;
		}
		this.assembler.clear();
		if (this.idleCheck != null) {
			this.idleCheck.cancel();
			this.idleCheck = null;
		}
		// Sends settle once the handle is closed: a write in flight that the OS completes first
		// still succeeds, and the rest fail.
		this.loop.closePipe(this.pipe, PipeClose.flushesFirst(reason, anythingWritten()), toString(),
				closeTimeout(PipeIoLoop.FLUSH_TIMEOUT))
			.whenComplete((done, ex) -> {
				released();
				this.handleClosed = true;
				settleWhenIdle();
			});
	}

	/**
	 * Settles the sends once the handle is closed, as the last writer: at once if no write is
	 * in flight, else when the one in flight completes, or without it if the OS took it and
	 * the I/O thread that would hear of it died.
	 * Whoever takes the write flag here keeps it, since no write starts once the connection
	 * is closing.
	 */
	private void settleWhenIdle() {
		boolean idle = this.writing.compareAndSet(false, true);
		// A write the OS took on a dead I/O thread will never report back: settle without it.
		boolean stranded = !idle && this.posted && this.loop.failure() != null;
		if ((idle || stranded) && this.settled.compareAndSet(false, true)) {
			if (this.loop.inLoop()) {
				settleOutbound();
			}
			else {
				this.loop.execute(this::settleOutbound);
			}
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

	private void operationFailed(String what, RuntimeException failure) {
		closeNow(DisconnectReason.IO_ERROR, new PipeException(what + " on " + this + " failed: " + failure, failure));
	}

	private final class ReadOperation extends PipeOperation {

		@Override
		void completed(int error, int bytes) {
			readCompleted(error, bytes);
		}

		@Override
		void failed(RuntimeException failure) {
			operationFailed("reading", failure);
		}

		@Override
		String describe() {
			return "read on " + WindowsConnection.this;
		}

	}

	private final class WriteOperation extends PipeOperation {

		OutboundMessage message;

		@Override
		void completed(int error, int bytes) {
			writeCompleted(error, bytes);
		}

		@Override
		void failed(RuntimeException failure) {
			// The message stays in flight in the outbound buffer, which fails it when the close settles.
			this.message = null;
			operationFailed("writing", failure);
		}

		@Override
		String describe() {
			return "write on " + WindowsConnection.this;
		}

	}

}
