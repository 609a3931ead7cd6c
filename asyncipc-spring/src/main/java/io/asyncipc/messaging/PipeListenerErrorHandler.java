package io.asyncipc.messaging;

import org.springframework.messaging.Message;

/**
 * Handles an exception thrown by a {@link PipeListener} method, named by
 * {@link PipeListener#errorHandler()}.
 */
@FunctionalInterface
public interface PipeListenerErrorHandler {

	/**
	 * Handles the failure.
	 * @param message the message the listener failed on
	 * @param exception the failure, with the listener's exception as its cause
	 * @return a reply to send back on the connection, or {@code null} for none
	 * @throws Exception to have the failure logged
	 */
	Object handleError(Message<?> message, PipeListenerExecutionFailedException exception) throws Exception;

}
