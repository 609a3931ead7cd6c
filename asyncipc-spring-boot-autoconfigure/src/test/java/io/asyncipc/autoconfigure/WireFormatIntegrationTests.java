package io.asyncipc.autoconfigure;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.messaging.PipeHeaders;
import io.asyncipc.messaging.PipeListener;
import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.transport.TestNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.springframework.messaging.handler.annotation.Header;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The wire format over real sockets: headers that a template sends reach {@code @Header}
 * parameters on an envelope pipe; an envelope server serves a raw peer and an envelope client
 * side by side; a raw Java client talks to an envelope server; an envelope client of a raw
 * server warns within a second, naming the property, and delivers nothing.
 */
class WireFormatIntegrationTests {

	private final String name = TestNames.random();

	/**
	 * Returns the value of {@code asyncipc.mode} the pipes run with.
	 * @return the mode
	 */
	protected String mode() {
		return "auto";
	}

	private ApplicationContextRunner runner(String role, Class<?>... userConfiguration) {
		return PipeContexts.runner(this.name, role, userConfiguration).withPropertyValues("asyncipc.mode=" + mode());
	}

	@Test
	void headersGivenToTheTemplateReachHeaderParameters() {
		runner("server", HeaderRecorder.class).run((server) -> runner("client").run((client) -> {
			PipeContexts.awaitConnected(client);
			Map<String, Object> headers = new LinkedHashMap<>();
			headers.put("tenant", "acme");
			headers.put("attempt", 3);
			headers.put(PipeHeaders.CORRELATION_ID, "r-7");
			client.getBean(PipeTemplate.class).convertAndSend(PipeTemplate.PEER, new Order("o-1", 2), headers);
			Message<?> received = server.getBean(HeaderRecorder.class).messages.poll(5, TimeUnit.SECONDS);
			assertThat(received).isNotNull();
			assertThat(received.getHeaders()).containsEntry("tenant", "acme")
				.containsEntry("attempt", "3")
				.containsEntry(PipeHeaders.CORRELATION_ID, "r-7")
				.containsEntry(PipeHeaders.TYPE_ID, Order.class.getName());
			assertThat(received.getHeaders().get("contentType")).hasToString("application/json");
			assertThat(server.getBean(HeaderRecorder.class).tenants.poll(5, TimeUnit.SECONDS)).isEqualTo("acme");
		}));
	}

