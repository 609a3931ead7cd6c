package io.asyncipc.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.messaging.PipeHandler;
import io.asyncipc.messaging.PipeHeaders;
import io.asyncipc.messaging.PipeListener;
import io.asyncipc.messaging.PipeRemoteException;
import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.transport.MessageTooLargeException;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.SendResult;
import io.asyncipc.transport.TestNames;
import io.asyncipc.transport.unix.UnixSocketAddresses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Headers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A native peer of {@code interop/} against the auto-configured pipe, over a real socket or named
 * pipe: a native envelope client sends a type id and headers to a Java server's listener and gets
 * its answer; a native raw client and a native envelope client share one server pipe, each
 * answered in its own format; a Java client talks to a native envelope server, and a raw Java
 * client to a native raw server; requests go both ways and get their replies, or the remote
 * error; the hellos carry each end's largest message, and a send larger than the peer accepts
 * fails at once, on either side, while the connection stays open. Each subclass runs them with
 * one peer on one platform.
 */
abstract class NativeEnvelopePeerIntegrationTests {

	private static final String ORDER_JSON = "{\"id\":\"o-1\",\"quantity\":2}";

	protected final String name = TestNames.random();

	private final List<NativeEnvelopePeer> peers = new ArrayList<>();

	/**
	 * Returns the program that runs the peer, and its first arguments.
	 * @return the command
	 */
	protected abstract List<String> peerCommand() throws Exception;

	/**
	 * Returns the name that the peer answers with, as in {@code python got: ...}.
	 * @return the name
	 */
	protected abstract String peerName();

	/**
	 * Returns the arguments that tell the peer where the pipe is.
	 * @param pipeName the pipe's name, as given to {@code asyncipc.name}
	 * @return the arguments
	 */
	protected List<String> where(String pipeName) {
		return List.of("--socket", UnixSocketAddresses.resolve(pipeName).toString());
	}

	/**
	 * Returns the value of {@code asyncipc.mode} the Java side runs with.
	 * @return the mode
	 */
	protected String mode() {
		return "auto";
	}

	@AfterEach
	void stopPeers() throws InterruptedException {
		for (NativeEnvelopePeer peer : this.peers) {
			peer.close();
		}
	}

	private ApplicationContextRunner runner(String role, Class<?>... userConfiguration) {
		return PipeContexts.runner(this.name, role, userConfiguration).withPropertyValues("asyncipc.mode=" + mode());
	}

	/**
	 * Starts the peer with the pipe's location and the given arguments.
	 * @param arguments what follows the location, such as {@code --role client}
	 * @return the running peer
	 */
	protected NativeEnvelopePeer startPeer(String... arguments) throws Exception {
		List<String> command = new ArrayList<>(peerCommand());
		command.addAll(where(this.name));
		command.addAll(List.of(arguments));
		NativeEnvelopePeer peer = NativeEnvelopePeer.start(command);
		this.peers.add(peer);
		return peer;
	}

	@Test
	void aNativeEnvelopeClientSendsATypeIdAndHeadersToAJavaListener() {
		runner("server", Recorder.class).run((server) -> {
			NativeEnvelopePeer client = startPeer("--role", "client", "--format", "envelope", "--type-id",
					Order.class.getName(), "--content-type", "application/json", "--header", "tenant=acme",
					"--header", "attempt=3");
			client.awaitLine("connected");
			client.send(ORDER_JSON);
			NativeEnvelopePeerLine answer = client.nextLine();
			assertThat(answer.event()).isEqualTo("received");
			assertThat(answer.format()).isEqualTo("envelope");
			assertThat(answer.payload()).isEqualTo("java got order o-1 x2 for acme");
			Recorder recorder = server.getBean(Recorder.class);
			assertThat(recorder.orders.poll(5, TimeUnit.SECONDS)).isEqualTo(new Order("o-1", 2));
			Map<String, Object> headers = recorder.orderHeaders.poll(5, TimeUnit.SECONDS);
			assertThat(headers).containsEntry("tenant", "acme")
				.containsEntry("attempt", "3")
				.containsEntry(PipeHeaders.TYPE_ID, Order.class.getName());
			assertThat(headers.get("contentType")).hasToString("application/json");
			assertThat(client.finish()).isZero();
		});
	}

