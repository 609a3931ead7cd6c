package io.asyncipc.transport;

/**
 * A call that would wait was made on an I/O thread, where waiting would stall every
 * connection of that thread, and maybe wait for itself for good. It fails at once instead, and
 * nothing was done: a send that throws this was not queued.
 * <p>
 * Listeners run on an I/O thread with {@code asyncipc.listener.dispatch=inline}, and so do
 * the callbacks of a send's future. From there, send with the asynchronous methods and chain
 * on their futures, or dispatch listeners to an executor.
 */
public class BlockingOperationException extends PipeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message the call that would have blocked, and what to do instead
	 */
	public BlockingOperationException(String message) {
		super(message);
	}

}
