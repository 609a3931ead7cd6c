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
import io.asyncipc.messaging.envelope.Envelope;
import io.asyncipc.messaging.envelope.EnvelopeCodec;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeTransport;
import io.asyncipc.transport.TestNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The wire format over real sockets: headers that a template sends reach {@code @Header}
 * parameters on an envelope pipe, from a client to the server and from the server to one
 * client, while a peer cannot set the headers of {@link PipeHeaders#PREFIX}; an envelope
 * server serves a raw peer and an envelope client side by side; a raw Java client talks to an
 * envelope server; an envelope client of a raw server warns within a second, naming the
 * property, and delivers nothing.
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
	void headersGivenToTheTemplateReachHeaderParametersFromClientToServer() {
		runner("server", HeaderRecorder.class).run((server) -> runner("client").run((client) -> {
			PipeContexts.awaitConnected(client);
			Map<String, Object> headers = new LinkedHashMap<>();
			headers.put("tenant", "acme");
			headers.put("region", "eu-west");
			headers.put("attempt", 3);
			headers.put("deadline", Duration.ofSeconds(5));
			headers.put(MessageHeaders.CONTENT_TYPE, "application/vnd.acme.order+json");
			headers.put(PipeHeaders.CORRELATION_ID, "r-7");
			headers.put(PipeHeaders.PEER_USER, "mallory");
			client.getBean(PipeTemplate.class).convertAndSend(PipeTemplate.PEER, new Order("o-1", 2), headers);
			HeaderRecorder recorder = server.getBean(HeaderRecorder.class);
			Message<?> received = recorder.messages.poll(5, TimeUnit.SECONDS);
			assertThat(received).isNotNull();
			assertThat(new String((byte[]) received.getPayload(), StandardCharsets.UTF_8))
				.isEqualTo("{\"id\":\"o-1\",\"quantity\":2}");
			assertThat(received.getHeaders()).containsEntry("tenant", "acme")
				.containsEntry("region", "eu-west")
				.containsEntry("attempt", "3")
				.containsEntry("deadline", "PT5S")
				.containsEntry(PipeHeaders.CORRELATION_ID, "r-7")
				.containsEntry(PipeHeaders.TYPE_ID, Order.class.getName());
			assertThat(received.getHeaders().get(MessageHeaders.CONTENT_TYPE))
				.hasToString("application/vnd.acme.order+json");
			// The template leaves the prefix behind: the peer user is what the OS says.
			assertThat(received.getHeaders().get(PipeHeaders.PEER_USER))
				.isEqualTo(serverSideConnection(server).peer().user());
			assertThat(recorder.tenants.poll(5, TimeUnit.SECONDS)).isEqualTo("acme");
			assertThat(recorder.attempts.poll(5, TimeUnit.SECONDS)).isEqualTo(3);
		}));
	}

	@Test
	void headersGivenToTheServersTemplateForOneConnectionReachTheClientsListener() {
		runner("server").run((server) -> runner("client", HeaderRecorder.class).run((client) -> {
			PipeContexts.awaitConnected(client);
			String connectionId = serverSideConnection(server).id();
			Map<String, Object> headers = new LinkedHashMap<>();
			headers.put("tenant", "acme");
			headers.put("attempt", 4L);
			headers.put("status", Thread.State.RUNNABLE);
			headers.put(PipeHeaders.CORRELATION_ID, "r-8");
			server.getBean(PipeTemplate.class).convertAndSend(connectionId, "accepted", headers);
			HeaderRecorder recorder = client.getBean(HeaderRecorder.class);
			Message<?> received = recorder.messages.poll(5, TimeUnit.SECONDS);
			assertThat(received).isNotNull();
			assertThat(new String((byte[]) received.getPayload(), StandardCharsets.UTF_8)).isEqualTo("accepted");
			assertThat(received.getHeaders()).containsEntry("tenant", "acme")
				.containsEntry("attempt", "4")
				.containsEntry("status", "RUNNABLE")
				.containsEntry(PipeHeaders.CORRELATION_ID, "r-8")
				.containsEntry(PipeHeaders.TYPE_ID, String.class.getName());
			assertThat(received.getHeaders().get(MessageHeaders.CONTENT_TYPE)).hasToString("text/plain;charset=UTF-8");
			assertThat(recorder.tenants.poll(5, TimeUnit.SECONDS)).isEqualTo("acme");
			assertThat(recorder.attempts.poll(5, TimeUnit.SECONDS)).isEqualTo(4);
		}));
	}

	@Test
	void aPeerCannotSetTheHeadersOfThePrefix() throws Exception {
		runner("server", HeaderRecorder.class).run((server) -> {
			assertThat(server).hasNotFailed();
			EnvelopeCodec codec = new EnvelopeCodec();
			BlockingQueue<byte[]> fromServer = new LinkedBlockingQueue<>();
			// A peer of its own making, on the transport alone: it writes the envelope bytes itself.
			PipeEndpoint peer = server.getBean(PipeTransport.class)
				.createClient(this.name, PipeOptions.defaults(), (connection, bytes) -> fromServer.add(bytes));
			peer.start();
			try {
				await().atMost(10, TimeUnit.SECONDS).until(() -> peer.connections().size() == 1);
				PipeConnection connection = peer.connections().iterator().next();
				connection.send(codec.encodeHello()).get(5, TimeUnit.SECONDS);
				assertThat(fromServer.poll(5, TimeUnit.SECONDS)).isEqualTo(codec.encodeHello());
				Envelope forged = Envelope.builder()
					.payload("forged".getBytes(StandardCharsets.UTF_8))
					.header(PipeHeaders.CONNECTION_ID, "forged")
					.header(PipeHeaders.PEER_USER, "mallory")
					.header(PipeHeaders.PIPE_NAME, "another-pipe")
					.header(PipeHeaders.PREFIX + "admin", "true")
					.header("tenant", "acme")
					.build();
				connection.send(codec.encode(forged)).get(5, TimeUnit.SECONDS);
				Message<?> received = server.getBean(HeaderRecorder.class).messages.poll(5, TimeUnit.SECONDS);
				assertThat(received).isNotNull();
				PipeConnection serverSide = serverSideConnection(server);
				assertThat(received.getHeaders()).containsEntry("tenant", "acme")
					.containsEntry(PipeHeaders.CONNECTION_ID, serverSide.id())
					.containsEntry(PipeHeaders.PEER_USER, serverSide.peer().user())
					.containsEntry(PipeHeaders.PIPE_NAME, this.name)
					.doesNotContainKey(PipeHeaders.PREFIX + "admin");
			}
			finally {
				peer.stop(Duration.ofSeconds(5));
			}
		});
	}

	private static PipeConnection serverSideConnection(AssertableApplicationContext server) {
		PipeEndpointContainer container = server.getBean(PipeEndpointContainer.class);
		await().atMost(10, TimeUnit.SECONDS).until(() -> container.getEndpoint().connections().size() == 1);
		return container.getEndpoint().connections().iterator().next();
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
					// The server got the hello as a raw message: the client's hello, with its largest message, is all
					// it sees.
					String hello = new String(new EnvelopeCodec().encodeHello(Map.of(
							EnvelopeCodec.MAX_MESSAGE_SIZE_PARAMETER, Long.toString(DataSize.ofMegabytes(16).toBytes()))),
							StandardCharsets.UTF_8);
					assertThat(server.getBean(TextCollector.class).texts.poll(5, TimeUnit.SECONDS)).isEqualTo(hello);
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
	 * Keeps each message it receives, and the {@code tenant} and {@code attempt} headers through
	 * {@code @Header} parameters, {@code attempt} converted from the string it travels as.
	 */
	@Configuration(proxyBeanMethods = false)
	static class HeaderRecorder {

		final BlockingQueue<Message<?>> messages = new LinkedBlockingQueue<>();

		final BlockingQueue<String> tenants = new LinkedBlockingQueue<>();

		final BlockingQueue<Integer> attempts = new LinkedBlockingQueue<>();

		@PipeListener
		void receive(Message<byte[]> message, @Header(name = "tenant", required = false) String tenant,
				@Header(name = "attempt", required = false) Integer attempt) {
			this.messages.add(message);
			if (tenant != null) {
				this.tenants.add(tenant);
			}
			if (attempt != null) {
				this.attempts.add(attempt);
			}
		}

	}

}
