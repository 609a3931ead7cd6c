package io.asyncipc.transport.windows;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;
import io.asyncipc.transport.PipeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code overlapped} mode: overlapped I/O on one I/O completion port, drained by this one
 * thread. Other threads wake it by posting an empty packet.
 */
final class CompletionPortLoop extends PipeIoLoop {

	private static final Logger logger = LoggerFactory.getLogger(CompletionPortLoop.class);

	private static final int BATCH = 64;

	private static final PipeKernel32 K = PipeKernel32.instance();

	private static final OverlappedLayout LAYOUT = OverlappedLayout.NATIVE;

	private final HANDLE port;

	private final Memory entries = new Memory((long) BATCH * LAYOUT.entrySize());

	private final IntByReference removed = new IntByReference();

	/** How many completions the next call asks for. I/O thread only. */
	private final CompletionBatch batch = new CompletionBatch(BATCH);

	CompletionPortLoop(String name, boolean daemon, PipeKernel32 ioCalls) {
		super(name, daemon, ioCalls);
		this.port = K.CreateIoCompletionPort(WinBase.INVALID_HANDLE_VALUE, null, null, 1);
		if (this.port == null) {
			throw new PipeException("CreateIoCompletionPort failed with error " + Native.getLastError());
		}
	}

	@Override
	boolean acceptsWritesFromOtherThreads() {
		return true;
	}

	@Override
	int attach(HANDLE pipe) {
		return (K.CreateIoCompletionPort(pipe, this.port, null, 0) != null) ? 0 : Native.getLastError();
	}

	@Override
	int read(HANDLE pipe, PipeOperation operation, int length) {
		operation.reset();
		track(operation);
		return started(operation, this.ioCalls.ReadFile(pipe, operation.buffer, length, null, operation.overlapped));
	}

	@Override
	int write(HANDLE pipe, PipeOperation operation, int length) {
		operation.reset();
		operation.event(null);
		track(operation);
		return started(operation, this.ioCalls.WriteFile(pipe, operation.buffer, length, null, operation.overlapped));
	}

	@Override
	int connect(HANDLE pipe, PipeOperation operation) {
		operation.reset();
		track(operation);
		return started(operation, this.ioCalls.ConnectNamedPipe(pipe, operation.overlapped));
	}

	/**
	 * Takes completions in batches of up to {@link #BATCH}, of a size that adapts to how many
	 * there are (see {@link CompletionBatch}); a wake-up packet has no {@code OVERLAPPED}. The
	 * wait is bounded while work is handed over soon; see {@link PipeIoLoop#beforeWait(long)}.
	 */
	@Override
	protected void waitForIo(long timeoutMillis) {
		int timeout = beforeWait(timeoutMillis);
		int count = 0;
		try {
			if (!K.GetQueuedCompletionStatusEx(this.port, this.entries, this.batch.size(), this.removed, timeout, false)) {
				int error = Native.getLastError();
				if (error != PipeKernel32.WAIT_TIMEOUT) {
					logger.warn("GetQueuedCompletionStatusEx failed on I/O thread {}: error {}", name(), error);
				}
				return;
			}
			count = this.removed.getValue();
			this.batch.taken(count);
			for (int i = 0; i < count; i++) {
				long entry = (long) i * LAYOUT.entrySize();
				Pointer done = this.entries.getPointer(entry + LAYOUT.entryOverlappedOffset());
				if (done != null) {
					int status = this.entries.getInt(entry + LAYOUT.entryInternalOffset());
					int error = CompletionStatus.ofNtStatus(status, PipeNtdll.INSTANCE::RtlNtStatusToDosError);
					complete(done, error, this.entries.getInt(entry + LAYOUT.entryBytesOffset()));
				}
			}
		}
		finally {
			afterWait(count > 0);
		}
	}

	@Override
	void wake() {
		if (!K.PostQueuedCompletionStatus(this.port, 0, null, null)) {
			logger.warn("Could not wake I/O thread {}: error {}", name(), Native.getLastError());
		}
	}

	@Override
	void release() {
		K.CloseHandle(this.port);
	}

}
