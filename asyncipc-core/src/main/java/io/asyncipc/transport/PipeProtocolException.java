package io.asyncipc.transport;

/**
 * The peer broke the wire format, for example with a negative or oversized frame length.
 * The connection it came on is closed.
 */
public class PipeProtocolException extends PipeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message what the peer sent and what the limit is
	 */
	public PipeProtocolException(String message) {
		super(message);
	}

}
