package io.asyncipc.messaging;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessagingException;

/**
 * A {@link PipeListener} method threw an exception.
 */
public class PipeListenerExecutionFailedException extends MessagingException {

	private static final long serialVersionUID = 1L;

	private final String connectionId;

	/**
	 * Creates an exception.
	 * @param message the message the listener failed on
	 * @param connectionId the connection it came on
	 * @param description which listener failed
	 * @param cause the listener's exception
	 */
	public PipeListenerExecutionFailedException(Message<?> message, String connectionId, String description,
			Throwable cause) {
		super(message, description, cause);
		this.connectionId = connectionId;
	}

	/**
	 * Returns the connection the failed message came on.
	 * @return the connection id
	 */
	public String getConnectionId() {
		return this.connectionId;
	}

}
