package io.asyncipc.transport.support;

import java.time.Duration;

/**
 * An exponential backoff: the first wait is the minimum, each next one doubles, up to the
 * maximum. Not thread-safe; each client keeps its own.
 */
public final class Backoff {

	private final Duration min;

	private final Duration max;

	private Duration next;

	/**
	 * Creates a backoff.
	 * @param min the first wait
	 * @param max the longest wait
	 */
	public Backoff(Duration min, Duration max) {
		this.min = min;
		this.max = max;
		this.next = min;
	}

	/**
	 * Returns the wait before the next attempt, and doubles the one after it.
	 * @return how long to wait
	 */
	public Duration next() {
		Duration current = this.next;
		Duration doubled = current.multipliedBy(2);
		this.next = (doubled.compareTo(this.max) > 0) ? this.max : doubled;
		return current;
	}

	/**
	 * Starts again from the minimum, after a successful connection.
	 */
	public void reset() {
		this.next = this.min;
	}

}
