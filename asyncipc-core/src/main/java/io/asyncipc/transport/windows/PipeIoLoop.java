package io.asyncipc.transport.windows;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import io.asyncipc.transport.PipeException;
import io.asyncipc.transport.support.IoThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The named-pipe transport's I/O thread, in one of the two async modes. Completions are
 * always handled on this thread; operations are started on it too, except writes in a mode
 * that {@link #acceptsWritesFromOtherThreads() accepts them} from the sending thread.
 * <p>
 * Under Wine every trip through wineserver costs tens of microseconds, and a completion
 * costs several (the wake-up, the packet or routine, the next wait). So this thread writes
 * {@link #writeQuietly quietly}: a write that the OS takes at once is finished where it was
 * started, with no completion, and what is left of it (completing the send's future) runs
 * at the end of the current wake-up ({@link #executeSoon}).
 */
abstract class PipeIoLoop extends IoThread {

	private static final Logger logger = LoggerFactory.getLogger(PipeIoLoop.class);

	private static final PipeKernel32 K = PipeKernel32.instance();

	/** What {@link #writeQuietly} returns when the OS took the whole message at once. */
	static final int WRITTEN = -1;

	/** The longest wait between two looks at the quiet writes still pending. */
	private static final long MAX_POLL_MILLIS = 64;

	/** Tasks run per look at the soon queue, so that tasks that add more cannot starve I/O. */
	private static final int SOON_BATCH = 256;

	private static final int STATUS_PENDING = 0x103;

	/** How long an orderly close waits for the peer to read what was sent to it. */
	static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(5);

	/** Flushes that may block at the same time; more wait for a thread, within their timeout. */
	private static final int FLUSH_THREADS = 4;

	/** The size of the buffers that reads and writes borrow, and of the chunks read. */
	static final int BUFFER_SIZE = 64 * 1024;

	/**
	 * Buffers kept while unused: reads borrow one only once data is there and give it back
	 * as soon as it was copied, so a few serve many connections; writes hold theirs until
	 * the peer made room for them.
	 */
	private static final int IDLE_BUFFERS = 4;

	private static final Queue<PipeOperation> ABANDONED = new ConcurrentLinkedQueue<>();

	private final BufferPool buffers = new BufferPool(BUFFER_SIZE, IDLE_BUFFERS);

	/** Started operations that the OS has not completed yet, by {@code OVERLAPPED} address. */
	private final Map<Long, PipeOperation> pending = new ConcurrentHashMap<>();

	/** Pipe handles being closed, waiting for their peers to read. */
	private final Set<PipeClose> closing = ConcurrentHashMap.newKeySet();

	/** Runs the blocking flushes of orderly closes, off this thread. Created when first needed. */
	private ExecutorService flusher;

	/** Makes a wake-up and the release of the handles it uses exclusive. */
	private final Object wakeLock = new Object();

	/** Set once the loop closes its own handles: nothing is left to wake. Guarded by wakeLock. */
	private boolean released;

	/** A fault injection point for tests; production leaves it empty. */
	private volatile Consumer<PipeOperation> beforeCompletion = (operation) -> {
	};

	/**
	 * The event that quiet writes name, with its low-order bit set: Windows then queues no
	 * completion packet to the port. Nothing waits on it; Windows only sets and resets it.
	 */
	private final HANDLE quietEvent;

	private final Pointer quietEventTagged;

	/** Work to run at the end of this wake-up; see {@link #executeSoon}. I/O thread only. */
	private final ArrayDeque<Runnable> soon = new ArrayDeque<>();

	/** Quiet writes that the OS did not finish at once; looked at after each wait. I/O thread only. */
	private final List<PipeOperation> quietPending = new ArrayList<>();

	/** The wait between looks at pending quiet writes, which doubles while none finishes. I/O thread only. */
	private long pollMillis = 1;

	/**
	 * The calls that start I/O on a pipe: reads, writes and connects. The real kernel32, but
	 * for tests that inject faults into them.
	 */
	final PipeKernel32 ioCalls;

	PipeIoLoop(String name, boolean daemon, PipeKernel32 ioCalls) {
		super(name, daemon);
		this.ioCalls = ioCalls;
		this.quietEvent = K.CreateEvent(null, true, false, null);
		if (this.quietEvent == null) {
			throw new PipeException("CreateEvent failed with error " + Native.getLastError());
		}
		this.quietEventTagged = new Pointer(Pointer.nativeValue(this.quietEvent.getPointer()) | 1L);
	}

	/**
	 * Returns the buffers that this loop's reads and writes borrow.
	 * @return the pool
	 */
	BufferPool buffers() {
		return this.buffers;
	}

	/**
	 * Makes a new pipe handle ready for this loop's kind of I/O.
	 * @param pipe the handle
	 * @return 0, or the Windows error code
	 */
	abstract int attach(HANDLE pipe);

	/**
	 * Returns whether a write may be started on another thread than this one: true where the
	 * completion is reported to this thread whoever started it (a completion port), false
	 * where it runs on the starting thread (a completion routine).
	 * @return whether senders may start their own writes
	 */
	abstract boolean acceptsWritesFromOtherThreads();

	/**
	 * Starts reading one message, or the rest of one, into {@code operation.buffer}; a read
	 * of zero bytes only learns whether a message is there.
	 * @return 0 if the completion will be reported, or the Windows error code if the read
	 * failed at once and nothing will be reported
	 */
	abstract int read(HANDLE pipe, PipeOperation operation, int length);

	/**
	 * Starts writing one message from {@code operation.buffer}.
	 * @return 0 if the completion will be reported, or the Windows error code
	 */
	abstract int write(HANDLE pipe, PipeOperation operation, int length);

	/**
	 * Starts waiting for a client on a server instance.
	 * @return 0 if the completion will be reported, {@code ERROR_PIPE_CONNECTED} if a client
	 * is already there (nothing will be reported), or the Windows error code
	 */
	abstract int connect(HANDLE pipe, PipeOperation operation);

	void track(PipeOperation operation) {
		this.pending.put(operation.address(), operation);
	}

	PipeOperation untrack(long address) {
		return this.pending.remove(address);
	}

	void untrack(PipeOperation operation) {
		this.pending.remove(operation.address());
	}

	/**
	 * Closes a connection's pipe handle, never with {@code DisconnectNamedPipe}; see
	 * {@link PipeClose}. Call on this thread.
	 * @param pipe the handle
	 * @param flushFirst whether to let the peer read what was written before closing
	 * @param description what the handle belongs to, for logs
	 * @param timeout how long the peer may take to read what was written
	 * @return a future that completes, on this thread, once the handle is closed
	 */
	CompletableFuture<Void> closePipe(HANDLE pipe, boolean flushFirst, String description, Duration timeout) {
		PipeClose close = new PipeClose(pipe, description, PipeKernel32.instance(), this);
		if (!flushFirst) {
			close.now();
			return close.whenClosed();
		}
		this.closing.add(close);
		close.whenClosed().whenComplete((done, ex) -> this.closing.remove(close));
		close.afterFlush(flusher(), timeout);
		return close.whenClosed();
	}

	private ExecutorService flusher() {
		if (this.flusher == null) {
			AtomicInteger threads = new AtomicInteger();
			ThreadPoolExecutor executor = new ThreadPoolExecutor(FLUSH_THREADS, FLUSH_THREADS, 10, TimeUnit.SECONDS,
					new LinkedBlockingQueue<>(), (task) -> {
						Thread thread = new Thread(task, name() + "-flush-" + threads.incrementAndGet());
						thread.setDaemon(true);
						return thread;
					});
			executor.allowCoreThreadTimeOut(true);
			this.flusher = executor;
		}
		return this.flusher;
	}

	/**
	 * Waits until the pipe handles being closed are closed: their peers read what was sent,
	 * or their flushes timed out. Call before stopping this thread, after the connections
	 * were asked to close; on this thread itself it returns at once.
	 * @param timeout how long to wait at most
	 */
	void awaitClosed(Duration timeout) {
		if (inLoop()) {
			// Waiting here would stall the closes it waits for; stopped() closes what is left.
			return;
		}
		// The closes asked for so far are queued on this thread: once it ran them, they are listed.
		runAndWait(() -> {
		}, Duration.ofSeconds(10));
		CompletableFuture<?>[] closes = this.closing.stream()
			.map(PipeClose::whenClosed)
			.toArray(CompletableFuture[]::new);
		try {
			CompletableFuture.allOf(closes).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			logger.warn("I/O thread {} stops with {} pipes still waiting for their peers to read", name(),
					this.closing.size());
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Closes what is still being closed, lets pending operations complete, up to five
	 * seconds, then releases what the loop owns; if any operation is still pending by then,
	 * nothing it may touch is released.
	 */
	@Override
	protected final void stopped() {
		for (PipeClose close : List.copyOf(this.closing)) {
			close.abandon();
		}
		if (this.flusher != null) {
			this.flusher.shutdown();
		}
		drainPending(5_000);
		while (runSoon()) {
			// What the last completions left to do, such as completing sends' futures.
		}
		this.buffers.clear();
		if (!abandonPending()) {
			synchronized (this.wakeLock) {
				this.released = true;
			}
			K.CloseHandle(this.quietEvent);
			release();
		}
	}

	/**
	 * Wakes the thread, unless it released its handles: a wake-up would then use a closed
	 * handle, whose value Windows may already have given to another object. A wake-up in
	 * progress finishes before the handles are closed.
	 */
	@Override
	protected final void wakeup() {
		synchronized (this.wakeLock) {
			if (!this.released) {
				wake();
			}
		}
	}

	/**
	 * Makes a running or coming wait for I/O return, through this loop's handles.
	 */
	abstract void wake();

	/**
	 * Closes the loop's own handles once no operation is pending.
	 */
	abstract void release();

	/**
	 * Keeps the operations that never completed reachable for good, so that the OS never
	 * writes into freed memory, and says so.
	 * @return {@code true} if any operation was still pending
	 */
	private boolean abandonPending() {
		if (this.pending.isEmpty()) {
			return false;
		}
		LoggerFactory.getLogger(PipeIoLoop.class)
			.warn("I/O thread {} stopped with {} operations still pending; their memory is kept", name(),
					this.pending.size());
		ABANDONED.addAll(this.pending.values());
		return true;
	}

	int pendingOperations() {
		return this.pending.size();
	}

	/**
	 * Starts writing one message from {@code operation.buffer} so that nothing is reported if
	 * the OS takes it at once. The {@code OVERLAPPED} names an event whose low-order bit is
	 * set, so no completion packet is queued to a port, and the call is {@code WriteFile}, so
	 * no completion routine is queued either. A write that the OS does not finish at once is
	 * watched: this thread looks at it after each wait, as {@code HasOverlappedIoCompleted}
	 * does, and then reports it like any other completion.
	 * <p>
	 * Call on this thread only. A write that reports to no completion port is tied to the
	 * thread that started it, which cancels it by exiting first: Windows cancels the I/O of an
	 * exiting thread unless it reports to a port, and Wine cancels a pending write that names
	 * an event (the contract suite saw sends fail when Awaitility's thread that made them
	 * ended). A sender's thread therefore never writes quietly; this thread outlives its
	 * operations.
	 * @param pipe the handle
	 * @param operation the write, whose buffer holds the message
	 * @param length the message's length
	 * @return {@link #WRITTEN} if the OS took the message at once (the caller finishes it, with
	 * {@link #transferred(PipeOperation)} bytes); 0 if it is pending and will be reported; or
	 * the Windows error code
	 */
	int writeQuietly(HANDLE pipe, PipeOperation operation, int length) {
		operation.reset();
		operation.event(this.quietEventTagged);
		track(operation);
		if (this.ioCalls.WriteFile(pipe, operation.buffer, length, null, operation.overlapped)) {
			untrack(operation);
			return WRITTEN;
		}
		int error = Native.getLastError();
		if (error != PipeKernel32.ERROR_IO_PENDING) {
			untrack(operation);
			return error;
		}
		this.quietPending.add(operation);
		this.pollMillis = 1;
		return 0;
	}

	/**
	 * Returns the bytes that a finished operation transferred, from its {@code OVERLAPPED}'s
	 * {@code InternalHigh}, as {@code GetOverlappedResult} does.
	 * @param operation an operation that the OS finished
	 * @return the bytes transferred
	 */
	static int transferred(PipeOperation operation) {
		return operation.overlapped.getInt(Native.POINTER_SIZE);
	}

	/**
	 * Runs a task at the end of this wake-up, after the completions it brought: what a
	 * completion handled at once leaves to do, such as completing a send's future, whose
	 * callbacks may send again and must not recurse into the write that is finishing. A task
	 * that such tasks add in turn may wait for the next wake-up, which then comes at once.
	 * @param task the task
	 */
	void executeSoon(Runnable task) {
		if (inLoop()) {
			this.soon.add(task);
		}
		else {
			execute(task);
		}
	}

	/**
	 * Bounds the coming wait while quiet writes are pending, and skips it while work waits
	 * to run soon. Call on this thread just before waiting.
	 * @param timeoutMillis the wait the I/O thread asked for, -1 for no limit
	 * @return the wait to make, in milliseconds as the wait functions take it:
	 * {@link PipeKernel32#INFINITE} for no limit
	 */
	final int beforeWait(long timeoutMillis) {
		long wait;
		if (!this.soon.isEmpty()) {
			wait = 0;
		}
		else if (this.quietPending.isEmpty()) {
			wait = timeoutMillis;
		}
		else {
			wait = (timeoutMillis < 0) ? this.pollMillis : Math.min(timeoutMillis, this.pollMillis);
		}
		return (wait < 0) ? PipeKernel32.INFINITE : (int) Math.min(wait, Integer.MAX_VALUE);
	}

	/**
	 * Reports the quiet writes that the OS finished, then runs the work left for the end of
	 * this wake-up. Call on this thread after each wait.
	 * @param woken whether the wait returned with completions, rather than timed out
	 */
	final void afterWait(boolean woken) {
		if (!this.quietPending.isEmpty()) {
			pollQuietWrites(woken);
		}
		runSoon();
	}

	private void pollQuietWrites(boolean woken) {
		List<PipeOperation> finished = null;
		for (Iterator<PipeOperation> writes = this.quietPending.iterator(); writes.hasNext();) {
			PipeOperation write = writes.next();
			// HasOverlappedIoCompleted: the OS replaces STATUS_PENDING once it is done with the write.
			if (OverlappedLayout.internalStatus(write.overlapped) != STATUS_PENDING) {
				writes.remove();
				untrack(write);
				finished = (finished != null) ? finished : new ArrayList<>();
				finished.add(write);
			}
		}
		if (finished == null) {
			if (!woken) {
				this.pollMillis = Math.min(this.pollMillis * 2, MAX_POLL_MILLIS);
			}
			return;
		}
		this.pollMillis = 1;
		// Reported after the look, since a completion may start the next quiet write.
		for (PipeOperation write : finished) {
			int status = OverlappedLayout.internalStatus(write.overlapped);
			deliver(write, CompletionStatus.ofNtStatus(status, PipeNtdll.INSTANCE::RtlNtStatusToDosError),
					transferred(write));
		}
	}

	/**
	 * Runs what was left for the end of the wake-up, a batch at most.
	 * @return whether anything ran
	 */
	private boolean runSoon() {
		Runnable task;
		int ran = 0;
		while (ran < SOON_BATCH && (task = this.soon.poll()) != null) {
			ran++;
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				logger.error("Task failed on I/O thread {}; the thread goes on", name(), ex);
			}
		}
		return ran > 0;
	}

	/**
	 * Hands a completion to its operation, if it is still pending. If the operation throws,
	 * only what it belongs to is closed: this thread goes on serving the others.
	 * @param overlapped the {@code OVERLAPPED} the OS reported
	 * @param error 0 or the Windows error code
	 * @param bytes the bytes transferred
	 */
	void complete(Pointer overlapped, int error, int bytes) {
		PipeOperation operation = untrack(Pointer.nativeValue(overlapped));
		if (operation != null) {
			deliver(operation, error, bytes);
		}
	}

	/**
	 * Hands a result to an operation that is no longer tracked, such as a connect that found
	 * its client already there, guarded like every completion. Call on this thread.
	 * @param operation the operation
	 * @param error 0 or the Windows error code
	 * @param bytes the bytes transferred
	 */
	void deliver(PipeOperation operation, int error, int bytes) {
		try {
			this.beforeCompletion.accept(operation);
			operation.completed(error, bytes);
		}
		catch (RuntimeException ex) {
			completionFailed(operation, ex);
		}
	}

	private void completionFailed(PipeOperation operation, RuntimeException failure) {
		logger.error("Completion of {} failed on I/O thread {}: {}; closing it, the thread goes on",
				operation.describe(), name(), failure.toString());
		logger.debug("Completion of {} failed", operation.describe(), failure);
		try {
			operation.failed(failure);
		}
		catch (RuntimeException ex) {
			logger.error("Could not close {} after its completion failed: {}", operation.describe(), ex.toString());
			logger.debug("Closing {} failed", operation.describe(), ex);
		}
	}

	/**
	 * Runs a check before each completion is handed to its operation, on this thread. For
	 * tests, to inject faults; a hook that throws makes the completion fail.
	 * @param hook the check
	 */
	void beforeCompletion(Consumer<PipeOperation> hook) {
		this.beforeCompletion = hook;
	}

	/**
	 * Turns the result of a started operation's call into this loop's convention. A call that
	 * succeeds at once still reports its completion: the transport never sets
	 * {@code FILE_SKIP_COMPLETION_PORT_ON_SUCCESS}, because Wine then drops the completion of a
	 * read that returned {@code ERROR_MORE_DATA} at once.
	 * @param operation the operation, tracked until it completes
	 * @param started whether the call returned success
	 * @return 0 when the completion will be reported, or the error
	 */
	int started(PipeOperation operation, boolean started) {
		if (started) {
			return 0;
		}
		int error = Native.getLastError();
		if (error == PipeKernel32.ERROR_IO_PENDING || error == PipeKernel32.ERROR_MORE_DATA) {
			return 0;
		}
		untrack(operation);
		return error;
	}

	/**
	 * Waits, for at most the given time, until no operation is pending, so that nothing the
	 * OS may still write to is released. Call on the I/O thread during shutdown.
	 * @param timeoutMillis the longest wait
	 */
	private void drainPending(long timeoutMillis) {
		long deadline = System.currentTimeMillis() + timeoutMillis;
		while (pendingOperations() > 0) {
			long left = deadline - System.currentTimeMillis();
			if (left <= 0) {
				break;
			}
			try {
				waitForIo(Math.min(left, 50));
			}
			catch (Exception ex) {
				break;
			}
		}
	}

}
