package io.asyncipc.messaging.event;

import io.asyncipc.transport.PeerIdentity;
import io.asyncipc.transport.PipeConnection;

/**
 * A connection was established. The original library's {@code OnConnected}.
 */
public class PipeConnectedEvent extends PipeEvent {

	private static final long serialVersionUID = 1L;

	private final transient PipeConnection connection;

	/**
	 * Creates an event.
	 * @param source the container
	 * @param connection the new connection
	 */
	public PipeConnectedEvent(Object source, PipeConnection connection) {
		super(source, connection.pipeName());
		this.connection = connection;
	}

	/**
	 * Returns the connection id.
	 * @return the id
	 */
	public String getConnectionId() {
		return this.connection.id();
	}

	/**
	 * Returns who connected.
	 * @return the peer's OS user and pid
	 */
	public PeerIdentity getPeer() {
		return this.connection.peer();
	}

	/**
	 * Returns the connection, to send on it.
	 * @return the connection
	 */
	public PipeConnection getConnection() {
		return this.connection;
	}

}
