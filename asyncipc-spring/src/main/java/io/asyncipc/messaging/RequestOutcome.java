package io.asyncipc.messaging;

import java.util.Locale;
import java.util.concurrent.CompletionException;

import io.asyncipc.transport.PipeClosedException;

/**
 * How a request that waited for its reply ended, as {@link PipeMetricsRecorder} hears it.
 */
public enum RequestOutcome {

	/**
	 * The reply came.
	 */
	SUCCESS,

	/**
	 * No reply came in time ({@link PipeReplyTimeoutException}).
	 */
	TIMEOUT,

	/**
	 * The peer's listener failed and said so ({@link PipeRemoteException}).
	 */
	REMOTE_ERROR,

	/**
	 * The connection closed or the pipe stopped before the reply came, or the request could
	 * not be sent on it ({@link PipeClosedException}).
	 */
	CLOSED,

	/**
	 * Anything else, such as a request that could not be sent.
	 */
	OTHER;

	private final String label = name().toLowerCase(Locale.ROOT).replace('_', '-');

	/**
	 * Returns the outcome in lower case with dashes, such as {@code remote-error}, as meters tag
	 * it.
	 * @return the label
	 */
	public String label() {
		return this.label;
	}

	/**
	 * Returns the outcome of a request that completed with a reply or a failure.
	 * @param failure what its future failed with, or {@code null} if the reply came
	 * @return the outcome
	 */
	public static RequestOutcome of(Throwable failure) {
		Throwable cause = failure;
		while (cause instanceof CompletionException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		if (cause == null) {
			return SUCCESS;
		}
		if (cause instanceof PipeReplyTimeoutException) {
			return TIMEOUT;
		}
		if (cause instanceof PipeRemoteException) {
			return REMOTE_ERROR;
		}
		if (cause instanceof PipeClosedException) {
			return CLOSED;
		}
		return OTHER;
	}

}
