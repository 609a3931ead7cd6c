package io.asyncipc.messaging;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;

import io.asyncipc.messaging.envelope.Envelope;
import io.asyncipc.transport.PeerIdentity;
import io.asyncipc.transport.PipeConnection;
import org.junit.jupiter.api.Test;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.MimeType;
import org.springframework.util.MimeTypeUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The headers of a received message ({@link ReceivedMessageHeaders}) hold what the headers
 * built with a {@code MessageBuilder} held, whether they are read key by key from their fields
 * or whole from their map.
 */
class ReceivedMessageHeadersTests {

	private static final MimeType TEXT = MimeTypeUtils.parseMimeType("text/plain;charset=UTF-8");

	private final PipeConnection connection = new UnsentConnection("c-7",
			PeerIdentity.of("alice", OptionalLong.of(4242)));

	@Test
	void answersEachHeaderFromItsFields() {
		MessageHeaders headers = received(Envelope.builder().typeId("java.lang.String").correlationId("r-1").build(),
				TEXT, 1_000L);
		assertThat(headers.get(MessageHeaders.CONTENT_TYPE)).isSameAs(TEXT);
		assertThat(headers.get(PipeHeaders.TYPE_ID)).isEqualTo("java.lang.String");
		assertThat(headers.get(PipeHeaders.CORRELATION_ID)).isEqualTo("r-1");
		assertThat(headers.get(PipeHeaders.CONNECTION_ID)).isEqualTo("c-7");
		assertThat(headers.get(PipeHeaders.PEER_USER)).isEqualTo("alice");
		assertThat(headers.get(PipeHeaders.PEER_PID)).isEqualTo(4242L);
		assertThat(headers.get(PipeHeaders.PIPE_NAME)).isEqualTo("orders");
		assertThat(headers.get(PipeHeaders.RECEIVED_TIMESTAMP)).isEqualTo(1_000L);
		assertThat(headers.containsKey(PipeHeaders.CORRELATION_ID)).isTrue();
		assertThat(headers.get(MessageHeaders.TIMESTAMP)).isEqualTo(1_000L);
		assertThat(headers.containsKey(MessageHeaders.TIMESTAMP)).isTrue();
		assertThat(headers.get("tenant")).isNull();
		assertThat(headers.containsKey("nativeHeaders")).isFalse();
		assertThat(headers.containsKey(MessageHeaders.ID)).isTrue();
		assertThat(headers.get(MessageHeaders.ID)).isInstanceOf(UUID.class).isEqualTo(headers.getId());
	}

	@Test
	void absentHeadersAreAbsentFromFieldsAndMapAlike() {
		MessageHeaders headers = received(Envelope.builder().build(), null, 1_000L);
		UnsentConnection anonymous = new UnsentConnection("c-7", PeerIdentity.of("bob", OptionalLong.empty()));
		MessageHeaders withoutPid = new ReceivedMessageHeaders(Envelope.builder().build(), null, anonymous, "orders",
				1_000L);
		for (String key : new String[] { MessageHeaders.CONTENT_TYPE, PipeHeaders.TYPE_ID, PipeHeaders.CORRELATION_ID }) {
			assertThat(headers.containsKey(key)).isFalse();
			assertThat(headers.get(key)).isNull();
		}
		assertThat(withoutPid.containsKey(PipeHeaders.PEER_PID)).isFalse();
		assertThat(headers.keySet()).containsExactlyInAnyOrder(MessageHeaders.ID, MessageHeaders.TIMESTAMP,
				PipeHeaders.CONNECTION_ID, PipeHeaders.PEER_USER, PipeHeaders.PEER_PID, PipeHeaders.PIPE_NAME,
				PipeHeaders.RECEIVED_TIMESTAMP);
		assertThat(withoutPid.keySet()).doesNotContain(PipeHeaders.PEER_PID);
	}

