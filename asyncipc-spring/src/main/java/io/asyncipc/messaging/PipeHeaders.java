package io.asyncipc.messaging;

/**
 * Names of the headers that AsyncIPC puts on each received {@link org.springframework.messaging.Message}.
 * They exist only inside this process: the wire carries the payload alone.
 */
public final class PipeHeaders {

	/** The common prefix. */
	public static final String PREFIX = "asyncipc_";

	/** The id of the connection the message came on ({@code String}). */
	public static final String CONNECTION_ID = PREFIX + "connectionId";

	/** The OS user of the peer process ({@code String}). */
	public static final String PEER_USER = PREFIX + "peerUser";

	/** The process id of the peer ({@code Long}), where the OS gives it. */
	public static final String PEER_PID = PREFIX + "peerPid";

	/** The pipe name ({@code String}). */
	public static final String PIPE_NAME = PREFIX + "pipeName";

	/** When the message was received, in milliseconds since the epoch ({@code Long}). */
	public static final String RECEIVED_TIMESTAMP = PREFIX + "receivedTimestamp";

	private PipeHeaders() {
	}

}
