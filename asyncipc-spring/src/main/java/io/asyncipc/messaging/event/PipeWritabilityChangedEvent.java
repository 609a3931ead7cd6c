package io.asyncipc.messaging.event;

import io.asyncipc.transport.PipeConnection;

/**
 * A connection's outbound queue crossed a watermark: it rose above half of
 * {@code asyncipc.max-queued-bytes} (not writable), or fell back below a quarter of it
 * (writable again). A producer that sends faster than the peer reads can pause on
 * {@code false} and resume on {@code true}, instead of running into
 * {@link io.asyncipc.transport.OutboundQueueFullException}. Sends still succeed while the
 * connection is not writable, until the queue is full.
 * <p>
 * Published like a message, in order with the connection's messages: on the I/O thread with
 * {@code asyncipc.listener.dispatch=inline}, where a listener of this event must not block,
 * else on the listener executor.
 *
 * @see PipeConnection#isWritable()
 */
public class PipeWritabilityChangedEvent extends PipeEvent {

	private static final long serialVersionUID = 1L;

	private final transient PipeConnection connection;

	private final String connectionId;

	private final boolean writable;

	/**
	 * Creates an event.
	 * @param source the container
	 * @param connection the connection whose writability changed
	 * @param writable whether it is writable now
	 */
	public PipeWritabilityChangedEvent(Object source, PipeConnection connection, boolean writable) {
		super(source, connection.pipeName());
		this.connection = connection;
		this.connectionId = connection.id();
		this.writable = writable;
	}

	/**
	 * Returns the id of the connection whose writability changed, as its
	 * {@link PipeConnectedEvent} gave it.
	 * @return the id, never {@code null}
	 */
	public String getConnectionId() {
		return this.connectionId;
	}

	/**
	 * Returns whether the connection is writable now.
	 * @return {@code true} once its queue fell below the low watermark, {@code false} once it
	 * rose above the high watermark
	 */
	public boolean isWritable() {
		return this.writable;
	}

	/**
	 * Returns the connection, to send on it again once it is writable.
	 * @return the connection; not serialized with the event
	 */
	public PipeConnection getConnection() {
		return this.connection;
	}

}
