package io.asyncipc.messaging.event;

import io.asyncipc.transport.PeerIdentity;
import io.asyncipc.transport.PipeConnection;

/**
 * A connection was established. The original library's {@code OnConnected}. A client of a pipe
 * of the envelope format publishes it once its server's hello came (or is known not to come, at
 * most a second later), so that its connection id is already the server's; a connection that
 * closes before then publishes neither this event nor a {@link PipeDisconnectedEvent}.
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
	 * Returns the connection id: the one that log lines, the
	 * {@link io.asyncipc.messaging.PipeHeaders#CONNECTION_ID} header of the connection's
	 * messages and its {@link PipeDisconnectedEvent} carry, and that a server's
	 * {@code PipeTemplate} takes to send to this one client. On a pipe of the envelope format,
	 * the same at both ends: the server's id of the connection.
	 * @return the id, never {@code null}
	 */
	public String getConnectionId() {
		return this.connection.id();
	}

	/**
	 * Returns who is on the other end: the client on a server, the server on a client.
	 * @return the peer's OS user and, where it could be learned, its pid
	 * ({@link PeerIdentity#pid()} is empty otherwise); never {@code null}
	 */
	public PeerIdentity getPeer() {
		return this.connection.peer();
	}

	/**
	 * Returns the connection, to send on it (in its format: an envelope peer gets an envelope)
	 * or to close it.
	 * @return the connection; not serialized with the event
	 */
	public PipeConnection getConnection() {
		return this.connection;
	}

}
