package io.asyncipc.transport.support;

import java.time.Duration;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.asyncipc.transport.BlockingOperationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One I/O thread of a transport: it waits for I/O in the platform's own way (a selector, a
 * completion port, an alertable wait), and between waits runs tasks handed to it by other
 * threads and timers that are due. While idle it blocks, so an idle endpoint uses no CPU.
 * <p>
 * A task or timer that throws is logged and the thread goes on. If the thread dies anyway, of
 * an {@link Error} or a failed wait, it releases what it owns as on shutdown and then tells
 * its {@link #onFailure failure listener}, on itself. Tasks handed over after the thread
 * finished run on the thread that hands them over, so that none is dropped.
 */
public abstract class IoThread {

	private static final Logger logger = LoggerFactory.getLogger(IoThread.class);

	private static final ThreadLocal<IoThread> CURRENT = new ThreadLocal<>();

	private final Thread thread;

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean wakeupPending = new AtomicBoolean();

	/** Tasks that may wait for the thread's next wake-up; see {@link #executeDeferred}. */
	private final Queue<Runnable> deferredTasks = new ConcurrentLinkedQueue<>();

	/** How many times deferred tasks ran; written by the I/O thread only. */
	private volatile int deferredRuns;

	/** Whether {@link DeferredTaskWatch} watches this thread. */
	final AtomicBoolean watched = new AtomicBoolean();

	private final PriorityQueue<Timer> timers = new PriorityQueue<>();

	private volatile boolean running = true;

	private volatile Throwable failure;

	/** Set once the thread finished; a task handed over after that runs on its caller. */
	private volatile boolean terminated;

	private volatile Consumer<Throwable> failureListener = (failure) -> {
	};

	private long timerSequence;

	/**
	 * Creates the thread, not started yet.
	 * @param name the thread name
	 * @param daemon whether the thread is a daemon
	 */
	protected IoThread(String name, boolean daemon) {
		this.thread = new Thread(this::run, name);
		this.thread.setDaemon(daemon);
	}

	/**
	 * Sets what to call if the thread dies of an error: it runs on the dying thread, after
	 * {@link #stopped()}, so {@link #inLoop()} is still true there.
	 * @param listener receives the error
	 */
	public void onFailure(Consumer<Throwable> listener) {
		this.failureListener = listener;
	}

	/**
	 * Returns what killed the thread.
	 * @return the error, or {@code null} while it runs or after an orderly shutdown
	 */
	public Throwable failure() {
		return this.failure;
	}

	/**
	 * Starts the thread.
	 */
	public void start() {
		this.thread.start();
	}

	/**
	 * Returns the thread's name.
	 * @return the name
	 */
	public String name() {
		return this.thread.getName();
	}

	/**
	 * Returns whether the caller is this I/O thread.
	 * @return {@code true} on the I/O thread
	 */
	public boolean inLoop() {
		return Thread.currentThread() == this.thread;
	}

	/**
	 * Returns whether the calling thread is an I/O thread of any endpoint.
	 * @return {@code true} on an I/O thread
	 */
	public static boolean isIoThread() {
		return CURRENT.get() != null;
	}

	/**
	 * Marks the calling thread, a caller that reads a connection of this I/O thread while it
	 * waits for a reply, as an I/O thread until {@link #exitCallerRead()}: what it hands to the
	 * handler meanwhile runs as it would on this thread, and a call there that would wait fails
	 * at once ({@link #checkNotBlocking}), since the caller holds the reading that the wait
	 * needs.
	 */
	public void enterCallerRead() {
		CURRENT.set(this);
	}

	/**
	 * Ends {@link #enterCallerRead()} on the calling thread.
	 */
	public static void exitCallerRead() {
		CURRENT.remove();
	}

	/**
	 * Fails at once if the calling thread is an I/O thread, where waiting would stall its
	 * connections or wait for itself.
	 * @param call the call that would wait, as the user wrote it
	 * @param instead what to do instead
	 * @throws BlockingOperationException on an I/O thread
	 */
	public static void checkNotBlocking(String call, String instead) {
		IoThread current = CURRENT.get();
		if (current != null) {
			throw new BlockingOperationException(call + " would block I/O thread " + current.name()
					+ ", which serves this and other connections; " + instead);
		}
	}

	/**
	 * Runs a task on the I/O thread, after the I/O that is ready now.
	 * @param task the task
	 */
	public void execute(Runnable task) {
		this.tasks.add(task);
		if (this.terminated) {
			runTasks();
		}
		else {
			wakeIfWaiting();
		}
	}

	/**
	 * Runs a task on the I/O thread at its next wake-up, without waking it: before the next I/O
	 * it handles, and within two milliseconds if nothing else wakes it (a watch thread, one per
	 * process, does then). For work that need not run at once: the completion of a send written
	 * on its sender's thread, which the reply to a request, the next wake-up of the thread
	 * anyway, takes along. A caller that waits for such work calls {@link #hurry()}.
	 * @param task the task
	 */
	public void executeDeferred(Runnable task) {
		this.deferredTasks.add(task);
		if (this.terminated) {
			runTasks();
		}
		else if (!inLoop() && !DeferredTaskWatch.watch(this)) {
			wakeIfWaiting();
		}
	}

	/**
	 * Wakes the thread now if deferred tasks wait, for a caller that waits for one of them.
	 */
	public void hurry() {
		if (hasDeferredTasks()) {
			wakeIfWaiting();
		}
	}

	/**
	 * Wakes the thread if it may be blocked in its wait and nobody woke it since; a thread
	 * that runs sees what was handed over before it waits again.
	 */
	private void wakeIfWaiting() {
		if (!inLoop() && this.wakeupPending.compareAndSet(false, true)) {
			wakeup();
		}
	}

	/**
	 * Runs the deferred tasks handed over so far. The I/O thread calls it before it handles the
	 * I/O that a wait reported, so that what a deferred task handed over before then completes
	 * (a send's future) is done before what arrived meanwhile (the reply) is handed on.
	 */
	protected final void runDeferredTasks() {
		if (!hasDeferredTasks()) {
			return;
		}
		this.deferredRuns++;
		Runnable task;
		while ((task = this.deferredTasks.poll()) != null) {
			runGuarded(task);
		}
	}

	boolean hasDeferredTasks() {
		return !this.deferredTasks.isEmpty();
	}

	int deferredRuns() {
		return this.deferredRuns;
	}

	boolean isTerminated() {
		return this.terminated;
	}

	/**
	 * Runs a task on the I/O thread and waits for it; on the caller's thread if the I/O thread
	 * is the caller or is no longer running, so that stopping never hangs on a dead thread.
	 * @param task the task
	 * @param timeout how long to wait for the I/O thread
	 */
	public void runAndWait(Runnable task, Duration timeout) {
		if (inLoop() || !this.thread.isAlive()) {
			task.run();
			return;
		}
		CompletableFuture<Void> done = new CompletableFuture<>();
		execute(() -> {
			try {
				task.run();
				done.complete(null);
			}
			catch (RuntimeException ex) {
				done.completeExceptionally(ex);
			}
		});
		try {
			done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof RuntimeException runtime) ? runtime : new IllegalStateException(ex);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("I/O thread " + name() + " did not run a task within " + timeout, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for I/O thread " + name(), ex);
		}
	}

	/**
	 * Runs a task on the I/O thread after a delay. Call on the I/O thread.
	 * @param task the task
	 * @param delay how long to wait
	 * @return the timer, which can be cancelled
	 */
	public Timer schedule(Runnable task, Duration delay) {
		Timer timer = new Timer(System.nanoTime() + delay.toNanos(), this.timerSequence++, task);
		this.timers.add(timer);
		return timer;
	}

	/**
	 * Runs the tasks queued so far, then stops the thread and waits for it.
	 * @param timeout how long to wait for the thread
	 */
	public void shutdownAndJoin(Duration timeout) {
		execute(() -> this.running = false);
		if (inLoop()) {
			return;
		}
		try {
			this.thread.join(Math.max(1, timeout.toMillis()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (this.thread.isAlive()) {
			logger.warn("I/O thread {} did not stop within {}", this.thread.getName(), timeout);
		}
	}

	/**
	 * Waits for I/O and handles what is ready.
	 * @param timeoutMillis how long to wait at most: 0 to only poll, -1 for no limit
	 * @throws Exception if waiting fails; the thread stops
	 */
	protected abstract void waitForIo(long timeoutMillis) throws Exception;

	/**
	 * Makes a running or coming {@link #waitForIo(long)} return. Called from other threads.
	 */
	protected abstract void wakeup();

	/**
	 * Called on the I/O thread once it stopped, to close what it owns.
	 */
	protected abstract void stopped();

	/**
	 * Called on the I/O thread before its first wait, to set up what must be made there.
	 */
	protected void started() {
	}

	private void run() {
		CURRENT.set(this);
		try {
			started();
			while (this.running) {
				if (hasNoTasks()) {
					// Only a thread that may block needs waking: while it runs, tasks handed over
					// are seen before the next wait, and their senders skip the wake-up's system call.
					// Deferred tasks wake it not at all (see executeDeferred).
					this.wakeupPending.set(false);
					waitForIo(hasNoTasks() ? millisUntilNextTimer() : 0);
					this.wakeupPending.set(true);
				}
				else {
					waitForIo(0);
				}
				runTasks();
				runDueTimers();
			}
		}
		catch (Throwable ex) {
			this.failure = ex;
			this.running = false;
			logger.error("I/O thread {} died; its connections close and its endpoint fails", this.thread.getName(), ex);
		}
		finally {
			stopped();
		}
		Throwable died = this.failure;
		if (died != null) {
			try {
				this.failureListener.accept(died);
			}
			catch (Throwable ex) {
				logger.error("Could not handle the death of I/O thread {}", this.thread.getName(), ex);
			}
		}
		// What was handed over too late still runs, here or on its caller, never dropped: it
		// may complete a send's future or close a connection.
		this.terminated = true;
		runTasks();
	}

	private void runTasks() {
		Runnable task;
		while ((task = this.tasks.poll()) != null) {
			runGuarded(task);
		}
		runDeferredTasks();
	}

	private boolean hasNoTasks() {
		return this.tasks.isEmpty() && !hasDeferredTasks();
	}

	private void runGuarded(Runnable task) {
		try {
			task.run();
		}
		catch (RuntimeException ex) {
			logger.error("Task failed on I/O thread {}; the thread goes on", this.thread.getName(), ex);
		}
	}

	private void runDueTimers() {
		long now = System.nanoTime();
		Timer timer;
		while ((timer = this.timers.peek()) != null && timer.deadline - now <= 0) {
			this.timers.poll();
			if (!timer.cancelled) {
				try {
					timer.task.run();
				}
				catch (RuntimeException ex) {
					logger.error("Timer failed on I/O thread {}; the thread goes on", this.thread.getName(), ex);
				}
			}
		}
	}

	private long millisUntilNextTimer() {
		Timer next = this.timers.peek();
		while (next != null && next.cancelled) {
			this.timers.poll();
			next = this.timers.peek();
		}
		if (next == null) {
			return -1;
		}
		long nanos = next.deadline - System.nanoTime();
		return (nanos <= 0) ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
	}

	/**
	 * A task to run at a deadline, unless cancelled.
	 */
	public static final class Timer implements Comparable<Timer> {

		private final long deadline;

		private final long sequence;

		private final Runnable task;

		private boolean cancelled;

		Timer(long deadline, long sequence, Runnable task) {
			this.deadline = deadline;
			this.sequence = sequence;
			this.task = task;
		}

		/**
		 * Cancels the timer. Call on the I/O thread.
		 */
		public void cancel() {
			this.cancelled = true;
		}

		@Override
		public int compareTo(Timer other) {
			int byDeadline = Long.compare(this.deadline - other.deadline, 0);
			return (byDeadline != 0) ? byDeadline : Long.compare(this.sequence, other.sequence);
		}

	}

}