	@Test
	void aRawAndAnEnvelopeNativeClientOnTheSameServerPipeAreEachAnsweredInTheirFormat() {
		runner("server", Recorder.class).run((server) -> {
			NativeEnvelopePeer raw = startPeer("--role", "client", "--format", "raw");
			NativeEnvelopePeer envelope = startPeer("--role", "client", "--format", "envelope", "--header",
					"tenant=acme");
			assertThat(raw.awaitLine("connected").format()).isEqualTo("raw");
			assertThat(envelope.awaitLine("connected").format()).isEqualTo("envelope");
			PipeEndpointContainer container = server.getBean(PipeEndpointContainer.class);
			await().atMost(10, TimeUnit.SECONDS).until(() -> container.getEndpoint().connections().size() == 2);
			Recorder recorder = server.getBean(Recorder.class);

			envelope.send("first from the envelope peer");
			NativeEnvelopePeerLine enveloped = envelope.nextLine();
			assertThat(enveloped.format()).isEqualTo("envelope");
			assertThat(enveloped.payload()).isEqualTo("java got: first from the envelope peer");
			Message<byte[]> fromEnvelope = recorder.others.poll(5, TimeUnit.SECONDS);
			assertThat(fromEnvelope).isNotNull();
			assertThat(fromEnvelope.getHeaders()).containsEntry("tenant", "acme");

			raw.send("from the raw peer");
			NativeEnvelopePeerLine plain = raw.nextLine();
			assertThat(plain.format()).isEqualTo("raw");
			assertThat(plain.payload()).isEqualTo("java got: from the raw peer");
			Message<byte[]> fromRaw = recorder.others.poll(5, TimeUnit.SECONDS);
			assertThat(fromRaw).isNotNull();
			assertThat(new String(fromRaw.getPayload(), StandardCharsets.UTF_8)).isEqualTo("from the raw peer");
			assertThat(fromRaw.getHeaders()).doesNotContainKeys("tenant", PipeHeaders.TYPE_ID);
			assertThat(fromRaw.getHeaders().get(PipeHeaders.CONNECTION_ID))
				.isNotEqualTo(fromEnvelope.getHeaders().get(PipeHeaders.CONNECTION_ID));

			envelope.send("second from the envelope peer");
			assertThat(envelope.nextLine().payload()).isEqualTo("java got: second from the envelope peer");
			assertThat(raw.finish()).isZero();
			assertThat(envelope.finish()).isZero();
		});
	}

	@Test
	void aJavaClientTalksToANativeEnvelopeServer() throws Exception {
		NativeEnvelopePeer server = startPeer("--role", "server", "--format", "envelope");
		server.awaitLine("ready");
		runner("client", TextCollector.class).run((client) -> {
			PipeContexts.awaitConnected(client);
			client.getBean(PipeTemplate.class)
				.convertAndSend(PipeTemplate.PEER, "hello from Java", Map.of("tenant", "acme"));
			NativeEnvelopePeerLine received = server.nextLine();
			assertThat(received.event()).isEqualTo("received");
			assertThat(received.format()).isEqualTo("envelope");
			assertThat(received.typeId()).isEqualTo(String.class.getName());
			assertThat(received.headers()).containsEntry("tenant", "acme");
			assertThat(received.payload()).isEqualTo("hello from Java");
			assertThat(client.getBean(TextCollector.class).texts.poll(5, TimeUnit.SECONDS))
				.isEqualTo(peerName() + " got: hello from Java");
		});
	}

	@Test
	void aRawJavaClientTalksToANativeRawServer() throws Exception {
		NativeEnvelopePeer server = startPeer("--role", "server", "--format", "raw");
		server.awaitLine("ready");
		runner("client", TextCollector.class).withPropertyValues("asyncipc.format=raw").run((client) -> {
			PipeContexts.awaitConnected(client);
			client.getBean(PipeTemplate.class).convertAndSend("plain words");
			NativeEnvelopePeerLine received = server.nextLine();
			assertThat(received.format()).isEqualTo("raw");
			assertThat(received.payload()).isEqualTo("plain words");
			assertThat(client.getBean(TextCollector.class).texts.poll(5, TimeUnit.SECONDS))
				.isEqualTo(peerName() + " got: plain words");
		});
	}

	@Test
	void aNativeEnvelopeClientsRequestsGetTheListenersReplyOrItsException() {
		runner("server", Recorder.class).run((server) -> {
			NativeEnvelopePeer client = startPeer("--role", "client", "--format", "envelope", "--request");
			client.awaitLine("connected");
			client.send("ping");
			NativeEnvelopePeerLine reply = client.nextLine();
			assertThat(reply.event()).isEqualTo("reply");
			assertThat(reply.flags()).isEqualTo("reply");
			assertThat(reply.payload()).isEqualTo("java got: ping");
			Message<byte[]> request = server.getBean(Recorder.class).others.poll(5, TimeUnit.SECONDS);
			assertThat(request).isNotNull();
			assertThat(request.getHeaders().get(PipeHeaders.CORRELATION_ID)).isEqualTo(reply.correlationId());
			client.send("fail");
			NativeEnvelopePeerLine error = client.nextLine();
			assertThat(error.event()).isEqualTo("remote-error");
			assertThat(error.flags()).isEqualTo("reply,error");
			assertThat(error.typeId()).isEqualTo(IllegalStateException.class.getName());
			assertThat(error.payload()).isEqualTo("java refused: fail");
			assertThat(error.correlationId()).isNotEqualTo(reply.correlationId());
			assertThat(client.finish()).isZero();
		});
	}

