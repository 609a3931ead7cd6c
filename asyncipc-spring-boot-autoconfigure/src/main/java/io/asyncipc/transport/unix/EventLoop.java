package io.asyncipc.transport.unix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One I/O thread: a selector, a queue of tasks from other threads, and timers. It blocks in
 * the selector while idle, so an idle endpoint uses no CPU.
 * <p>
 * It also owns the direct buffers that its connections read into and write from, so that
 * they are reused rather than allocated per message.
 */
final class EventLoop {

	private static final Logger logger = LoggerFactory.getLogger(EventLoop.class);

	static final int READ_BUFFER_SIZE = 64 * 1024;

	static final int WRITE_BUFFER_SIZE = 128 * 1024;

	private static final int POOLED_WRITE_BUFFERS = 16;

	private final Selector selector;

	private final Thread thread;

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean wakeupPending = new AtomicBoolean();

	private final PriorityQueue<Timer> timers = new PriorityQueue<>();

	private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_SIZE);

	private final Queue<ByteBuffer> writeBuffers = new ConcurrentLinkedQueue<>();

	private final AtomicInteger pooledWriteBuffers = new AtomicInteger();

	private volatile boolean running = true;

	private long timerSequence;

	EventLoop(String threadName, boolean daemon) {
		try {
			this.selector = Selector.open();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not open a selector for " + threadName, ex);
		}
		this.thread = new Thread(this::run, threadName);
		this.thread.setDaemon(daemon);
	}

	void start() {
		this.thread.start();
	}

	boolean inLoop() {
		return Thread.currentThread() == this.thread;
	}

	/**
	 * Runs a task on the loop's thread, after the channels that are ready now.
	 * @param task the task
	 */
	void execute(Runnable task) {
		this.tasks.add(task);
		if (!inLoop() && this.wakeupPending.compareAndSet(false, true)) {
			this.selector.wakeup();
		}
	}

	/**
	 * Runs a task on the loop's thread after a delay. Call on the loop's thread.
	 * @param task the task
	 * @param delay how long to wait
	 * @return the timer, which can be cancelled
	 */
	Timer schedule(Runnable task, Duration delay) {
		Timer timer = new Timer(System.nanoTime() + delay.toNanos(), this.timerSequence++, task);
		this.timers.add(timer);
		return timer;
	}

	SelectionKey register(SelectableChannel channel, int ops, IoHandler handler) throws ClosedChannelException {
		return channel.register(this.selector, ops, handler);
	}

	ByteBuffer readBuffer() {
		return this.readBuffer;
	}

	/**
	 * Takes a direct write buffer from the pool, or allocates one. Thread-safe: a sender's
	 * thread may write too.
	 * @return an empty buffer
	 */
	ByteBuffer acquireWriteBuffer() {
		ByteBuffer buffer = this.writeBuffers.poll();
		if (buffer == null) {
			return ByteBuffer.allocateDirect(WRITE_BUFFER_SIZE);
		}
		this.pooledWriteBuffers.decrementAndGet();
		return buffer;
	}

	/**
	 * Returns a write buffer to the pool, unless the pool is full.
	 * @param buffer the buffer
	 */
	void releaseWriteBuffer(ByteBuffer buffer) {
		if (this.pooledWriteBuffers.incrementAndGet() <= POOLED_WRITE_BUFFERS) {
			buffer.clear();
			this.writeBuffers.add(buffer);
		}
		else {
			this.pooledWriteBuffers.decrementAndGet();
		}
	}

	/**
	 * Runs the tasks queued so far, then stops the loop and waits for its thread.
	 * @param timeout how long to wait for the thread
	 */
	void shutdownAndJoin(Duration timeout) {
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

	private void run() {
		try {
			while (this.running) {
				this.wakeupPending.set(false);
				long timeoutMillis = millisUntilNextTimer();
				if (!this.tasks.isEmpty() || timeoutMillis == 0) {
					this.selector.selectNow(this::onReady);
				}
				else {
					this.selector.select(this::onReady, (timeoutMillis < 0) ? 0 : timeoutMillis);
				}
				runTasks();
				runDueTimers();
			}
		}
		catch (Throwable ex) {
			logger.error("I/O thread {} failed", this.thread.getName(), ex);
		}
		finally {
			closeSelector();
		}
	}

	private void onReady(SelectionKey key) {
		if (!key.isValid()) {
			return;
		}
		try {
			((IoHandler) key.attachment()).onReady(key);
		}
		catch (RuntimeException ex) {
			logger.error("Unexpected error on I/O thread {}", this.thread.getName(), ex);
		}
	}

	private void runTasks() {
		Runnable task;
		while ((task = this.tasks.poll()) != null) {
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				logger.error("Task failed on I/O thread {}", this.thread.getName(), ex);
			}
		}
	}

	private void runDueTimers() {
		long now = System.nanoTime();
		Timer timer;
		while ((timer = this.timers.peek()) != null && timer.deadline - now <= 0) {
			this.timers.poll();
			if (!timer.cancelled) {
				timer.task.run();
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

	private void closeSelector() {
		for (SelectionKey key : this.selector.keys()) {
			if (key.attachment() instanceof IoHandler handler) {
				handler.onLoopClosed();
			}
			try {
				key.channel().close();
			}
			catch (IOException ex) {
				logger.debug("Could not close channel on shutdown", ex);
			}
		}
		try {
			this.selector.close();
		}
		catch (IOException ex) {
			logger.debug("Could not close selector", ex);
		}
	}

	/**
	 * A task to run at a deadline, unless cancelled.
	 */
	static final class Timer implements Comparable<Timer> {

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
		 * Cancels the timer. Call on the loop's thread.
		 */
		void cancel() {
			this.cancelled = true;
		}

		@Override
		public int compareTo(Timer other) {
			int byDeadline = Long.compare(this.deadline - other.deadline, 0);
			return (byDeadline != 0) ? byDeadline : Long.compare(this.sequence, other.sequence);
		}

	}

}
