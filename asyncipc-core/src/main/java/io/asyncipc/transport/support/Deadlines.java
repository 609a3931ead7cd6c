package io.asyncipc.transport.support;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for futures until a deadline shared by several steps, as the phases of a stop are.
 */
final class Deadlines {

	private Deadlines() {
	}

	/**
	 * Waits for a future until a deadline.
	 * @param future the future
	 * @param deadline the {@link System#nanoTime()} to give up at
	 * @return whether the future completed, normally or not, in time
	 */
	static boolean await(CompletableFuture<?> future, long deadline) {
		try {
			future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			return true;
		}
		catch (ExecutionException ex) {
			return true;
		}
		catch (TimeoutException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
