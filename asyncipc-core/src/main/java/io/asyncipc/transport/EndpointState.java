package io.asyncipc.transport;

/**
 * The life cycle of a {@link PipeEndpoint}. Every change is reported through
 * {@link PipeHandler#onStateChanged(PipeEndpoint, EndpointState, Throwable)}.
 */
public enum EndpointState {

	/** Created, not started yet. */
	NEW,

	/** A server that accepts clients. */
	LISTENING,

	/** A client trying to reach its server. */
	CONNECTING,

	/** A client connected to its server. */
	CONNECTED,

	/** A client that lost or could not reach its server and waits to try again. */
	RECONNECTING,

	/** Stopping: no new connections, queued messages drain. */
	STOPPING,

	/** Stopped, with every thread, descriptor and file released. */
	STOPPED,

	/**
	 * Failed: an I/O thread died or could not be kept going. Its connections were closed and
	 * their sends failed; {@link EndpointStatus#lastError()} holds the cause. A client tries to
	 * recover on its own; a server stays failed until it is stopped.
	 */
	FAILED;

	/**
	 * Returns whether an endpoint may move from this state to another. Staying in a state is
	 * always allowed. The legal moves:
	 * <pre>
	 * NEW          -&gt; LISTENING | CONNECTING | STOPPING | STOPPED | FAILED
	 * LISTENING    -&gt; STOPPING | FAILED
	 * CONNECTING   -&gt; CONNECTED | RECONNECTING | STOPPING | FAILED
	 * CONNECTED    -&gt; RECONNECTING | STOPPING | FAILED
	 * RECONNECTING -&gt; CONNECTING | STOPPING | FAILED
	 * FAILED       -&gt; RECONNECTING (a client recovering) | STOPPING
	 * STOPPING     -&gt; STOPPED
	 * STOPPED      -&gt; (none)
	 * </pre>
	 * @param next the state to move to
	 * @return whether the move is legal
	 */
	public boolean canMoveTo(EndpointState next) {
		if (next == this) {
			return true;
		}
		return switch (this) {
			case NEW -> next != CONNECTED && next != RECONNECTING;
			case LISTENING -> next == STOPPING || next == FAILED;
			case CONNECTING -> next == CONNECTED || next == RECONNECTING || next == STOPPING || next == FAILED;
			case CONNECTED, RECONNECTING -> next == ((this == CONNECTED) ? RECONNECTING : CONNECTING)
					|| next == STOPPING || next == FAILED;
			case FAILED -> next == RECONNECTING || next == STOPPING;
			case STOPPING -> next == STOPPED;
			case STOPPED -> false;
		};
	}

}
