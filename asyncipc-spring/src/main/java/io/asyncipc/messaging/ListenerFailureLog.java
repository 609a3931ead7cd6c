package io.asyncipc.messaging;

import java.time.Duration;
import java.util.function.LongSupplier;

import org.slf4j.Logger;

/**
 * Logs the per-message failures of one listener so that a peer sending a million bad messages
 * cannot write gigabytes of log: within each interval the first failure is logged in full, the
 * others are only counted, and one line sums them up once the interval is over ("12345 more
 * failures of listener 'x' on pipe 'y' in the last 10 s, last: ..."). That line is written
 * with the next failure or message after the interval, or by {@link #flush()} when the pipe
 * stops, so no count is left unreported.
 */
final class ListenerFailureLog {

	/** How long one stack trace stands for all the failures after it. */
	static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

	private final Logger logger;

	private final String listener;

	private final long intervalNanos;

	private final LongSupplier nanoClock;

	/** Whether a failure was logged in full and the interval it opened may hold a count. */
	private volatile boolean open;

	private long openedAt;

	private long suppressed;

	private String lastPipe;

	private String lastMessage;

	ListenerFailureLog(Logger logger, String listener) {
		this(logger, listener, DEFAULT_INTERVAL, System::nanoTime);
	}

	ListenerFailureLog(Logger logger, String listener, Duration interval, LongSupplier nanoClock) {
		this.logger = logger;
		this.listener = listener;
		this.intervalNanos = interval.toNanos();
		this.nanoClock = nanoClock;
	}

	/**
	 * Logs a failure at ERROR with its stack trace, or counts it if one was logged within the
	 * interval.
	 * @param pipeName the pipe it happened on
	 * @param message what failed, naming the listener and the connection
	 * @param failure the exception
	 */
	void error(String pipeName, String message, Throwable failure) {
		if (admit(pipeName, message + ": " + failure)) {
			this.logger.error(message, failure);
		}
	}

	/**
	 * Logs a problem at WARN without a stack trace, or counts it if a failure was logged
	 * within the interval.
	 * @param pipeName the pipe it happened on
	 * @param message what went wrong
	 */
	void warn(String pipeName, String message) {
		if (admit(pipeName, message)) {
			this.logger.warn(message);
		}
	}

	/**
	 * Writes the summary of an interval that is over, if it counted anything; cheap when
	 * there is nothing to write, so that it can run for every message.
	 */
	void flushIfDue() {
		if (this.open) {
			synchronized (this) {
				closeIntervalIfOver(this.nanoClock.getAsLong());
			}
		}
	}

	/**
	 * Writes the summary of the current interval at once, if it counted anything.
	 */
	synchronized void flush() {
		if (this.open) {
			closeInterval(this.nanoClock.getAsLong());
		}
	}

	private synchronized boolean admit(String pipeName, String description) {
		long now = this.nanoClock.getAsLong();
		closeIntervalIfOver(now);
		if (!this.open) {
			this.open = true;
			this.openedAt = now;
			return true;
		}
		this.suppressed++;
		this.lastPipe = pipeName;
		this.lastMessage = description;
		return false;
	}

	private void closeIntervalIfOver(long now) {
		if (this.open && now - this.openedAt >= this.intervalNanos) {
			closeInterval(now);
		}
	}

	private void closeInterval(long now) {
		if (this.suppressed > 0) {
			long seconds = Math.max(1, Math.round((now - this.openedAt) / 1e9));
			this.logger.warn("{} more {} of listener '{}' on pipe '{}' in the last {} s, last: {}", this.suppressed,
					(this.suppressed == 1) ? "failure" : "failures", this.listener, this.lastPipe, seconds,
					this.lastMessage);
		}
		this.open = false;
		this.suppressed = 0;
		this.lastPipe = null;
		this.lastMessage = null;
	}

}
