package io.asyncipc.transport.windows;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import com.sun.jna.Native;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import io.asyncipc.transport.DisconnectReason;
import io.asyncipc.transport.support.IoThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes one connection's pipe handle without throwing away what the peer has not read yet.
 * <p>
 * {@code DisconnectNamedPipe} is never called: it discards the unread data, although the
 * sends that wrote it already reported success. An orderly close first lets the peer read,
 * as libuv's {@code uv__pipe_shutdown} does: {@code FlushFileBuffers} blocks until the peer
 * has read everything, so it runs on a worker thread, never on the I/O thread, and is
 * bounded by a timeout, after which {@code CancelSynchronousIo} cancels it and the handle is
 * closed anyway. Either way the I/O thread then cancels the pending read and closes the
 * handle; the pending operations complete as aborted and leave the loop's table only then,
 * so nothing the OS may still write to is freed. Any other close (the peer went away, an
 * I/O or protocol error) closes at once.
 */
final class PipeClose {

	private static final Logger logger = LoggerFactory.getLogger(PipeClose.class);

	private enum State {

		OPEN, FLUSHING, CLOSED

	}

	private final HANDLE pipe;

	private final String description;

	private final PipeKernel32 kernel32;

	private final IoThread loop;

	private final CompletableFuture<Void> closed = new CompletableFuture<>();

	/** Guarded by this, as is {@link #flushingThread}: the flusher and the I/O thread meet here. */
	private State state = State.OPEN;

	/** A handle to the thread inside {@code FlushFileBuffers}, for {@code CancelSynchronousIo}. */
	private HANDLE flushingThread;

	/** I/O thread only. */
	private IoThread.Timer deadline;

	/**
	 * Returns whether a close lets the peer read first: only an orderly close (this side
	 * closed the connection or stops) after something was written. When the peer went away,
	 * or reading, writing or the wire format failed, nobody waits for the rest.
	 * @param reason why the connection closes
	 * @param wroteAnything whether anything was written to the pipe
	 * @return whether to flush before closing
	 */
	static boolean flushesFirst(DisconnectReason reason, boolean wroteAnything) {
		return wroteAnything && (reason == DisconnectReason.LOCAL_CLOSE || reason == DisconnectReason.LOCAL_SHUTDOWN);
	}

	/**
	 * Prepares the close of a pipe handle.
	 * @param pipe the handle
	 * @param description what the handle belongs to, for logs
	 * @param kernel32 the calls to make
	 * @param loop the I/O thread that owns the handle and its pending operations
	 */
	PipeClose(HANDLE pipe, String description, PipeKernel32 kernel32, IoThread loop) {
		this.pipe = pipe;
		this.description = description;
		this.kernel32 = kernel32;
		this.loop = loop;
	}

	/**
	 * Closes the handle at once. Call on the I/O thread.
	 */
	void now() {
		closeHandle();
	}

	/**
	 * Lets the peer read what was written, for at most {@code timeout}, then closes the
	 * handle. Call on the I/O thread.
	 * @param flusher runs the blocking flush
	 * @param timeout how long the peer may take to read
	 */
	void afterFlush(Executor flusher, Duration timeout) {
		synchronized (this) {
			if (this.state != State.OPEN) {
				return;
			}
			this.state = State.FLUSHING;
		}
		this.deadline = this.loop.schedule(() -> flushTimedOut(timeout), timeout);
		try {
			flusher.execute(this::flush);
		}
		catch (RejectedExecutionException ex) {
			logger.debug("{}: no thread to wait for the peer to read; closing at once", this.description);
			this.deadline.cancel();
			closeHandle();
		}
	}

	/**
	 * Returns a future that completes once the handle is closed.
	 * @return the future
	 */
	CompletableFuture<Void> whenClosed() {
		return this.closed;
	}

	/**
	 * Closes the handle at once, cancelling a flush in progress: the I/O thread stops. Call on
	 * the I/O thread.
	 */
	void abandon() {
		if (cancelFlush() || markClosed()) {
			release();
		}
	}

	/**
	 * Runs on the flusher: blocks until the peer has read everything, or went away, or the
	 * flush was cancelled, then hands the close back to the I/O thread.
	 */
	private void flush() {
		HANDLE self = this.kernel32.OpenThread(PipeKernel32.THREAD_TERMINATE, false, this.kernel32.GetCurrentThreadId());
		synchronized (this) {
			if (this.state != State.FLUSHING) {
				closeThreadHandle(self);
				return;
			}
			this.flushingThread = self;
		}
		// The I/O thread may time out between here and the call; then CancelSynchronousIo finds
		// nothing to cancel, and the handle is closed under the flush, which ends it as well.
		boolean flushed = this.kernel32.FlushFileBuffers(this.pipe);
		int error = flushed ? 0 : Native.getLastError();
		synchronized (this) {
			this.flushingThread = null;
		}
		closeThreadHandle(self);
		this.loop.execute(() -> flushed(error));
	}

	private void flushed(int error) {
		synchronized (this) {
			if (this.state != State.FLUSHING) {
				return;
			}
			this.state = State.CLOSED;
		}
		this.deadline.cancel();
		if (error != 0 && !WindowsErrors.isPeerGone(error)) {
			logger.debug("{}: {}; closing", this.description, WindowsErrors.describe("FlushFileBuffers", error));
		}
		release();
	}

	private void flushTimedOut(Duration timeout) {
		if (!cancelFlush()) {
			return;
		}
		logger.warn("{}: the peer did not read what was sent to it within {}; closed anyway, so it may miss the end",
				this.description, timeout);
		release();
	}

	/**
	 * Cancels the flush if one is in progress, and takes over the close.
	 * @return whether the close was waiting for a flush; the caller then releases the handle
	 */
	private synchronized boolean cancelFlush() {
		if (this.state != State.FLUSHING) {
			return false;
		}
		if (this.flushingThread != null && !this.kernel32.CancelSynchronousIo(this.flushingThread)) {
			logger.debug("{}: CancelSynchronousIo failed with Windows error {}", this.description,
					Native.getLastError());
		}
		this.state = State.CLOSED;
		return true;
	}

	private void closeHandle() {
		if (markClosed()) {
			release();
		}
	}

	private synchronized boolean markClosed() {
		if (this.state == State.CLOSED) {
			return false;
		}
		this.state = State.CLOSED;
		return true;
	}

	private void release() {
		this.kernel32.CancelIoEx(this.pipe, null);
		this.kernel32.CloseHandle(this.pipe);
		this.closed.complete(null);
	}

	private void closeThreadHandle(HANDLE thread) {
		if (thread != null) {
			this.kernel32.CloseHandle(thread);
		}
	}

}
