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
	 * Returns the id of the connection that ended, as its {@link PipeConnectedEvent} gave it.
	 * @return the id, never {@code null}
	 */
	public String getConnectionId() {
		return this.connectionId;
	}

	/**
	 * Returns who was on the other end: the client on a server, the server on a client.
	 * @return the peer's OS user and, where it could be learned, its pid; never {@code null}
	 */
	public PeerIdentity getPeer() {
		return this.peer;
	}

	/**
	 * Returns why the connection ended: the peer left ({@link DisconnectReason#PEER_CLOSED}),
	 * reading or writing failed, the peer broke the wire format or a time limit, or this side
	 * closed the connection or stopped.
	 * @return the reason, never {@code null}
	 */
	public DisconnectReason getReason() {
		return this.reason;
	}

	/**
	 * Returns the error behind the disconnect: for {@link DisconnectReason#PROTOCOL_ERROR} and
	 * {@link DisconnectReason#TIMED_OUT} what the peer did, naming the limit; for
	 * {@link DisconnectReason#IO_ERROR} the call that failed, where one is known; for
	 * {@link DisconnectReason#PEER_CLOSED} what showed it, if the peer left in the middle of a
	 * message (an {@link java.io.EOFException}) or while this side was writing to it.
	 * @return the error, or {@code null} for an orderly close (the peer left between messages,
	 * or this side closed or stopped) and where no error is known
	 */
	public Throwable getCause() {
		return this.cause;
	}

}
