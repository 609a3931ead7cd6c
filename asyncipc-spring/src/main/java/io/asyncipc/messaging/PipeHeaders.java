package io.asyncipc.messaging;

/**
 * Names of the headers that AsyncIPC puts on each received {@link org.springframework.messaging.Message}.
 * {@link #TYPE_ID} and {@link #CORRELATION_ID} travel in the envelope (on a pipe of the envelope
 * format); the others exist only inside this process, and a peer cannot send a header with the
 * {@link #PREFIX}.
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
	 * The type id of the payload ({@code String}), from the envelope: the fully qualified name
	 * of the class the sender converted (a {@link PipeTemplate} sets it unless the message carries
	 * it already; none for {@code byte[]}), which picks the {@link PipeListener} or
	 * {@link PipeHandler} method that receives it (see {@link PayloadTypeRouter}). Absent on a
	 * raw connection.
	 */
	public static final String TYPE_ID = PREFIX + "typeId";

	/**
	 * The id that ties a reply to its request ({@code String}), from the envelope's correlation
	 * id. Absent on a raw connection.
	 */
	public static final String CORRELATION_ID = PREFIX + "correlationId";

	private PipeHeaders() {
	}

}
