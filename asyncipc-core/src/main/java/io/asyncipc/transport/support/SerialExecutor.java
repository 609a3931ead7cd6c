package io.asyncipc.transport.support;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in the order they were submitted, on a shared executor. Each
 * connection has one, so that its messages stay in order while a slow handler on one
 * connection never holds up another.
 * <p>
 * A run on the shared executor takes tasks in batches of {@value #BATCH}, and goes on to the
 * next batch until none is left or a time slice of a millisecond has passed since it started;
 * then it gives the thread back and queues itself again behind the other connections, so a
 * connection whose handler is slow still yields after one batch. Giving the thread back after
 * every batch made a stream of small messages hop from one pool thread to the next every
 * {@value #BATCH} messages, since a pool wakes its idle threads in turn.
 * <p>
 * If the shared executor refuses a task, for example because it is shutting down, the task
 * runs on the submitting thread rather than being lost.
 */
public final class SerialExecutor implements Executor {

	private static final Logger logger = LoggerFactory.getLogger(SerialExecutor.class);

	private static final int BATCH = 64;

	private static final long TIME_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private final Executor delegate;

	private final long timeSliceNanos;

	private final Runnable afterRun;

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean scheduled = new AtomicBoolean();

	/**
	 * Creates a serial executor over a shared one.
	 * @param delegate the executor that runs the batches
	 */
	public SerialExecutor(Executor delegate) {
		this(delegate, () -> {
		});
	}

	/**
	 * Creates a serial executor over a shared one that calls {@code afterRun} at the end of each
	 * run, after its last task and before any later run starts: for work that the tasks of a run
	 * may leave to be done once for all of them.
	 * @param delegate the executor that runs the batches
	 * @param afterRun called at the end of each run, in order with the tasks
	 */
	public SerialExecutor(Executor delegate, Runnable afterRun) {
		this(delegate, afterRun, TIME_SLICE_NANOS);
	}

	/**
	 * Creates a serial executor whose runs go on for another batch while less than this much
	 * time has passed: for tests, which cannot rely on a clock.
	 */
	SerialExecutor(Executor delegate, Runnable afterRun, long timeSliceNanos) {
		this.delegate = delegate;
		this.afterRun = afterRun;
		this.timeSliceNanos = timeSliceNanos;
	}

	@Override
	public void execute(Runnable task) {
		this.tasks.add(task);
		schedule();
	}

	private void schedule() {
		// Read before the CAS: while a run drains, every submission finds it scheduled, and a
		// failed CAS still takes the line exclusively, on the submitter's hot path.
		if (!this.scheduled.get() && this.scheduled.compareAndSet(false, true)) {
			try {
				this.delegate.execute(this::drain);
			}
			catch (RejectedExecutionException ex) {
				logger.warn("Dispatch executor refused a task, likely because it is shutting down; "
						+ "running it on the submitting thread instead");
				logger.debug("Refused by the dispatch executor", ex);
				drain();
			}
		}
	}

	private void drain() {
		try {
			long start = System.nanoTime();
			while (runBatch() && System.nanoTime() - start < this.timeSliceNanos) {
				// Another batch: more tasks wait, and the slice is not used up.
			}
		}
		finally {
			try {
				this.afterRun.run();
			}
			finally {
				this.scheduled.set(false);
				if (!this.tasks.isEmpty()) {
					schedule();
				}
			}
		}
	}

	/**
	 * Runs up to {@link #BATCH} tasks.
	 * @return whether it ran that many, so that more may wait
	 */
	private boolean runBatch() {
		for (int i = 0; i < BATCH; i++) {
			Runnable task = this.tasks.poll();
			if (task == null) {
				return false;
			}
			task.run();
		}
		return true;
	}

}
