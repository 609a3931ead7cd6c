package io.asyncipc.transport.support;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in the order they were submitted, on a shared executor. Each
 * connection has one, so that its messages stay in order while a slow handler on one
 * connection never holds up another.
 * <p>
 * If the shared executor refuses a task, for example because it is shutting down, the task
 * runs on the submitting thread rather than being lost.
 */
public final class SerialExecutor implements Executor {

	private static final Logger logger = LoggerFactory.getLogger(SerialExecutor.class);

	private static final int BATCH = 64;

	private final Executor delegate;

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean scheduled = new AtomicBoolean();

	/**
	 * Creates a serial executor over a shared one.
	 * @param delegate the executor that runs the batches
	 */
	public SerialExecutor(Executor delegate) {
		this.delegate = delegate;
	}

	@Override
	public void execute(Runnable task) {
		this.tasks.add(task);
		schedule();
	}

	private void schedule() {
		if (this.scheduled.compareAndSet(false, true)) {
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
			for (int i = 0; i < BATCH; i++) {
				Runnable task = this.tasks.poll();
				if (task == null) {
					break;
				}
				task.run();
			}
		}
		finally {
			this.scheduled.set(false);
			if (!this.tasks.isEmpty()) {
				schedule();
			}
		}
	}

}
