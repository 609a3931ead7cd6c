package io.asyncipc.messaging;

import java.time.Duration;

import io.asyncipc.transport.PipeException;

/**
 * No reply came to a request of {@link PipeTemplate#convertSendAndReceive} within its timeout
 * ({@code asyncipc.pipes.<id>.reply-timeout}, 5 seconds by default). A request-reply call
 * throws it, or fails its future with it; it never returns {@code null}. A reply that arrives
 * later is dropped.
 */
public class PipeReplyTimeoutException extends PipeException {

	private static final long serialVersionUID = 1L;

	private final String correlationId;

	private final String connectionId;

	private final Duration timeout;

	/**
	 * Creates an exception.
	 * @param pipeName the pipe the request went out on
	 * @param connectionId the connection it went out on
	 * @param correlationId the request's correlation id
	 * @param timeout how long the reply was awaited
	 */
	public PipeReplyTimeoutException(String pipeName, String connectionId, String correlationId, Duration timeout) {
		super("no reply to request " + correlationId + " on connection " + connectionId + " of pipe '" + pipeName
				+ "' within " + timeout + "; a later reply is dropped");
		this.correlationId = correlationId;
		this.connectionId = connectionId;
		this.timeout = timeout;
	}

	/**
	 * Returns the request's correlation id.
	 * @return the id that the reply would have carried
	 */
	public String getCorrelationId() {
		return this.correlationId;
	}

	/**
	 * Returns the connection the request went out on.
	 * @return the connection id
	 */
	public String getConnectionId() {
		return this.connectionId;
	}

	/**
	 * Returns how long the reply was awaited.
	 * @return the timeout
	 */
	public Duration getTimeout() {
		return this.timeout;
	}

}