	@Test
	@DisabledOnOs(value = OS.WINDOWS, disabledReason = "the raw peer speaks the Unix frame format")
	void anEnvelopeServerServesARawPeerAndAnEnvelopeClientOnThePipe() {
		runner("server", HeaderRecorder.class).run((server) -> runner("client", TextCollector.class).run((client) -> {
			PipeContexts.awaitConnected(client);
			PipeEndpointContainer container = server.getBean(PipeEndpointContainer.class);
			try (SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX)) {
				raw.connect(UnixDomainSocketAddress.of(container.getEndpoint().address()));
				writeFrame(raw, "from a raw peer");
				HeaderRecorder recorder = server.getBean(HeaderRecorder.class);
				Message<?> first = recorder.messages.poll(5, TimeUnit.SECONDS);
				assertThat(first).isNotNull();
				assertThat(new String((byte[]) first.getPayload(), StandardCharsets.UTF_8)).isEqualTo("from a raw peer");
				assertThat(first.getHeaders()).doesNotContainKey(PipeHeaders.TYPE_ID);
				client.getBean(PipeTemplate.class).convertAndSend(PipeTemplate.PEER, "from Java",
						Map.of("tenant", "acme"));
				assertThat(recorder.tenants.poll(5, TimeUnit.SECONDS)).isEqualTo("acme");
				server.getBean(PipeTemplate.class).convertAndSend("to both");
				assertThat(readFrame(raw)).isEqualTo("to both");
				assertThat(client.getBean(TextCollector.class).texts.poll(5, TimeUnit.SECONDS)).isEqualTo("to both");
			}
		}));
	}

	@Test
	void aRawClientTalksToAnEnvelopeServer() {
		runner("server", HeaderRecorder.class)
			.run((server) -> runner("client", TextCollector.class).withPropertyValues("asyncipc.format=raw")
				.run((client) -> {
					PipeContexts.awaitConnected(client);
					client.getBean(PipeTemplate.class).convertAndSend(PipeTemplate.PEER, "plain",
							Map.of("tenant", "acme"));
					Message<?> received = server.getBean(HeaderRecorder.class).messages.poll(5, TimeUnit.SECONDS);
					assertThat(received).isNotNull();
					assertThat(new String((byte[]) received.getPayload(), StandardCharsets.UTF_8)).isEqualTo("plain");
					assertThat(received.getHeaders()).doesNotContainKeys("tenant", PipeHeaders.TYPE_ID);
					server.getBean(PipeTemplate.class).convertAndSend("back");
					assertThat(client.getBean(TextCollector.class).texts.poll(5, TimeUnit.SECONDS)).isEqualTo("back");
				}));
	}

	@Test
	void anEnvelopeClientOfARawServerWarnsWithinASecondNamingTheProperty() {
		try (CapturedLog log = CapturedLog.of("io.asyncipc.messaging.WireFormats")) {
			runner("server", TextCollector.class).withPropertyValues("asyncipc.format=raw")
				.run((server) -> runner("client", TextCollector.class).run((client) -> {
					PipeContexts.awaitConnected(client);
					long connected = System.nanoTime();
					// The raw server sends at once, before the client could know; it must not reach the listener.
					server.getBean(PipeTemplate.class).convertAndSend("raw text");
					await().atMost(Duration.ofMillis(1500))
						.until(() -> log.events().stream().anyMatch((event) -> event.getLevel() == Level.WARN));
					assertThat(Duration.ofNanos(System.nanoTime() - connected)).isLessThan(Duration.ofMillis(1500));
					assertThat(log.events()).singleElement()
						.satisfies((event) -> assertThat(event.getFormattedMessage()).contains("asyncipc.format=raw"));
					// The server got the hello as a raw message: the client's hello is all it sees.
					assertThat(server.getBean(TextCollector.class).texts.poll(5, TimeUnit.SECONDS)).hasSize(7);
					await().during(Duration.ofMillis(300))
						.atMost(Duration.ofSeconds(1))
						.until(() -> client.getBean(TextCollector.class).texts.isEmpty());
				}));
		}
	}

	@Test
	void aBadFormatFailsTheStartupNamingTheProperty() {
		runner("server").withPropertyValues("asyncipc.format=json").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("asyncipc.format must be 'envelope' or 'raw', got 'json'");
		});
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(AsyncIpcAutoConfiguration.class))
			.withPropertyValues("asyncipc.pipes.orders.name=" + this.name, "asyncipc.pipes.orders.format=json")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("asyncipc.pipes.orders.format must be 'envelope' or 'raw', got 'json'");
			});
	}

	@Test
	void anEnvelopeClientPipeOfTheMapNamesItsOwnProperty() {
		try (CapturedLog log = CapturedLog.of("io.asyncipc.messaging.WireFormats")) {
			runner("server").withPropertyValues("asyncipc.format=raw").run((server) -> new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(AsyncIpcAutoConfiguration.class))
				.withPropertyValues("asyncipc.pipes.orders.name=" + this.name, "asyncipc.pipes.orders.role=client",
						"asyncipc.pipes.orders.mode=" + mode(),
						"asyncipc.reconnect.min-backoff=20ms")
				.run((client) -> {
					PipeContexts.awaitConnected(client);
					await().atMost(Duration.ofMillis(1500)).until(() -> !log.events().isEmpty());
					assertThat(log.events()).singleElement()
						.satisfies((event) -> assertThat(event.getFormattedMessage())
							.contains("set asyncipc.pipes.orders.format=raw"));
				}));
		}
	}

	private static void writeFrame(SocketChannel channel, String text) throws Exception {
		byte[] payload = text.getBytes(StandardCharsets.UTF_8);
		ByteBuffer frame = ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).flip();
		while (frame.hasRemaining()) {
			channel.write(frame);
		}
	}

	private static String readFrame(SocketChannel channel) throws Exception {
		ByteBuffer length = readExactly(channel, 4);
		return new String(readExactly(channel, length.getInt()).array(), StandardCharsets.UTF_8);
	}

	private static ByteBuffer readExactly(SocketChannel channel, int n) throws Exception {
		ByteBuffer buffer = ByteBuffer.allocate(n);
		while (buffer.hasRemaining()) {
			if (channel.read(buffer) < 0) {
				throw new IllegalStateException("the server closed the connection");
			}
		}
		return buffer.flip();
	}

	record Order(String id, int quantity) {
	}

	/**
	 * Keeps each message it receives, and the {@code tenant} header through a {@code @Header}
	 * parameter.
	 */
	@Configuration(proxyBeanMethods = false)
	static class HeaderRecorder {

		final BlockingQueue<Message<?>> messages = new LinkedBlockingQueue<>();

		final BlockingQueue<String> tenants = new LinkedBlockingQueue<>();

		@PipeListener
		void receive(Message<byte[]> message, @Header(name = "tenant", required = false) String tenant) {
			this.messages.add(message);
			if (tenant != null) {
				this.tenants.add(tenant);
			}
		}

	}

}
