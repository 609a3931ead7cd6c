package io.asyncipc.messaging;

import java.util.Collection;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.asyncipc.messaging.envelope.Envelope;
import io.asyncipc.transport.PipeConnection;

import org.springframework.messaging.MessageHeaders;
import org.springframework.util.AlternativeJdkIdGenerator;
import org.springframework.util.IdGenerator;

/**
 * The headers of a received message: those of its envelope, and those that AsyncIPC adds
 * ({@link PipeHeaders}), with an id and a timestamp as every {@link MessageHeaders} has them.
 * Immutable, like any {@code MessageHeaders}.
 * <p>
 * The headers that AsyncIPC sets, and the envelope's content type, type id and correlation id,
 * are kept in fields, and a message whose envelope has no user headers answers
 * {@link #get(Object)} and {@link #containsKey(Object)} from those fields, for any key but the
 * id: that is all that routing, the payload's conversion and a listener's {@code @Header}
 * parameters ask of most messages. The map that {@code MessageHeaders} holds is filled on the
 * first call that needs it (the id, or the whole map: iterating, {@code size()},
 * {@code equals}, copying, serializing) and then answers everything; the id is generated then. Filling that
 * map of nine to eleven entries, with a new UUID, for every message took two fifths of a
 * listener thread that counted 64-byte messages ({@code ComparisonOneWayBenchmarks}).
 * <p>
 * The id comes from the generator configured for {@code MessageHeaders} (Spring Integration's
 * {@code IdGeneratorConfigurer} sets one), or, where that is Spring's default, it is 128
 * random bits as that default makes them, from the thread's own {@link ThreadLocalRandom}
 * rather than the one {@code Random} that the default shares between all threads.
 */
final class ReceivedMessageHeaders extends MessageHeaders {

	private static final long serialVersionUID = 2L;

	/** What {@link #fixed} returns for the one key that the fields do not answer, the id. */
	private static final Object UNKNOWN = new Object();

	private final Map<String, String> sent;

	private final Object contentType;

	private final String typeId;

	private final String correlationId;

	private final String connectionId;

	private final String peerUser;

	private final String pipeName;

	private final long received;

	/** Not serialized ({@code OptionalLong} is not): a serialized instance is filled, and its map answers. */
	private final transient OptionalLong peerPid;

	private volatile boolean filled;

	/**
	 * Creates the headers of a received envelope.
	 * @param envelope the envelope
	 * @param contentType its content type as the converters are to see it (parsed, where it
	 * parses), or {@code null} if it has none
	 * @param connection the connection it came on
	 * @param pipeName the name of the pipe
	 * @param received when it was received, for the timestamps
	 * @throws IllegalArgumentException if the envelope has a user header {@link #ID} or
	 * {@link #TIMESTAMP}, which Spring's builder refuses as read-only
	 */
	ReceivedMessageHeaders(Envelope envelope, Object contentType, PipeConnection connection, String pipeName,
			long received) {
		super(null, ID_VALUE_NONE, -1L);
		this.sent = envelope.getHeaders();
		this.contentType = contentType;
		this.typeId = envelope.getTypeId();
		this.correlationId = envelope.getCorrelationId();
		this.connectionId = connection.id();
		this.peerUser = connection.peer().user();
		this.pipeName = pipeName;
		this.received = received;
		this.peerPid = connection.peer().pid();
		if (!this.sent.isEmpty()) {
			// Fields answer only what no user header can shadow: with user headers, the map answers all.
			fill();
		}
	}

	/**
	 * Fills the map: the user headers of the envelope but those with the prefix of
	 * {@link PipeHeaders}, which a peer must not set, then those of the fields over them, then
	 * the id and the timestamp.
	 */
	private synchronized void fill() {
		if (this.filled) {
			return;
		}
		Map<String, Object> headers = getRawHeaders();
		for (Map.Entry<String, String> header : this.sent.entrySet()) {
			String key = header.getKey();
			if (key.equals(ID) || key.equals(TIMESTAMP)) {
				// Refused as the MessageBuilder that made received messages before refused them.
				throw new IllegalArgumentException("'" + key + "' header is read-only");
			}
			if (!key.startsWith(PipeHeaders.PREFIX)) {
				headers.put(key, header.getValue());
			}
		}
		putIfPresent(headers, CONTENT_TYPE, this.contentType);
		putIfPresent(headers, PipeHeaders.TYPE_ID, this.typeId);
		putIfPresent(headers, PipeHeaders.CORRELATION_ID, this.correlationId);
		putIfPresent(headers, PipeHeaders.CONNECTION_ID, this.connectionId);
		putIfPresent(headers, PipeHeaders.PEER_USER, this.peerUser);
		putIfPresent(headers, PipeHeaders.PIPE_NAME, this.pipeName);
		Long timestamp = this.received;
		headers.put(PipeHeaders.RECEIVED_TIMESTAMP, timestamp);
		putIfPresent(headers, PipeHeaders.PEER_PID, peerPid());
		headers.put(ID, newId());
		headers.put(TIMESTAMP, timestamp);
		this.filled = true;
	}

