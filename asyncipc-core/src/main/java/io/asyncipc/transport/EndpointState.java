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
	FAILED

}
