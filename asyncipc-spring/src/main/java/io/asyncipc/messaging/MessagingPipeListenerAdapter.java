package io.asyncipc.messaging;

import io.asyncipc.transport.PipeConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.messaging.Message;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.handler.invocation.InvocableHandlerMethod;

/**
 * Invokes a {@link PipeListener} through spring-messaging, with the connection as a provided
 * argument, and sends its return value back on that connection. Its {@link PayloadTypeRouter}
 * picks the method, of a class-level listener's {@link PipeHandler} methods, that receives a
 * message, or tells that the listener does not accept it.
 */
public class MessagingPipeListenerAdapter {

	private static final Logger logger = LoggerFactory.getLogger(MessagingPipeListenerAdapter.class);

	private final String id;

	private final PayloadTypeRouter router;

	private final MessageConverter messageConverter;

	private final PipeListenerErrorHandler errorHandler;

	private final ListenerFailureLog failureLog;

	/**
	 * Creates the adapter of a method-level listener, which receives the messages whose type
	 * its method accepts.
	 * @param id the listener id, for logs
	 * @param handlerMethod the listener method, bound to its bean
	 * @param messageConverter converts return values to bytes
	 * @param errorHandler handles the method's exceptions, or {@code null} to log them
	 */
	public MessagingPipeListenerAdapter(String id, InvocableHandlerMethod handlerMethod,
			MessageConverter messageConverter, PipeListenerErrorHandler errorHandler) {
		this(id, PayloadTypeRouter.forMethod(handlerMethod, messageConverter), messageConverter, errorHandler);
	}

	/**
	 * Creates an adapter whose router picks the method for each message.
	 * @param id the listener id, for logs
	 * @param router picks the method that receives a message
	 * @param messageConverter converts return values to bytes
	 * @param errorHandler handles the methods' exceptions, or {@code null} to log them
	 */
	public MessagingPipeListenerAdapter(String id, PayloadTypeRouter router, MessageConverter messageConverter,
			PipeListenerErrorHandler errorHandler) {
		this(id, router, messageConverter, errorHandler, new ListenerFailureLog(logger, id));
	}

	MessagingPipeListenerAdapter(String id, InvocableHandlerMethod handlerMethod, MessageConverter messageConverter,
			PipeListenerErrorHandler errorHandler, ListenerFailureLog failureLog) {
		this(id, PayloadTypeRouter.forMethod(handlerMethod, messageConverter), messageConverter, errorHandler,
				failureLog);
	}

	private MessagingPipeListenerAdapter(String id, PayloadTypeRouter router, MessageConverter messageConverter,
			PipeListenerErrorHandler errorHandler, ListenerFailureLog failureLog) {
		this.id = id;
		this.router = router;
		this.messageConverter = messageConverter;
		this.errorHandler = errorHandler;
		this.failureLog = failureLog;
	}

	/**
	 * Returns the listener id.
	 * @return the id
	 */
	public String getId() {
		return this.id;
	}

	/**
	 * Invokes the listener with one message if it accepts its type, and sends its reply, if
	 * any. Failures that no
	 * error handler takes care of are logged at most once per ten seconds with their stack
	 * trace; the others in that time are counted and summed up in one line.
	 * @param message the received message
	 * @param connection the connection it came on
	 * @return whether the listener accepted the message; a failure of an accepting listener
	 * counts as accepted
	 */
	public boolean onMessage(Message<byte[]> message, PipeConnection connection) {
		this.failureLog.flushIfDue();
		InvocableHandlerMethod handlerMethod = this.router.select(message);
		if (handlerMethod == null) {
			return false;
		}
		Object result;
		try {
			result = handlerMethod.invoke(message, connection);
		}
		catch (Exception ex) {
			result = handleFailure(message, connection, ex);
		}
		if (result != null) {
			reply(result, connection);
		}
		return true;
	}

	/**
	 * Writes the count of the failures not logged yet, if any: when the pipe stops.
	 */
	public void flushFailureLog() {
		this.failureLog.flush();
	}

	private Object handleFailure(Message<byte[]> message, PipeConnection connection, Exception ex) {
		String failed = "Listener '" + this.id + "' failed on connection " + connection.id() + " of pipe '"
				+ connection.pipeName() + "'";
		if (this.errorHandler == null) {
			this.failureLog.error(connection.pipeName(), failed + "; the connection stays open", ex);
			return null;
		}
		PipeListenerExecutionFailedException failure = new PipeListenerExecutionFailedException(message,
				connection.id(), failed + ": " + ex.getMessage(), ex);
		try {
			return this.errorHandler.handleError(message, failure);
		}
		catch (Exception handlerFailure) {
			this.failureLog.error(connection.pipeName(), failed + ", and so did its error handler", handlerFailure);
			return null;
		}
	}

	private void reply(Object result, PipeConnection connection) {
		byte[] bytes;
		try {
			bytes = PayloadBytes.of(result, this.messageConverter);
		}
		catch (RuntimeException ex) {
			this.failureLog.error(connection.pipeName(), "Listener '" + this.id + "' returned a "
					+ result.getClass().getName() + " that cannot be sent on connection " + connection.id(), ex);
			return;
		}
		connection.send(bytes).whenComplete((sent, error) -> {
			if (error != null) {
				this.failureLog.warn(connection.pipeName(), "Reply of listener '" + this.id + "' on connection "
						+ connection.id() + " was not delivered: " + error.getMessage());
			}
		});
	}

}
