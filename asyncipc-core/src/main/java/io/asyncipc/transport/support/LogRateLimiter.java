package io.asyncipc.transport.support;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Lets a few log lines of one kind through per interval and counts the rest, so that a peer
 * which fails a thousand times a second cannot fill the disk with the log. The first line let
 * through after others were left out says how many: nothing is hidden without a trace.
 * <p>
 * Thread-safe; the check is a short lock, taken only where a line would be logged.
 */
public final class LogRateLimiter {

	private final int linesPerInterval;

	private final long intervalNanos;

	private final LongSupplier nanoClock;

	private long intervalStart;

	private int lines;

	private long leftOut;

	/**
	 * Creates a limiter.
	 * @param linesPerInterval lines let through in each interval
	 * @param interval the interval
	 */
	public LogRateLimiter(int linesPerInterval, Duration interval) {
		this(linesPerInterval, interval, System::nanoTime);
	}

	LogRateLimiter(int linesPerInterval, Duration interval, LongSupplier nanoClock) {
		this.linesPerInterval = linesPerInterval;
		this.intervalNanos = interval.toNanos();
		this.nanoClock = nanoClock;
		this.intervalStart = nanoClock.getAsLong();
	}

	/**
	 * Decides whether to log a line now.
	 * @return {@code -1} to leave the line out; otherwise how many lines were left out since
	 * the last one let through
	 */
	public synchronized long tryAcquire() {
		long now = this.nanoClock.getAsLong();
		if (now - this.intervalStart >= this.intervalNanos) {
			this.intervalStart = now;
			this.lines = 0;
		}
		if (this.lines >= this.linesPerInterval) {
			this.leftOut++;
			return -1;
		}
		this.lines++;
		long before = this.leftOut;
		this.leftOut = 0;
		return before;
	}

	/**
	 * Describes lines left out, to append to the line that is let through.
	 * @param leftOut what {@link #tryAcquire()} returned
	 * @return an empty string, or a note such as " (and 12 more like it, left out of the log)"
	 */
	public static String note(long leftOut) {
		return (leftOut > 0) ? " (and " + leftOut + " more like it, left out of the log)" : "";
	}

}
