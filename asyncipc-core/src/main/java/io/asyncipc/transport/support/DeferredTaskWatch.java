package io.asyncipc.transport.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the bound of {@link IoThread#executeDeferred}: one daemon thread for the process
 * that, every millisecond while some I/O thread has deferred tasks, wakes each I/O thread
 * whose deferred tasks waited through a whole tick. So a deferred task runs within two ticks
 * even when nothing else wakes its thread, and a steady stream of them, which the threads' own
 * wake-ups take along, costs the watch one wake-up per millisecond rather than each task one
 * of its I/O thread. With nothing to watch it parks until a task is deferred again.
 */
final class DeferredTaskWatch {

	private static final Logger logger = LoggerFactory.getLogger(DeferredTaskWatch.class);

	/** How often the watch looks. */
	static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	/** Ticks without deferred tasks after which a thread is no longer watched. */
	private static final int IDLE_TICKS = 64;

	private static final Queue<IoThread> added = new ConcurrentLinkedQueue<>();

	private static volatile Thread watch;

	/** Set while the watch parks with nothing to watch: a thread added then unparks it. */
	private static volatile boolean idle;

	private DeferredTaskWatch() {
	}

	/**
	 * Watches a thread that was handed a deferred task, unless it is watched already.
	 * @param thread the I/O thread
	 * @return {@code false} if the watch cannot run (its thread could not be started): the
	 * caller must then wake the thread itself
	 */
	static boolean watch(IoThread thread) {
		if (thread.watched.get() || !thread.watched.compareAndSet(false, true)) {
			return true;
		}
		added.add(thread);
		Thread current = watch;
		if (current == null) {
			current = start();
			if (current == null) {
				added.remove(thread);
				thread.watched.set(false);
				return false;
			}
		}
		if (idle) {
			LockSupport.unpark(current);
		}
		return true;
	}

	private static synchronized Thread start() {
		if (watch == null) {
			Thread thread = new Thread(DeferredTaskWatch::run, "asyncipc-deferred-tasks");
			thread.setDaemon(true);
			// Not the context class loader of whichever sender came first.
			thread.setContextClassLoader(null);
			try {
				thread.start();
			}
			catch (Throwable ex) {
				logger.warn("Could not start the watch of deferred send completions; they wake their I/O thread "
						+ "instead: {}", ex.toString());
				return null;
			}
			watch = thread;
		}
		return watch;
	}

	private static void run() {
		List<Watched> watching = new ArrayList<>();
		while (true) {
			IoThread thread;
			while ((thread = added.poll()) != null) {
				watching.add(new Watched(thread));
			}
			if (watching.isEmpty()) {
				idle = true;
				// A thread added after this check sees idle set, and unparks.
				if (added.isEmpty()) {
					LockSupport.park(DeferredTaskWatch.class);
				}
				idle = false;
				continue;
			}
			LockSupport.parkNanos(DeferredTaskWatch.class, TICK_NANOS);
			try {
				watching.removeIf(Watched::tick);
			}
			catch (Throwable ex) {
				// Nothing here is expected to throw; the watch must outlive whatever does.
				logger.error("The watch of deferred send completions failed a tick; it goes on", ex);
			}
		}
	}

	/**
	 * A watched thread, and what the watch saw of it at the last tick.
	 */
	private static final class Watched {

		private final IoThread thread;

		private int runs;

		private int idleTicks;

		Watched(IoThread thread) {
			this.thread = thread;
			this.runs = thread.deferredRuns();
		}

		/**
		 * Wakes the thread if its deferred tasks waited since the last tick without it running
		 * any.
		 * @return whether to stop watching it
		 */
		boolean tick() {
			if (this.thread.isTerminated()) {
				return true;
			}
			int now = this.thread.deferredRuns();
			if (this.thread.hasDeferredTasks()) {
				this.idleTicks = 0;
				if (now == this.runs && !hurried()) {
					return true;
				}
			}
			else if (++this.idleTicks >= IDLE_TICKS) {
				this.thread.watched.set(false);
				// A task deferred meanwhile saw the thread watched and did not add it again.
				return !this.thread.hasDeferredTasks() || !this.thread.watched.compareAndSet(false, true);
			}
			this.runs = now;
			return false;
		}

		/**
		 * Wakes the thread. A thread that is dying may fail to wake; it runs what is left when
		 * it ends, and the watch goes on for the others.
		 * @return whether it could be woken
		 */
		private boolean hurried() {
			try {
				this.thread.hurry();
				return true;
			}
			catch (RuntimeException | InternalError ex) {
				logger.debug("Could not wake I/O thread {} for its deferred tasks; no longer watched",
						this.thread.name(), ex);
				// Watched again if it defers more (a thread that is dying defers nothing).
				this.thread.watched.set(false);
				return false;
			}
		}

	}

}
