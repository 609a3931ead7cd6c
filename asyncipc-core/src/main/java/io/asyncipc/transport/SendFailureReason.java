package io.asyncipc.transport;

import java.util.Locale;

/**
 * Why a send failed, as {@link PipeStatistics} counts it: a small fixed set, so that a meter
 * tagged with it stays small.
 */
public enum SendFailureReason {

	/**
	 * The connection was closed before the OS took the message, or when it was sent.
	 */
	CLOSED,

	/**
	 * The connection's outbound queue was full ({@link OutboundQueueFullException}).
	 */
	QUEUE_FULL,

	/**
	 * The message was larger than the maximum ({@link MessageTooLargeException}).
	 */
	TOO_LARGE,

	/**
	 * The pipe was never started, so there was nothing to send on.
	 */
	NOT_STARTED,

	/**
	 * Anything else, such as a message that could not be converted or encoded.
	 */
	OTHER;

	private final String label = name().toLowerCase(Locale.ROOT).replace('_', '-');

	/**
	 * Returns the reason in lower case with dashes, such as {@code queue-full}, as meters tag it.
	 * @return the label
	 */
	public String label() {
		return this.label;
	}

}
