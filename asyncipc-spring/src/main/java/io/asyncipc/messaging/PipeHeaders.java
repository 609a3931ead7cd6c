package io.asyncipc.messaging;

/**
 * Names of the headers that AsyncIPC puts on each received {@link org.springframework.messaging.Message}
 * (what a {@link PipeListener} receives, and the reply of
 * {@link PipeTemplate#sendAndReceiveAsync(String, org.springframework.messaging.Message, java.time.Duration)}).
 * {@link #TYPE_ID} and {@link #CORRELATION_ID} travel in the envelope (on a pipe of the envelope
 * format); the others exist only inside this process, and a peer cannot send a header with the
 * {@link #PREFIX}.
 * <p>
 * {@link #CONNECTION_ID}, {@link #PEER_USER}, {@link #PIPE_NAME} and {@link #RECEIVED_TIMESTAMP}
 * are on every received message; {@link #PEER_PID}, {@link #TYPE_ID} and {@link #CORRELATION_ID}
 * may be absent, so a listener takes them with {@code @Header(name = ..., required = false)}:
 * a missing required header fails the listener.
 */
public final class PipeHeaders {

	/**
	 * The prefix of every header name here. A header with it that a peer sends in its envelope
	 * is dropped when the message arrives, so that a peer cannot pose as this process; a
	 * header with it given to a {@link PipeTemplate} does not travel as a header ({@link #TYPE_ID}
	 * and {@link #CORRELATION_ID} travel in fields of their own).
	 */
	public static final String PREFIX = "asyncipc_";

	/**
	 * The id of the connection the message came on ({@code String}), as this process's log
	 * lines and {@link io.asyncipc.messaging.event.PipeConnectedEvent events} name it; a server
	 * answers that one client by giving it to
	 * {@link PipeTemplate#convertAndSendAsync(String, Object)}. On a pipe of the envelope format
	 * both ends have the same id, the server's, which its hello gave the client, so that the logs
	 * of both processes can be matched. Always present.
	 */
	public static final String CONNECTION_ID = PREFIX + "connectionId";

	/**
	 * The OS user of the peer process ({@code String}): its name, or its id (a uid on Unix, a
	 * SID on Windows) where the name could not be looked up (see
	 * {@link io.asyncipc.transport.PeerIdentity#user()}). Always present.
	 */
	public static final String PEER_USER = PREFIX + "peerUser";

	/**
	 * The process id of the peer ({@code Long}): the client's on a server, the server's on a
	 * client. Absent where the pid could not be learned for the connection (see
	 * {@link io.asyncipc.transport.PeerIdentity#pid()}), so take it as
	 * {@code @Header(name = PipeHeaders.PEER_PID, required = false) Long}. A pid only identifies
	 * a process while it runs: the OS may give it to another process later.
	 */
	public static final String PEER_PID = PREFIX + "peerPid";

	/**
	 * The name of the pipe the message came on ({@code String}), as configured
	 * ({@code asyncipc.name} or {@code asyncipc.pipes.<id>.name}), not its OS address. Always
	 * present.
	 */
	public static final String PIPE_NAME = PREFIX + "pipeName";

	/**
	 * When the message was received, in milliseconds since the epoch ({@code Long}), by this
	 * process's clock: the time of the read that completed it, before it waited for its turn
	 * on the listener executor ({@code asyncipc.listener.dispatch=executor}), so that a listener
	 * can tell how long it waited. On a reply that {@link PipeTemplate} returns as a message,
	 * when the reply was turned into that message. Always present.
	 */
	public static final String RECEIVED_TIMESTAMP = PREFIX + "receivedTimestamp";

	/**
	 * The type id of the payload ({@code String}), from the envelope: the fully qualified name
	 * of the class the sender converted (a {@link PipeTemplate} sets it unless the message carries
	 * it already; none for {@code byte[]}), which picks the {@link PipeListener} or
	 * {@link PipeHandler} method that receives it (see {@link PayloadTypeRouter}). Absent on a
	 * raw connection, for a {@code byte[]} payload, and when the peer sent none.
	 */
	public static final String TYPE_ID = PREFIX + "typeId";

	/**
	 * The id that ties a reply to its request ({@code String}), from the envelope's correlation
	 * id: present on a request (sent by
	 * {@link PipeTemplate#convertSendAndReceive(Object, Class) convertSendAndReceive}), which a
	 * listener answers by returning a value, and on its reply. Absent on an ordinary message
	 * and on a raw connection.
	 */
	public static final String CORRELATION_ID = PREFIX + "correlationId";

	private PipeHeaders() {
	}

}
