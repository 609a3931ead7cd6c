package io.asyncipc.transport.support;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.asyncipc.transport.PipeConnection;

/**
 * Reaches the I/O thread behind a connection, to hold it or to make it fail: the faults that no
 * real peer can cause on demand.
 */
public final class FaultInjection {

	private FaultInjection() {
	}

	/**
	 * Runs a task on the I/O thread that serves a connection.
	 * @param connection the connection
	 * @param task the task; it may throw, to test what a failing task does
	 */
	public static void runOnIoThread(PipeConnection connection, Runnable task) {
		((AbstractPipeConnection) connection).ioThread().execute(task);
	}

	/**
	 * Runs a task on the I/O thread that serves a connection, as a timer due at once.
	 * @param connection the connection
	 * @param task the task; it may throw, to test what a failing timer does
	 */
	public static void runAsTimer(PipeConnection connection, Runnable task) {
		IoThread thread = ((AbstractPipeConnection) connection).ioThread();
		thread.execute(() -> thread.schedule(task, Duration.ZERO));
	}

	/**
	 * Kills the I/O thread that serves a connection with an {@link Error}, the way an
	 * {@code OutOfMemoryError} would.
	 * @param connection the connection
	 */
	public static void killIoThread(PipeConnection connection) {
		runOnIoThread(connection, () -> {
			throw new InjectedError();
		});
	}

	/**
	 * Holds the I/O thread that serves a connection until the returned latch is counted down.
	 * @param connection the connection
	 * @return the latch that releases the thread
	 * @throws InterruptedException if interrupted while waiting for the thread to be held
	 */
	public static CountDownLatch holdIoThread(PipeConnection connection) throws InterruptedException {
		CountDownLatch held = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		runOnIoThread(connection, () -> {
			held.countDown();
			try {
				release.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		if (!held.await(10, TimeUnit.SECONDS)) {
			throw new IllegalStateException("the I/O thread was not held within 10 s");
		}
		return release;
	}

	/**
	 * Whether the calling thread is an I/O thread.
	 * @return {@code true} on an I/O thread
	 */
	public static boolean onIoThread() {
		return IoThread.isIoThread();
	}

	/**
	 * An exception thrown on purpose; it has no stack trace, so that the log of a green build
	 * shows one line for it.
	 */
	public static final class InjectedException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		/**
		 * Creates the exception.
		 * @param message what was injected
		 */
		public InjectedException(String message) {
			super(message, null, false, false);
		}

	}

	/**
	 * The error that fault injection kills I/O threads with.
	 */
	public static final class InjectedError extends Error {

		private static final long serialVersionUID = 1L;

		InjectedError() {
			super("injected to kill the I/O thread", null, false, false);
		}

	}

}