	@Test
	void aJavaClientsRequestsToANativeServerGetItsReplyOrARemoteException() throws Exception {
		NativeEnvelopePeer server = startPeer("--role", "server", "--format", "envelope", "--fail-on", "boom");
		server.awaitLine("ready");
		runner("client", TextCollector.class).run((client) -> {
			PipeContexts.awaitConnected(client);
			PipeTemplate template = client.getBean(PipeTemplate.class);
			assertThat(template.convertSendAndReceive("ping", String.class)).isEqualTo(peerName() + " got: ping");
			NativeEnvelopePeerLine request = server.nextLine();
			assertThat(request.correlationId()).isNotNull();
			assertThat(request.flags()).isEqualTo("-");
			assertThat(request.payload()).isEqualTo("ping");
			assertThatExceptionOfType(PipeRemoteException.class)
				.isThrownBy(() -> template.convertSendAndReceive("boom", String.class))
				.satisfies((ex) -> assertThat(ex.getRemoteMessage()).isEqualTo(peerName() + " peer refused: boom"));
			assertThat(server.nextLine().payload()).isEqualTo("boom");
			assertThat(client.getBean(TextCollector.class).texts).isEmpty();
		});
	}

	@Test
	void aJavaClientsSendLargerThanANativeServerAcceptsFailsAtOnceNamingTheLimitAndTheConnectionStaysOpen()
			throws Exception {
		NativeEnvelopePeer server = startPeer("--role", "server", "--format", "envelope", "--max-message-size", "1024");
		server.awaitLine("ready");
		runner("client", TextCollector.class).run((client) -> {
			PipeContexts.awaitConnected(client);
			PipeTemplate template = client.getBean(PipeTemplate.class);
			CompletableFuture<SendResult> tooLarge = template.convertAndSendAsync("x".repeat(2000));
			assertThat(tooLarge).as("refused before anything is written").isCompletedExceptionally();
			assertThat(tooLarge).failsWithin(Duration.ZERO)
				.withThrowableOfType(ExecutionException.class)
				.havingCause()
				.isInstanceOf(MessageTooLargeException.class)
				.withMessageContaining("larger than the maximum of 1024 bytes that the peer")
				.withMessageContaining("max-message-size");
			template.convertAndSend("small enough");
			assertThat(server.nextLine().payload()).as("the server got the small message only")
				.isEqualTo("small enough");
			assertThat(client.getBean(TextCollector.class).texts.poll(5, TimeUnit.SECONDS))
				.isEqualTo(peerName() + " got: small enough");
		});
	}

	@Test
	void aNativeEnvelopeClientTakesTheJavaServersLimitAndConnectionIdAndDoesNotSendLargerMessages() {
		runner("server", Recorder.class).withPropertyValues("asyncipc.max-message-size=2KB").run((server) -> {
			NativeEnvelopePeer client = startPeer("--role", "client", "--format", "envelope");
			NativeEnvelopePeerLine connected = client.awaitLine("connected");
			assertThat(connected.fields()).containsEntry("max-message-size", "2048");
			PipeEndpointContainer container = server.getBean(PipeEndpointContainer.class);
			await().atMost(10, TimeUnit.SECONDS).until(() -> container.getEndpoint().connections().size() == 1);
			assertThat(container.getEndpoint().connections()).extracting(PipeConnection::id)
				.containsExactly(connected.fields().get("connection"));
			client.send("y".repeat(3000));
			NativeEnvelopePeerLine notSent = client.nextLine();
			assertThat(notSent.event()).isEqualTo("not-sent");
			assertThat(notSent.fields()).containsEntry("limit", "2048");
			client.send("after the large one");
			assertThat(client.nextLine().payload()).isEqualTo("java got: after the large one");
			Message<byte[]> received = server.getBean(Recorder.class).others.poll(5, TimeUnit.SECONDS);
			assertThat(received).isNotNull();
			assertThat(new String(received.getPayload(), StandardCharsets.UTF_8)).isEqualTo("after the large one");
			assertThat(server.getBean(Recorder.class).others).isEmpty();
			assertThat(client.finish()).isZero();
		});
	}

	record Order(String id, int quantity) {
	}

	/**
	 * Keeps what it receives: orders with their headers, and everything else as a message. Its
	 * answers go back to the sender; on a request, so does its exception for the text
	 * {@code fail}.
	 */
	@Configuration(proxyBeanMethods = false)
	@PipeListener(returnExceptions = true)
	static class Recorder {

		final BlockingQueue<Order> orders = new LinkedBlockingQueue<>();

		final BlockingQueue<Map<String, Object>> orderHeaders = new LinkedBlockingQueue<>();

		final BlockingQueue<Message<byte[]>> others = new LinkedBlockingQueue<>();

		@PipeHandler
		String order(Order order, @Header(name = "tenant", required = false) String tenant,
				@Headers Map<String, Object> headers) {
			this.orders.add(order);
			this.orderHeaders.add(headers);
			return "java got order " + order.id() + " x" + order.quantity() + " for " + tenant;
		}

		@PipeHandler(isDefault = true)
		String anythingElse(Message<byte[]> message) {
			this.others.add(message);
			String text = new String(message.getPayload(), StandardCharsets.UTF_8);
			if (text.equals("fail")) {
				throw new IllegalStateException("java refused: " + text);
			}
			return "java got: " + text;
		}

	}

}
