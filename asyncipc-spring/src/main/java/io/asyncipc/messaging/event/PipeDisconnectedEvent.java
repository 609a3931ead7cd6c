package io.asyncipc.messaging.event;

import io.asyncipc.transport.DisconnectReason;
import io.asyncipc.transport.PeerIdentity;

/**
 * A connection ended. The original library's {@code OnDisconnected}.
 */
public class PipeDisconnectedEvent extends PipeEvent {

	private static final long serialVersionUID = 1L;

	private final String connectionId;

	private final PeerIdentity peer;

	private final DisconnectReason reason;

	private final Throwable cause;

	/**
	 * Creates an event.
	 * @param source the container
	 * @param pipeName the pipe name
	 * @param connectionId the connection that ended
	 * @param peer who was on the other end
	 * @param reason why it ended
	 * @param cause the error behind it, or {@code null}
	 */
	public PipeDisconnectedEvent(Object source, String pipeName, String connectionId, PeerIdentity peer,
			DisconnectReason reason, Throwable cause) {
		super(source, pipeName);
		this.connectionId = connectionId;
		this.peer = peer;
		this.reason = reason;
		this.cause = cause;
	}

	/**
	 * Returns the connection id.
	 * @return the id
	 */
	public String getConnectionId() {
		return this.connectionId;
	}

	/**
	 * Returns who was on the other end.
	 * @return the peer
	 */
	public PeerIdentity getPeer() {
		return this.peer;
	}

	/**
	 * Returns why the connection ended.
	 * @return the reason
	 */
	public DisconnectReason getReason() {
		return this.reason;
	}

	/**
	 * Returns the error behind the disconnect.
	 * @return the error, or {@code null} for an orderly close
	 */
	public Throwable getCause() {
		return this.cause;
	}

}
