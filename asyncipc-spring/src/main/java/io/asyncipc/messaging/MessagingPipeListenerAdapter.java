package io.asyncipc.messaging;

import io.asyncipc.transport.PipeConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.messaging.Message;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.handler.invocation.InvocableHandlerMethod;

/**
 * Invokes one {@link PipeListener} method through spring-messaging, with the connection as a
 * provided argument, and sends its return value back on that connection.
 */
public class MessagingPipeListenerAdapter {

	private static final Logger logger = LoggerFactory.getLogger(MessagingPipeListenerAdapter.class);

	private final String id;

	private final InvocableHandlerMethod handlerMethod;

	private final MessageConverter messageConverter;

	private final PipeListenerErrorHandler errorHandler;

	/**
	 * Creates an adapter.
	 * @param id the listener id, for logs
	 * @param handlerMethod the listener method, bound to its bean
	 * @param messageConverter converts return values to bytes
	 * @param errorHandler handles the method's exceptions, or {@code null} to log them
	 */
	public MessagingPipeListenerAdapter(String id, InvocableHandlerMethod handlerMethod,
			MessageConverter messageConverter, PipeListenerErrorHandler errorHandler) {
		this.id = id;
		this.handlerMethod = handlerMethod;
		this.messageConverter = messageConverter;
		this.errorHandler = errorHandler;
	}

	/**
	 * Returns the listener id.
	 * @return the id
	 */
	public String getId() {
		return this.id;
	}

	/**
	 * Invokes the listener with one message, and sends its reply, if any.
	 * @param message the received message
	 * @param connection the connection it came on
	 */
	public void onMessage(Message<byte[]> message, PipeConnection connection) {
		Object result;
		try {
			result = this.handlerMethod.invoke(message, connection);
		}
		catch (Exception ex) {
			result = handleFailure(message, connection, ex);
		}
		if (result != null) {
			reply(result, connection);
		}
	}

	private Object handleFailure(Message<byte[]> message, PipeConnection connection, Exception ex) {
		PipeListenerExecutionFailedException failure = new PipeListenerExecutionFailedException(message,
				connection.id(), "Listener '" + this.id + "' failed on connection " + connection.id() + " of pipe '"
						+ connection.pipeName() + "': " + ex.getMessage(),
				ex);
		if (this.errorHandler == null) {
			logger.error("Listener '{}' failed on connection {} of pipe '{}'; the connection stays open", this.id,
					connection.id(), connection.pipeName(), ex);
			return null;
		}
		try {
			return this.errorHandler.handleError(message, failure);
		}
		catch (Exception handlerFailure) {
			logger.error("Listener '{}' failed on connection {} of pipe '{}', and so did its error handler",
					this.id, connection.id(), connection.pipeName(), handlerFailure);
			return null;
		}
	}

	private void reply(Object result, PipeConnection connection) {
		byte[] bytes;
		try {
			bytes = PayloadBytes.of(result, this.messageConverter);
		}
		catch (RuntimeException ex) {
			logger.error("Listener '{}' returned a {} that cannot be sent on connection {}", this.id,
					result.getClass().getName(), connection.id(), ex);
			return;
		}
		connection.send(bytes).whenComplete((sent, error) -> {
			if (error != null) {
				logger.warn("Reply of listener '{}' on connection {} was not delivered: {}", this.id, connection.id(),
						error.getMessage());
			}
		});
	}

}
