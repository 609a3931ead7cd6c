package io.asyncipc.messaging.event;

import io.asyncipc.transport.PeerIdentity;

/**
 * A peer was refused before it became a connection, for example because it runs as another
 * OS user.
 */
public class PipePeerRejectedEvent extends PipeEvent {

	private static final long serialVersionUID = 1L;

	private final PeerIdentity peer;

	private final String reason;

	/**
	 * Creates an event.
	 * @param source the container
	 * @param pipeName the pipe name
	 * @param peer who was refused
	 * @param reason why
	 */
	public PipePeerRejectedEvent(Object source, String pipeName, PeerIdentity peer, String reason) {
		super(source, pipeName);
		this.peer = peer;
		this.reason = reason;
	}

	/**
	 * Returns who was refused: a client on a server, the server on a client (one that runs
	 * as another OS user, or on Windows a pipe that another user owns).
	 * @return the peer as far as it is known, never {@code null}: its user is
	 * {@code unknown} and its pid empty if its credentials could not be read
	 */
	public PeerIdentity getPeer() {
		return this.peer;
	}

	/**
	 * Returns why the peer was refused, in words for a log line, such as {@code it runs as OS
	 * user 'mallory', and only 'alice' may connect}, or a server's full
	 * {@code asyncipc.max-connections}.
	 * @return the reason, never {@code null}
	 */
	public String getReason() {
		return this.reason;
	}

}
