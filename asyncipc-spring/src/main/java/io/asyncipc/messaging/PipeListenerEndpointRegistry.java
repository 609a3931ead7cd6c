package io.asyncipc.messaging;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.asyncipc.transport.PipeConnection;

import org.springframework.messaging.Message;

/**
 * Holds the {@link PipeListener} methods of the application, each bound to a pipe id or to
 * every pipe, and hands each message a pipe received to the listeners bound to it that accept
 * its type (see {@link PayloadTypeRouter}). A message that none accepts is logged once per pipe
 * and type at WARN.
 */
public class PipeListenerEndpointRegistry {

	private final List<Binding> bindings = new CopyOnWriteArrayList<>();

	private final UnmatchedMessageLog unmatched = new UnmatchedMessageLog();

	/**
	 * Adds a listener that receives the messages of every pipe.
	 * @param listener the listener
	 */
	public void register(MessagingPipeListenerAdapter listener) {
		register(null, listener);
	}

	/**
	 * Adds a listener that receives the messages of one pipe.
	 * @param pipeId the pipe's id, or {@code null} for every pipe
	 * @param listener the listener
	 */
	public void register(String pipeId, MessagingPipeListenerAdapter listener) {
		this.bindings.add(new Binding(pipeId, listener));
	}

	/**
	 * Returns the registered listeners.
	 * @return the listeners of every pipe, in registration order
	 */
	public List<MessagingPipeListenerAdapter> getListeners() {
		return this.bindings.stream().map(Binding::listener).toList();
	}

	/**
	 * Returns the listeners that receive the messages of a pipe.
	 * @param pipeId the pipe's id
	 * @return its listeners, in registration order
	 */
	public List<MessagingPipeListenerAdapter> getListeners(String pipeId) {
		return this.bindings.stream().filter((binding) -> binding.receives(pipeId)).map(Binding::listener).toList();
	}

	/**
	 * Returns whether any listener is registered.
	 * @return {@code true} if a message of some pipe would reach a listener
	 */
	public boolean hasListeners() {
		return !this.bindings.isEmpty();
	}

	/**
	 * Returns whether a listener receives the messages of a pipe.
	 * @param pipeId the pipe's id
	 * @return {@code true} if a message of that pipe would reach a listener
	 */
	public boolean hasListeners(String pipeId) {
		// Asked for every message received: no stream.
		for (Binding binding : this.bindings) {
			if (binding.receives(pipeId)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Hands a message to every listener that accepts it, in registration order.
	 * @param message the message
	 * @param connection the connection it came on
	 */
	public void dispatch(Message<byte[]> message, PipeConnection connection) {
		boolean accepted = false;
		for (Binding binding : this.bindings) {
			accepted |= binding.listener().onMessage(message, connection);
		}
		if (!accepted) {
			this.unmatched.unmatched(message);
		}
	}

	/**
	 * Hands a message of a pipe to that pipe's listeners that accept it, in registration order.
	 * @param pipeId the id of the pipe it came on
	 * @param message the message
	 * @param connection the connection it came on
	 */
	public void dispatch(String pipeId, Message<byte[]> message, PipeConnection connection) {
		dispatch(pipeId, message, connection, null, PipeMetricsRecorder.NONE);
	}

	/**
	 * Hands a message of a pipe to its listeners as {@link #dispatch(String, Message, PipeConnection)}
	 * does, each invocation observed by the pipe's observations if it has them, and timed by its
	 * recorder.
	 */
	void dispatch(String pipeId, Message<byte[]> message, PipeConnection connection,
			ListenerObservations observations, PipeMetricsRecorder recorder) {
		boolean accepted = false;
		for (Binding binding : this.bindings) {
			if (binding.receives(pipeId)) {
				accepted |= binding.listener().onMessage(message, connection, observations, recorder);
			}
		}
		if (!accepted) {
			this.unmatched.unmatched(message);
		}
	}

	/**
	 * Writes the count of each listener's failures that were not logged yet: when the pipe
	 * stops, so that a flood of failures shortly before is still reported.
	 */
	public void flushFailureLogs() {
		for (Binding binding : this.bindings) {
			binding.listener().flushFailureLog();
		}
	}

	private record Binding(String pipeId, MessagingPipeListenerAdapter listener) {

		boolean receives(String id) {
			return this.pipeId == null || this.pipeId.equals(id);
		}

	}

}