	private static void putIfPresent(Map<String, Object> headers, String key, Object value) {
		if (value != null) {
			headers.put(key, value);
		}
	}

	private static UUID newId() {
		IdGenerator generator = getIdGenerator();
		if (generator.getClass() != AlternativeJdkIdGenerator.class) {
			return generator.generateId();
		}
		ThreadLocalRandom random = ThreadLocalRandom.current();
		return new UUID(random.nextLong(), random.nextLong());
	}

	/**
	 * Returns the value of a header while the map is not filled, which is only without user
	 * headers: then the headers are the fields, the timestamp and the id, and any other key is
	 * absent (such as the {@code nativeHeaders} that spring-messaging looks for with each
	 * {@code @Header} parameter). {@link #UNKNOWN} for the id, which the map holds once filled.
	 */
	private Object fixed(Object key) {
		if (PipeHeaders.TYPE_ID.equals(key)) {
			return this.typeId;
		}
		if (PipeHeaders.CORRELATION_ID.equals(key)) {
			return this.correlationId;
		}
		if (CONTENT_TYPE.equals(key)) {
			return this.contentType;
		}
		if (PipeHeaders.CONNECTION_ID.equals(key)) {
			return this.connectionId;
		}
		if (PipeHeaders.PEER_USER.equals(key)) {
			return this.peerUser;
		}
		if (PipeHeaders.PIPE_NAME.equals(key)) {
			return this.pipeName;
		}
		if (PipeHeaders.RECEIVED_TIMESTAMP.equals(key) || TIMESTAMP.equals(key)) {
			return this.received;
		}
		if (PipeHeaders.PEER_PID.equals(key)) {
			return peerPid();
		}
		return ID.equals(key) ? UNKNOWN : null;
	}

	/** The peer's pid, boxed only when asked for: most listeners never ask. */
	private Long peerPid() {
		return this.peerPid.isPresent() ? this.peerPid.getAsLong() : null;
	}

	private Map<String, Object> filled() {
		if (!this.filled) {
			fill();
		}
		return getRawHeaders();
	}

	@Override
	public Object get(Object key) {
		if (!this.filled) {
			Object value = fixed(key);
			if (value != UNKNOWN) {
				return value;
			}
		}
		return filled().get(key);
	}

	@Override
	public boolean containsKey(Object key) {
		if (!this.filled) {
			Object value = fixed(key);
			if (value != UNKNOWN) {
				return value != null;
			}
		}
		return filled().containsKey(key);
	}

	@Override
	public <T> T get(Object key, Class<T> type) {
		filled();
		return super.get(key, type);
	}

	@Override
	public UUID getId() {
		filled();
		return super.getId();
	}

	@Override
	public Long getTimestamp() {
		filled();
		return super.getTimestamp();
	}

	@Override
	public Object getReplyChannel() {
		filled();
		return super.getReplyChannel();
	}

	@Override
	public Object getErrorChannel() {
		filled();
		return super.getErrorChannel();
	}

	@Override
	public boolean containsValue(Object value) {
		filled();
		return super.containsValue(value);
	}

	@Override
	public Set<Map.Entry<String, Object>> entrySet() {
		filled();
		return super.entrySet();
	}

	@Override
	public boolean isEmpty() {
		filled();
		return super.isEmpty();
	}

	@Override
	public Set<String> keySet() {
		filled();
		return super.keySet();
	}

	@Override
	public int size() {
		filled();
		return super.size();
	}

	@Override
	public Collection<Object> values() {
		filled();
		return super.values();
	}

	@Override
	public boolean equals(Object other) {
		filled();
		if (other instanceof ReceivedMessageHeaders received) {
			received.filled();
		}
		return super.equals(other);
	}

	@Override
	public int hashCode() {
		filled();
		return super.hashCode();
	}

	@Override
	public String toString() {
		filled();
		return super.toString();
	}

	/**
	 * Serializes the headers whole: {@code MessageHeaders} writes its map.
	 */
	private Object writeReplace() {
		filled();
		return this;
	}

}
