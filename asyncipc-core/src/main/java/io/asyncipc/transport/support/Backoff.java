package io.asyncipc.transport.support;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * An exponential backoff: the first wait is the minimum, each next one doubles, up to the
 * maximum. With jitter, each wait is drawn at random between 80 % and 100 % of that, so that
 * clients that lost the same server at the same moment do not all come back in the same
 * millisecond. Not thread-safe; each client keeps its own.
 */
public final class Backoff {

	private final Duration min;

	private final Duration max;

	/** The share of a wait that jitter may take off. */
	static final double JITTER = 0.2;

	private final DoubleSupplier random;

	private Duration next;

	/**
	 * Creates a backoff without jitter.
	 * @param min the first wait
	 * @param max the longest wait
	 */
	public Backoff(Duration min, Duration max) {
		this(min, max, null);
	}

	Backoff(Duration min, Duration max, DoubleSupplier random) {
		this.min = min;
		this.max = max;
		this.next = min;
		this.random = random;
	}

	/**
	 * Creates a backoff whose waits are shortened by up to a fifth, at random.
	 * @param min the first wait, before jitter
	 * @param max the longest wait
	 * @return the backoff
	 */
	public static Backoff withJitter(Duration min, Duration max) {
		return new Backoff(min, max, () -> ThreadLocalRandom.current().nextDouble());
	}

	/**
	 * Returns the wait before the next attempt, less its jitter, and doubles the one after it.
	 * @return how long to wait
	 */
	public Duration next() {
		Duration current = this.next;
		Duration doubled = current.multipliedBy(2);
		this.next = (doubled.compareTo(this.max) > 0) ? this.max : doubled;
		if (this.random == null) {
			return current;
		}
		long nanos = current.toNanos();
		return Duration.ofNanos(nanos - (long) (nanos * JITTER * this.random.getAsDouble()));
	}

	/**
	 * Starts again from the minimum, after a successful connection.
	 */
	public void reset() {
		this.next = this.min;
	}

}
