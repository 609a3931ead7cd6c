package io.asyncipc.transport;

/**
 * A server could not take its name because another live server holds it.
 */
public class PipeAddressInUseException extends PipeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message the name, its address, and what to do about it
	 */
	public PipeAddressInUseException(String message) {
		super(message);
	}

}
