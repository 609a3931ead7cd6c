package io.asyncipc.transport;

/**
 * Why a connection ended.
 */
public enum DisconnectReason {

	/** The peer closed its end, or its process went away. */
	PEER_CLOSED,

	/** Reading or writing failed. */
	IO_ERROR,

	/** The peer broke the wire format, for example by announcing a frame above the maximum size. */
	PROTOCOL_ERROR,

	/**
	 * This side closed the connection because a limit ran out: the peer did not finish a message
	 * within {@link PipeOptions#frameTimeout()}, or the connection was idle longer than
	 * {@link PipeOptions#idleTimeout()}.
	 */
	TIMED_OUT,

	/** This side closed the connection through {@link PipeConnection#close()}. */
	LOCAL_CLOSE,

	/** This side's endpoint was stopped. */
	LOCAL_SHUTDOWN

}
