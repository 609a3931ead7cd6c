package io.asyncipc.messaging;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import io.asyncipc.messaging.envelope.Envelope;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.support.PipeFuture;
import io.micrometer.observation.Observation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.messaging.Message;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.handler.invocation.InvocableHandlerMethod;

/**
 * Invokes a {@link PipeListener} through spring-messaging, with the connection as a provided
 * argument, and sends its return value back on that connection: as the reply to a request, or
 * as an ordinary message. Its {@link PayloadTypeRouter}
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

	private volatile boolean returnExceptions;

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
	 * Sets whether an exception of the listener, on a request, goes back to the requester as a
	 * {@link PipeRemoteException} instead of being logged: {@link PipeListener#returnExceptions()}.
	 * @param returnExceptions {@code true} to send exceptions back
	 */
	public void setReturnExceptions(boolean returnExceptions) {
		this.returnExceptions = returnExceptions;
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
	 * any: the return value, or what a returned {@link CompletionStage} completes with. The
	 * reply to a request (a message with a {@link PipeHeaders#CORRELATION_ID}) carries the
	 * envelope's reply flag and the request's correlation id; the reply to any other message is
	 * an ordinary message. Failures that no error handler takes care of, and that do not go back
	 * to a requester, are logged at most once per ten seconds with their stack trace; the others
	 * in that time are counted and summed up in one line.
	 * @param message the received message
	 * @param connection the connection it came on
	 * @return whether the listener accepted the message; a failure of an accepting listener
	 * counts as accepted
	 */
	public boolean onMessage(Message<byte[]> message, PipeConnection connection) {
		return onMessage(message, connection, null, PipeMetricsRecorder.NONE);
	}

	/**
	 * Invokes the listener as {@link #onMessage(Message, PipeConnection)} does, inside an
	 * observation of the pipe's {@link ListenerObservations} if it has them: the reply goes out
	 * in its scope, and it stops once the listener returned, or the stage it returned completed.
	 * The recorder hears how long the invocation took, until the same point.
	 */
	boolean onMessage(Message<byte[]> message, PipeConnection connection, ListenerObservations observations,
			PipeMetricsRecorder recorder) {
		this.failureLog.flushIfDue();
		InvocableHandlerMethod handlerMethod = this.router.select(message);
		if (handlerMethod == null) {
			return false;
		}
		if (observations == null) {
			invoke(handlerMethod, message, connection, null, recorder);
			return true;
		}
		Observation observation = observations.start(this.id, message);
		try (Observation.Scope scope = observation.openScope()) {
			invoke(handlerMethod, message, connection, observation, recorder);
		}
		return true;
	}

	private void invoke(InvocableHandlerMethod handlerMethod, Message<byte[]> message, PipeConnection connection,
			Observation observation, PipeMetricsRecorder recorder) {
		Object correlation = message.getHeaders().get(PipeHeaders.CORRELATION_ID);
		String correlationId = (correlation != null) ? correlation.toString() : null;
		Object result;
		// Without a recorder, nothing reads the clock.
		long started = (recorder != PipeMetricsRecorder.NONE) ? System.nanoTime() : 0;
		try {
			result = handlerMethod.invoke(message, connection);
		}
		catch (Exception ex) {
			record(recorder, started, ex);
			if (observation != null) {
				observation.error(ex);
			}
			handleFailure(message, connection, correlationId, ex);
			stop(observation);
			return;
		}
		if (result instanceof CompletionStage<?> stage) {
			stage.whenComplete((value, error) -> {
				record(recorder, started, (error != null) ? unwrap(error) : null);
				try (Observation.Scope scope = (observation != null) ? observation.openScope() : null) {
					if (error != null) {
						Throwable failure = unwrap(error);
						if (observation != null) {
							observation.error(failure);
						}
						handleFailure(message, connection, correlationId, failure);
					}
					else if (value != null) {
						reply(value, connection, correlationId);
					}
				}
				stop(observation);
			});
			return;
		}
		record(recorder, started, null);
		if (result != null) {
			reply(result, connection, correlationId);
		}
		stop(observation);
	}

	private void record(PipeMetricsRecorder recorder, long started, Throwable failure) {
		if (recorder != PipeMetricsRecorder.NONE) {
			recorder.listenerInvoked(this.id, System.nanoTime() - started, failure);
		}
	}

	private static void stop(Observation observation) {
		if (observation != null) {
			observation.stop();
		}
	}

	/**
	 * Writes the count of the failures not logged yet, if any: when the pipe stops.
	 */
	public void flushFailureLog() {
		this.failureLog.flush();
	}

	private void handleFailure(Message<byte[]> message, PipeConnection connection, String correlationId,
			Throwable ex) {
		String failed = "Listener '" + this.id + "' failed on connection " + connection.id() + " of pipe '"
				+ connection.pipeName() + "'";
		Throwable failure = ex;
		if (this.errorHandler != null) {
			try {
				Object result = this.errorHandler.handleError(message, new PipeListenerExecutionFailedException(message,
						connection.id(), failed + ": " + ex.getMessage(), ex));
				if (result != null) {
					reply(result, connection, correlationId);
				}
				return;
			}
			catch (PipeListenerExecutionFailedException rethrown) {
				failure = (rethrown.getCause() != null) ? rethrown.getCause() : rethrown;
				failed += ", and its error handler rethrew it";
			}
			catch (Exception handlerFailure) {
				failure = handlerFailure;
				failed += ", and so did its error handler";
			}
		}
		if (this.returnExceptions && correlationId != null) {
			logger.debug("{}; the exception goes back to the requester: {}", failed, failure.toString());
			send(connection, ListenerReplies.error(correlationId, failure), correlationId);
			return;
		}
		this.failureLog.error(connection.pipeName(), failed + "; the connection stays open", failure);
	}

	private void reply(Object result, PipeConnection connection, String correlationId) {
		Envelope reply;
		try {
			reply = ListenerReplies.reply(result, this.messageConverter, correlationId);
		}
		catch (RuntimeException ex) {
			String failed = "Listener '" + this.id + "' returned a " + result.getClass().getName()
					+ " that cannot be sent on connection " + connection.id();
			if (this.returnExceptions && correlationId != null) {
				logger.debug("{}; the exception goes back to the requester: {}", failed, ex.toString());
				send(connection, ListenerReplies.error(correlationId, ex), correlationId);
				return;
			}
			this.failureLog.error(connection.pipeName(), failed, ex);
			return;
		}
		send(connection, reply, correlationId);
	}

	private void send(PipeConnection connection, Envelope reply, String correlationId) {
		// Only a failure is logged, and failures are never deferred: the send is not hurried.
		PipeFuture.whenSettled(ListenerReplies.send(connection, reply), (sent, error) -> {
			if (error != null) {
				this.failureLog.warn(connection.pipeName(), "Reply of listener '" + this.id + "' on connection "
						+ connection.id() + ((correlationId != null) ? " to request " + correlationId : "")
						+ " was not delivered: " + error.getMessage());
			}
		});
	}

	private static Throwable unwrap(Throwable error) {
		return (error instanceof CompletionException && error.getCause() != null) ? error.getCause() : error;
	}

}
