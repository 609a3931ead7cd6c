package io.asyncipc.transport.windows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;
import io.asyncipc.transport.PipeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code completion-routine} mode: {@code ReadFileEx}/{@code WriteFileEx}, whose
 * completion routines run on this one thread while it waits alertably. Other threads wake it
 * with {@code QueueUserAPC}. A server's pending connects signal events, which the same
 * alertable wait watches.
 */
final class CompletionRoutineLoop extends PipeIoLoop {

	private static final Logger logger = LoggerFactory.getLogger(CompletionRoutineLoop.class);

	private static final PipeKernel32 K = PipeKernel32.instance();

	/** Kept in a field so that the native callback is never collected. */
	private final PipeKernel32.CompletionRoutine routine = this::onCompletion;

	private final PipeKernel32.ApcRoutine wakeRoutine = (data) -> {
	};

	private final List<PendingConnect> connects = new ArrayList<>();

	private final CountDownLatch ready = new CountDownLatch(1);

	private final IntByReference transferred = new IntByReference();

	private volatile HANDLE thread;

	CompletionRoutineLoop(String name, boolean daemon, PipeKernel32 ioCalls) {
		super(name, daemon, ioCalls);
	}

	@Override
	public void start() {
		super.start();
		try {
			this.ready.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (this.thread == null) {
			throw new PipeException("could not open a handle to I/O thread " + name() + " for QueueUserAPC");
		}
	}

	@Override
	protected void started() {
		this.thread = K.OpenThread(PipeKernel32.THREAD_SET_CONTEXT, false, K.GetCurrentThreadId());
		this.ready.countDown();
	}

	@Override
	boolean acceptsWritesFromOtherThreads() {
		return false;
	}

	@Override
	int attach(HANDLE pipe) {
		return 0;
	}

	@Override
	int read(HANDLE pipe, PipeOperation operation, int length) {
		operation.reset();
		track(operation);
		return started(operation, this.ioCalls.ReadFileEx(pipe, operation.buffer, length, operation.overlapped, this.routine));
	}

	@Override
	int write(HANDLE pipe, PipeOperation operation, int length) {
		operation.reset();
		operation.event(null);
		track(operation);
		return started(operation, this.ioCalls.WriteFileEx(pipe, operation.buffer, length, operation.overlapped, this.routine));
	}

	@Override
	int connect(HANDLE pipe, PipeOperation operation) {
		HANDLE event = K.CreateEvent(null, true, false, null);
		if (event == null) {
			return Native.getLastError();
		}
		operation.overlapped.clear();
		operation.event(event.getPointer());
		track(operation);
		int error = started(operation, this.ioCalls.ConnectNamedPipe(pipe, operation.overlapped));
		if (error == 0) {
			this.connects.add(new PendingConnect(pipe, operation, event));
		}
		else {
			K.CloseHandle(event);
		}
		return error;
	}

	/**
	 * Waits alertably, so that completion routines run; bounded while work is handed over
	 * soon, see {@link PipeIoLoop#beforeWait(long)}.
	 */
	@Override
	protected void waitForIo(long timeoutMillis) {
		int timeout = beforeWait(timeoutMillis);
		boolean woken = false;
		try {
			if (this.connects.isEmpty()) {
				woken = K.SleepEx(timeout, true) == PipeKernel32.WAIT_IO_COMPLETION;
				return;
			}
			Pointer[] events = new Pointer[this.connects.size()];
			for (int i = 0; i < events.length; i++) {
				events[i] = this.connects.get(i).event.getPointer();
			}
			int result = K.WaitForMultipleObjectsEx(events.length, events, false, timeout, true);
			woken = result != PipeKernel32.WAIT_TIMEOUT;
			if (result >= 0 && result < events.length) {
				PendingConnect done = this.connects.remove(result);
				boolean ok = K.GetOverlappedResult(done.pipe, done.operation.overlapped, this.transferred, false);
				int error = ok ? 0 : Native.getLastError();
				K.CloseHandle(done.event);
				done.operation.event(null);
				complete(done.operation.overlapped, error, this.transferred.getValue());
			}
			else if (result == PipeKernel32.WAIT_FAILED) {
				logger.warn("Alertable wait failed on I/O thread {}: error {}", name(), Native.getLastError());
			}
		}
		finally {
			afterWait(woken);
		}
	}

	/**
	 * A completion routine ran. Its error is 0 for a message larger than the buffer on
	 * Windows, so the status is taken from the {@code OVERLAPPED}; see {@link CompletionStatus}.
	 */
	private void onCompletion(int error, int bytes, Pointer overlapped) {
		complete(overlapped, CompletionStatus.ofRoutine(error, overlapped, PipeNtdll.INSTANCE::RtlNtStatusToDosError),
				bytes);
	}

	@Override
	void wake() {
		HANDLE target = this.thread;
		if (target != null && K.QueueUserAPC(this.wakeRoutine, target, null) == 0) {
			logger.warn("Could not wake I/O thread {}: error {}", name(), Native.getLastError());
		}
	}

	@Override
	void release() {
		for (PendingConnect connect : this.connects) {
			K.CloseHandle(connect.event);
		}
		this.connects.clear();
		if (this.thread != null) {
			K.CloseHandle(this.thread);
		}
	}

	private record PendingConnect(HANDLE pipe, PipeOperation operation, HANDLE event) {
	}

}
