package io.asyncipc.messaging;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.asyncipc.transport.PipeConnection;

import org.springframework.messaging.Message;

/**
 * Holds the {@link PipeListener} methods of the application, and hands each received message
 * to every one of them.
 */
public class PipeListenerEndpointRegistry {

	private final List<MessagingPipeListenerAdapter> listeners = new CopyOnWriteArrayList<>();

	/**
	 * Adds a listener.
	 * @param listener the listener
	 */
	public void register(MessagingPipeListenerAdapter listener) {
		this.listeners.add(listener);
	}

	/**
	 * Returns the registered listeners.
	 * @return the listeners, in registration order
	 */
	public List<MessagingPipeListenerAdapter> getListeners() {
		return List.copyOf(this.listeners);
	}

	/**
	 * Returns whether any listener is registered.
	 * @return {@code true} if a message would reach a listener
	 */
	public boolean hasListeners() {
		return !this.listeners.isEmpty();
	}

	/**
	 * Hands a message to every listener, in registration order.
	 * @param message the message
	 * @param connection the connection it came on
	 */
	public void dispatch(Message<byte[]> message, PipeConnection connection) {
		for (MessagingPipeListenerAdapter listener : this.listeners) {
			listener.onMessage(message, connection);
		}
	}

	/**
	 * Writes the count of each listener's failures that were not logged yet: when the pipe
	 * stops, so that a flood of failures shortly before is still reported.
	 */
	public void flushFailureLogs() {
		for (MessagingPipeListenerAdapter listener : this.listeners) {
			listener.flushFailureLog();
		}
	}

}
