package io.asyncipc.transport.windows;

import java.io.EOFException;
import java.util.concurrent.atomic.AtomicBoolean;

import com.sun.jna.Memory;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;
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
 */
final class WindowsConnection extends AbstractPipeConnection {

	private static final int CHUNK = 64 * 1024;

	private static final byte[] EMPTY = new byte[0];

	private static final PipeKernel32 K = PipeKernel32.instance();

	private final HANDLE pipe;

	private final PipeIoLoop loop;

	private final int maxMessageSize;

	private final ReadOperation reading = new ReadOperation();

	private final WriteOperation writeOperation = new WriteOperation();

	/** Held by whoever started the write in flight, until it completes. */
	private final AtomicBoolean writing = new AtomicBoolean();

	/** Guards the handle: no write starts on it once it is being closed. */
	private final Object handleLock = new Object();

	private final Memory readChunk = new Memory(CHUNK);

	private final Memory writeChunk = new Memory(CHUNK);

	private final AtomicBoolean flushScheduled = new AtomicBoolean();

	private final Runnable flushTask = this::scheduledFlush;

	private byte[] partial;

	private int partialLength;

	private volatile boolean closing;

	/** The handle was closed; the sends settle as soon as no write is in flight. */
	private volatile boolean handleClosed;

	/** The write in flight was handed to the OS, under the handle lock; cleared when it ends. */
	private volatile boolean posted;

	private final AtomicBoolean settled = new AtomicBoolean();

	/** No read is in flight because reading is paused. I/O thread only. */
	private boolean readIdle;

	WindowsConnection(AbstractPipeEndpoint endpoint, PeerIdentity peer, HANDLE pipe, PipeIoLoop loop) {
		super(endpoint, peer, 0);
		this.pipe = pipe;
		this.loop = loop;
		this.maxMessageSize = endpoint.options().maxMessageSize();
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
		readNext(this.readChunk, CHUNK);
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

	private void readNext(Memory buffer, int length) {
		if (this.closing) {
			return;
		}
		this.reading.buffer = buffer;
		int error = this.loop.read(this.pipe, this.reading, length);
		if (error != 0) {
			readFailed(error);
		}
	}

	private void readCompleted(int error, int bytes) {
		if (this.closing) {
			return;
		}
		if (error == 0) {
			byte[] message = take(bytes);
			deliver(message);
			readProgress(0);
			if (isReadingPaused()) {
				this.readIdle = true;
			}
			else {
				readNext(this.readChunk, CHUNK);
			}
		}
		else if (error == PipeKernel32.ERROR_MORE_DATA) {
			readRestOfMessage(bytes);
		}
		else {
			readFailed(error);
		}
	}

	@Override
	protected boolean isMidMessage() {
		return this.partial != null;
	}

	@Override
	protected String describePartialMessage() {
		return this.partialLength + " bytes of a message";
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
				readNext(this.readChunk, CHUNK);
			}
		});
	}

	/**
	 * A message is larger than the buffer: keep what came, check the whole size against the
	 * maximum before allocating for it, then read the rest.
	 */
	private void readRestOfMessage(int bytes) {
		IntByReference left = new IntByReference();
		int remaining = K.PeekNamedPipe(this.pipe, null, 0, null, null, left) ? left.getValue() : 0;
		long total = (long) this.partialLength + bytes + remaining;
		if (total > this.maxMessageSize) {
			closeNow(DisconnectReason.PROTOCOL_ERROR, new PipeProtocolException("peer sent a message of at least "
					+ total + " bytes, larger than the maximum of " + this.maxMessageSize
					+ " bytes; raise asyncipc.max-message-size (PipeOptions.maxMessageSize) on both ends"));
			return;
		}
		append(bytes, (int) total);
		readProgress(this.partial.length);
		if (remaining <= 0) {
			readNext(this.readChunk, CHUNK);
		}
		else if (remaining <= CHUNK) {
			readNext(this.readChunk, remaining);
		}
		else {
			readNext(new Memory(remaining), remaining);
		}
	}

	private void append(int bytes, int capacity) {
		if (this.partial == null || this.partial.length < capacity) {
			byte[] grown = new byte[Math.max(capacity, this.partialLength + bytes)];
			if (this.partial != null) {
				System.arraycopy(this.partial, 0, grown, 0, this.partialLength);
			}
			this.partial = grown;
		}
		this.reading.buffer.read(0, this.partial, this.partialLength, bytes);
		this.partialLength += bytes;
	}

	private byte[] take(int bytes) {
		if (this.partial == null) {
			return (bytes == 0) ? EMPTY : this.reading.buffer.getByteArray(0, bytes);
		}
		append(bytes, this.partialLength + bytes);
		byte[] message = this.partial;
		if (message.length != this.partialLength) {
			message = java.util.Arrays.copyOf(message, this.partialLength);
		}
		this.partial = null;
		this.partialLength = 0;
		return message;
	}

	private void readFailed(int error) {
		if (WindowsErrors.isPeerGone(error)) {
			closeNow(DisconnectReason.PEER_CLOSED, (this.partialLength > 0)
					? new EOFException("peer closed in the middle of a message, after " + this.partialLength + " bytes")
					: null);
		}
		else {
			closeNow(DisconnectReason.IO_ERROR, new PipeException(WindowsErrors.describe("ReadFile", error)));
		}
	}

	/**
	 * Writes the next queued message, unless a write is in flight: whoever takes
	 * {@link #writing} owns the write buffer until the write completes.
	 */
	private void writeNext() {
		while (!this.closing && hasOutbound() && this.writing.compareAndSet(false, true)) {
			OutboundMessage message = takeOutbound();
			if (message == null) {
				this.writing.set(false);
				continue;
			}
			startWrite(message);
			return;
		}
	}

	private void startWrite(OutboundMessage message) {
		byte[] payload = message.payload();
		Memory buffer = (payload.length <= CHUNK) ? this.writeChunk : new Memory(payload.length);
		if (payload.length > 0) {
			buffer.write(0, payload, 0, payload.length);
		}
		this.writeOperation.buffer = buffer;
		this.writeOperation.message = message;
		int error;
		synchronized (this.handleLock) {
			if (this.closing) {
				error = PipeKernel32.ERROR_NO_DATA;
			}
			else {
				this.posted = true;
				error = this.loop.write(this.pipe, this.writeOperation, payload.length);
			}
		}
		if (error != 0) {
			finishWrite(error, 0);
		}
	}

	private void writeCompleted(int error, int bytes) {
		if (finishWrite(error, bytes)) {
			writeNext();
		}
	}

	/**
	 * Completes the send of the write that ended, and frees the write for the next message.
	 * @return whether the message was written
	 */
	private boolean finishWrite(int error, int bytes) {
		OutboundMessage message = this.writeOperation.message;
		this.writeOperation.message = null;
		boolean complete = error == 0 && bytes == message.payload().length;
		if (complete) {
			bytesWritten(bytes);
			detachWritten();
		}
		this.posted = false;
		this.writing.set(false);
		completeWritten();
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
