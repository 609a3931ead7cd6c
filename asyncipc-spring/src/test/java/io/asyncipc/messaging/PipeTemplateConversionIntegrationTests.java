package io.asyncipc.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.asyncipc.messaging.envelope.Envelope;
import io.asyncipc.messaging.envelope.EnvelopeCodec;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeRole;
import io.asyncipc.transport.RecordingHandler;
import io.asyncipc.transport.TestNames;
import io.asyncipc.transport.unix.UnixSocketTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.converter.CompositeMessageConverter;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.converter.StringMessageConverter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@link PipeTemplate} with the converters of the auto-configuration sends a {@code String}
 * or a {@code byte[]} without a {@code Message} ({@link KnownConversions}); a subclass of it
 * sends through {@code doConvert}. A raw client that speaks the envelope by hand receives the
 * same bytes from both.
 */
class PipeTemplateConversionIntegrationTests {

	private final UnixSocketTransport transport = new UnixSocketTransport();

	private final MessageConverter converter = new CompositeMessageConverter(List.of(new ByteArrayMessageConverter(),
			new StringMessageConverter(), new JacksonJsonMessageConverter()));

	private final PipeEndpointContainer server = new PipeEndpointContainer(this.transport, TestNames.random(),
			PipeRole.SERVER, PipeOptions.defaults(), new PipeListenerEndpointRegistry());

	private final PipeTemplate template = new PipeTemplate(this.server, this.converter);

	private final PipeTemplate throughDoConvert = new PipeTemplate(this.server, this.converter) {
	};

	private final RecordingHandler client = new RecordingHandler();

	private PipeEndpoint clientEndpoint;

	private String clientId;

	@BeforeEach
	void connectAClientThatSpeaksTheEnvelope() throws Exception {
		this.server.start();
		this.clientEndpoint = this.transport.createClient(this.server.getName(), PipeOptions.defaults(), this.client);
		this.clientEndpoint.start();
		PipeConnection connection = this.client.connected.poll(10, TimeUnit.SECONDS);
		assertThat(connection).isNotNull();
		this.clientId = connection.id();
		connection.send(new EnvelopeCodec().encodeHello()).get(10, TimeUnit.SECONDS);
		await().atMost(10, TimeUnit.SECONDS).until(() -> this.client.messagesOf(this.clientId).size() == 1);
	}

	@AfterEach
	void stop() {
		this.server.stop();
		this.clientEndpoint.stop(Duration.ofSeconds(5));
	}

	@Test
	void textGoesOutInTheSameBytesAsThroughDoConvert() throws Exception {
		String text = "héllo, pipe ✓";
		this.template.convertAndSendAsync(text).get(10, TimeUnit.SECONDS);
		this.throughDoConvert.convertAndSendAsync(text).get(10, TimeUnit.SECONDS);
		this.template.convertAndBroadcastAsync(text).get(10, TimeUnit.SECONDS);
		List<byte[]> sent = received(3);
		assertThat(sent.get(0)).isEqualTo(sent.get(1)).isEqualTo(sent.get(2));
		Envelope envelope = new EnvelopeCodec().decode(sent.get(0));
		assertThat(envelope.getContentType()).isEqualTo("text/plain;charset=UTF-8");
		assertThat(envelope.getTypeId()).isEqualTo(String.class.getName());
		assertThat(envelope.getHeaders()).isEmpty();
		assertThat(new String(envelope.getPayload(), StandardCharsets.UTF_8)).isEqualTo(text);
	}

	@Test
	void bytesGoOutInTheSameBytesAsThroughDoConvert() throws Exception {
		byte[] bytes = { 0, 1, 2, (byte) 0xFF };
		this.template.convertAndSendAsync(bytes).get(10, TimeUnit.SECONDS);
		this.throughDoConvert.convertAndSendAsync(bytes).get(10, TimeUnit.SECONDS);
		this.throughDoConvert.convertAndBroadcastAsync(bytes).get(10, TimeUnit.SECONDS);
		List<byte[]> sent = received(3);
		assertThat(sent.get(0)).isEqualTo(sent.get(1)).isEqualTo(sent.get(2));
		Envelope envelope = new EnvelopeCodec().decode(sent.get(0));
		assertThat(envelope.getContentType()).isEqualTo("application/octet-stream");
		assertThat(envelope.getTypeId()).isNull();
		assertThat(envelope.getPayload()).isEqualTo(bytes);
	}

	/**
	 * Returns the messages the client received after the server's hello, once they came.
	 */
	private List<byte[]> received(int count) {
		await().atMost(10, TimeUnit.SECONDS).until(() -> this.client.messagesOf(this.clientId).size() == count + 1);
		List<byte[]> messages = this.client.messagesOf(this.clientId);
		assertThat(EnvelopeCodec.startsWithMagic(messages.get(0))).isTrue();
		return messages.subList(1, messages.size());
	}

}
