package io.asyncipc.transport;

/**
 * The base of every exception that AsyncIPC throws or fails a future with.
 */
public class PipeException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message what went wrong and what to do about it
	 */
	public PipeException(String message) {
		super(message);
	}

	/**
	 * Creates an exception with a cause.
	 * @param message what went wrong and what to do about it
	 * @param cause the underlying error
	 */
	public PipeException(String message, Throwable cause) {
		super(message, cause);
	}

}
