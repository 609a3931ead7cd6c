package io.asyncipc.transport.windows;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
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

	private static final PipeKernel32 K = PipeKernel32.INSTANCE;

	private final HANDLE port;

	private final IntByReference bytes = new IntByReference();

	private final PointerByReference key = new PointerByReference();

	private final PointerByReference overlapped = new PointerByReference();

	CompletionPortLoop(String name, boolean daemon) {
		super(name, daemon);
		this.port = K.CreateIoCompletionPort(WinBase.INVALID_HANDLE_VALUE, null, null, 1);
		if (this.port == null) {
			throw new PipeException("CreateIoCompletionPort failed with error " + Native.getLastError());
		}
	}

	@Override
	int attach(HANDLE pipe) {
		return (K.CreateIoCompletionPort(pipe, this.port, null, 0) != null) ? 0 : Native.getLastError();
	}

	@Override
	int read(HANDLE pipe, PipeOperation operation, int length) {
		operation.reset();
		track(operation);
		return started(operation, K.ReadFile(pipe, operation.buffer, length, null, operation.overlapped));
	}

	@Override
	int write(HANDLE pipe, PipeOperation operation, int length) {
		operation.reset();
		track(operation);
		return started(operation, K.WriteFile(pipe, operation.buffer, length, null, operation.overlapped));
	}

	@Override
	int connect(HANDLE pipe, PipeOperation operation) {
		operation.reset();
		track(operation);
		return started(operation, K.ConnectNamedPipe(pipe, operation.overlapped));
	}

	@Override
	protected void waitForIo(long timeoutMillis) {
		int timeout = (timeoutMillis < 0) ? PipeKernel32.INFINITE : (int) Math.min(timeoutMillis, Integer.MAX_VALUE);
		for (int i = 0; i < BATCH; i++) {
			boolean ok = K.GetQueuedCompletionStatus(this.port, this.bytes, this.key, this.overlapped, timeout);
			Pointer done = this.overlapped.getValue();
			if (done == null) {
				return;
			}
			complete(done, ok ? 0 : Native.getLastError(), this.bytes.getValue());
			timeout = 0;
		}
	}

	@Override
	protected void wakeup() {
		if (!K.PostQueuedCompletionStatus(this.port, 0, null, null)) {
			logger.warn("Could not wake I/O thread {}: error {}", name(), Native.getLastError());
		}
	}

	@Override
	protected void stopped() {
		drainPending(5_000);
		if (abandonPending()) {
			return;
		}
		K.CloseHandle(this.port);
	}

}
