package io.asyncipc.messaging;

/**
 * Names of the headers that AsyncIPC puts on each received {@link org.springframework.messaging.Message}.
 * They exist only inside this process, except {@link #TYPE_ID} and the content type, which the
 * envelope format carries.
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

	/**
	 * The type id of the payload ({@code String}): the fully qualified name of the class the
	 * sender converted, which picks the {@link PipeListener} or {@link PipeHandler} method that
	 * receives it (see {@link PayloadTypeRouter}). Absent on the raw format.
	 */
	public static final String TYPE_ID = PREFIX + "typeId";

	private PipeHeaders() {
	}

}
