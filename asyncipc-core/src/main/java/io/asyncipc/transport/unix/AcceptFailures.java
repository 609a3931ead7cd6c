package io.asyncipc.transport.unix;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import io.asyncipc.transport.support.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a server paces and reports failed {@code accept} calls. A failed accept leaves the client
 * in the backlog, so the listener stays ready and retrying at once would spin; instead the
 * server waits, 10 ms at first and doubling up to a second.
 * <p>
 * One episode of failures is logged once at WARN, with what to do about it, then at DEBUG
 * until an accept works again, which is logged at INFO with the number of failed attempts.
 * Not thread-safe: it lives on the accepting I/O thread.
 */
final class AcceptFailures {

	private static final Logger logger = LoggerFactory.getLogger(AcceptFailures.class);

	static final Duration MIN_BACKOFF = Duration.ofMillis(10);

	static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

	private final String name;

	private final Path path;

	private final Backoff backoff = new Backoff(MIN_BACKOFF, MAX_BACKOFF);

	private int failures;

	AcceptFailures(String name, Path path) {
		this.name = name;
		this.path = path;
	}

	/**
	 * Records a failed accept.
	 * @param ex why it failed
	 * @return how long to wait before accepting again
	 */
	Duration failed(IOException ex) {
		Duration delay = this.backoff.next();
		this.failures++;
		if (this.failures == 1) {
			logger.warn("Pipe '{}' cannot accept clients on {}: {}{}. Accepting pauses and is retried after {} ms, "
					+ "backing off to every {} ms; clients wait in the backlog meanwhile", this.name, this.path,
					ex.getMessage(), advice(ex), MIN_BACKOFF.toMillis(), MAX_BACKOFF.toMillis());
		}
		else {
			logger.debug("Pipe '{}' still cannot accept clients ({} failed attempts): {}; retrying in {} ms", this.name,
					this.failures, ex.getMessage(), delay.toMillis());
		}
		return delay;
	}

	/**
	 * Records an accept that worked, ending an episode of failures if there was one.
	 */
	void succeeded() {
		if (this.failures == 0) {
			return;
		}
		logger.info("Pipe '{}' accepts clients again, after {} failed attempts", this.name, this.failures);
		this.failures = 0;
		this.backoff.reset();
	}

	private static String advice(IOException ex) {
		String message = String.valueOf(ex.getMessage());
		if (message.contains("Too many open files in system")) {
			return "; the system is out of file descriptors: raise its limit (sysctl fs.file-max) or close files";
		}
		if (message.contains("Too many open files")) {
			return "; this process is out of file descriptors: raise the descriptor limit (ulimit -n, or LimitNOFILE "
					+ "for a systemd service) or close connections";
		}
		return "";
	}

}
