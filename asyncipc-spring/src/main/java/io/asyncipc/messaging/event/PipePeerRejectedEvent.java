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
	 * Returns who was refused.
	 * @return the peer
	 */
	public PeerIdentity getPeer() {
		return this.peer;
	}

	/**
	 * Returns why the peer was refused.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

}