	@Test
	void holdTheSameHeadersAsTheBuilderMadeThem() {
		Envelope envelope = Envelope.builder().typeId("com.example.Order").correlationId("r-2").build();
		MessageHeaders headers = received(envelope, TEXT, 1_000L);
		Map<String, Object> built = new HashMap<>(MessageBuilder.withPayload(new byte[0])
			.setHeader(MessageHeaders.CONTENT_TYPE, TEXT)
			.setHeader(PipeHeaders.TYPE_ID, "com.example.Order")
			.setHeader(PipeHeaders.CORRELATION_ID, "r-2")
			.setHeader(PipeHeaders.CONNECTION_ID, "c-7")
			.setHeader(PipeHeaders.PEER_USER, "alice")
			.setHeader(PipeHeaders.PIPE_NAME, "orders")
			.setHeader(PipeHeaders.RECEIVED_TIMESTAMP, 1_000L)
			.setHeader(PipeHeaders.PEER_PID, 4242L)
			.build()
			.getHeaders());
		Map<String, Object> copy = new HashMap<>(headers);
		assertThat(copy.remove(MessageHeaders.ID)).isInstanceOf(UUID.class).isEqualTo(headers.getId());
		assertThat(copy.remove(MessageHeaders.TIMESTAMP)).isEqualTo(1_000L).isEqualTo(headers.getTimestamp());
		built.remove(MessageHeaders.ID);
		built.remove(MessageHeaders.TIMESTAMP);
		assertThat(copy).isEqualTo(built);
	}

	@Test
	void eachMessageHasAnIdOfItsOwn() {
		MessageHeaders first = received(Envelope.builder().build(), null, 1_000L);
		MessageHeaders second = received(Envelope.builder().build(), null, 1_000L);
		assertThat(first.getId()).isNotNull().isNotEqualTo(second.getId()).isEqualTo(first.get(MessageHeaders.ID));
		assertThat(first).isNotEqualTo(second);
	}

	@Test
	void userHeadersTravelButThoseWithThePrefix() {
		Envelope envelope = Envelope.builder()
			.header("tenant", "acme")
			.header(PipeHeaders.CONNECTION_ID, "forged")
			.header(PipeHeaders.PREFIX + "other", "forged")
			.build();
		MessageHeaders headers = received(envelope, TEXT, 1_000L);
		assertThat(headers.get("tenant")).isEqualTo("acme");
		assertThat(headers.get(PipeHeaders.CONNECTION_ID)).isEqualTo("c-7");
		assertThat(headers.containsKey(PipeHeaders.PREFIX + "other")).isFalse();
	}

	@Test
	void aUserHeaderNamedContentTypeGivesWayToTheEnvelopesContentType() {
		Envelope envelope = Envelope.builder().header(MessageHeaders.CONTENT_TYPE, "text/html").build();
		assertThat(received(envelope, TEXT, 1_000L).get(MessageHeaders.CONTENT_TYPE)).isSameAs(TEXT);
		assertThat(received(envelope, null, 1_000L).get(MessageHeaders.CONTENT_TYPE)).isEqualTo("text/html");
	}

	@Test
	void userHeadersNamedIdOrTimestampAreRefusedAsSpringRefusesThem() {
		for (String key : new String[] { MessageHeaders.ID, MessageHeaders.TIMESTAMP }) {
			Envelope envelope = Envelope.builder().header(key, "1").build();
			assertThatIllegalArgumentException().isThrownBy(() -> received(envelope, null, 1_000L))
				.withMessage("'" + key + "' header is read-only");
		}
	}

	@Test
	void areImmutable() {
		MessageHeaders headers = received(Envelope.builder().build(), null, 1_000L);
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> headers.put("tenant", "acme"));
	}

	@Test
	void copiesAndComparesWhole() {
		MessageHeaders headers = received(Envelope.builder().typeId("java.lang.String").build(), TEXT, 1_000L);
		Message<byte[]> copy = MessageBuilder.withPayload(new byte[0]).copyHeaders(headers).build();
		assertThat(copy.getHeaders().get(PipeHeaders.TYPE_ID)).isEqualTo("java.lang.String");
		assertThat(copy.getHeaders().get(PipeHeaders.PEER_PID)).isEqualTo(4242L);
		MessageHeaders same = received(Envelope.builder().typeId("java.lang.String").build(), TEXT, 1_000L);
		assertThat(headers).isEqualTo(headers).hasSameHashCodeAs(headers);
		assertThat(same).isNotEqualTo(headers);
		assertThat(headers.toString()).contains("asyncipc_typeId=java.lang.String");
	}

	@Test
	void serializeWhole() throws Exception {
		MessageHeaders headers = received(Envelope.builder().typeId("java.lang.String").build(), TEXT, 1_000L);
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
			out.writeObject(headers);
		}
		MessageHeaders read;
		try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
			read = (MessageHeaders) in.readObject();
		}
		assertThat(read).isEqualTo(headers);
		assertThat(read.getId()).isEqualTo(headers.getId());
		assertThat(read.get(PipeHeaders.TYPE_ID)).isEqualTo("java.lang.String");
	}

	private MessageHeaders received(Envelope envelope, Object contentType, long received) {
		return new ReceivedMessageHeaders(envelope, contentType, this.connection, "orders", received);
	}

}
