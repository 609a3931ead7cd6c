package io.asyncipc.messaging;

import io.asyncipc.transport.PipeException;

/**
 * A send to {@link PipeTemplate#PEER} on a server failed on some of its clients. It may still
 * have been delivered to the others: {@link #getResult()} tells which, so that a retry can go
 * to the failed connections alone. {@link PipeTemplate#broadcastAsync} reports the same result
 * without failing.
 */
public class BroadcastFailedException extends PipeException {

	private static final long serialVersionUID = 1L;

	private final transient BroadcastResult result;

	/**
	 * Creates an exception.
	 * @param result the outcome on each connection
	 */
	public BroadcastFailedException(BroadcastResult result) {
		super("message " + result + "; resend only to the failed connections (getResult().failed()), or the others "
				+ "get it twice", result.failed().isEmpty() ? null : result.failed().get(0).cause());
		this.result = result;
	}

	/**
	 * Returns the outcome on each connection.
	 * @return the result
	 */
	public BroadcastResult getResult() {
		return this.result;
	}

}
