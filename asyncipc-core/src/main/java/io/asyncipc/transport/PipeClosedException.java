package io.asyncipc.transport;

/**
 * A send could not be delivered because its connection is closed, or there is no
 * connection to send on.
 */
public class PipeClosedException extends PipeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message which connection is gone, and why
	 */
	public PipeClosedException(String message) {
		super(message);
	}

	/**
	 * Creates an exception with a cause.
	 * @param message which connection is gone, and why
	 * @param cause the error that closed it
	 */
	public PipeClosedException(String message, Throwable cause) {
		super(message, cause);
	}

}
