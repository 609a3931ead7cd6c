package io.asyncipc.transport;

/**
 * A message, outgoing or incoming, is larger than the configured maximum.
 */
public class MessageTooLargeException extends PipeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message the size, the limit and the setting that raises it
	 */
	public MessageTooLargeException(String message) {
		super(message);
	}

}
