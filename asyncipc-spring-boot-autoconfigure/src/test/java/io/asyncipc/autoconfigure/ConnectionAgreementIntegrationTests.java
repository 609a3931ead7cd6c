package io.asyncipc.autoconfigure;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.asyncipc.messaging.PipeHeaders;
import io.asyncipc.messaging.PipeListener;
import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.messaging.event.PipeConnectedEvent;
import io.asyncipc.messaging.event.PipeDisconnectedEvent;
import io.asyncipc.transport.MessageTooLargeException;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.SendResult;
import io.asyncipc.transport.TestNames;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.messaging.handler.annotation.Header;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * What the envelope peers agree on when a connection opens, over real sockets: both ends name
 * the connection with the server's id (events, the connection id header, send results, the
 * template's addressing), and each end refuses at once to send what its peer said it would not
 * accept, naming the limit, instead of sending it and having the peer close the connection.
 */
class ConnectionAgreementIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final String name = TestNames.random();

	/**
	 * Returns the value of {@code asyncipc.mode} the pipes run with.
	 * @return the mode
	 */
	protected String mode() {
		return "auto";
	}

	private ApplicationContextRunner runner(String role) {
		return PipeContexts.runner(this.name, role, ConnectionRecorder.class)
			.withPropertyValues("asyncipc.mode=" + mode());
	}

	@Test
	void bothEndsNameAConnectionWithTheServersId() {
		runner("server").run((server) -> runner("client").run((client) -> {
			String serverId = poll(recorder(server).connected).getConnectionId();
			// The client's event comes once the server's hello is in, with the id that hello carried.
			String clientId = poll(recorder(client).connected).getConnectionId();
			assertThat(clientId).isEqualTo(serverId);
			assertThat(endpoint(client).connection(serverId)).isPresent();
			assertThat(endpoint(client).connections()).extracting(PipeConnection::id).containsExactly(serverId);

			SendResult sent = client.getBean(PipeTemplate.class).convertAndSendAsync("to the server").get(10,
					TimeUnit.SECONDS);
			assertThat(sent.connectionId()).isEqualTo(serverId);
			assertThat(poll(recorder(server).connectionIds)).isEqualTo(serverId);
			// The server addresses the connection by its id, and the client's listener sees the same one.
			server.getBean(PipeTemplate.class).convertAndSendAsync(serverId, "to the client").get(10, TimeUnit.SECONDS);
			assertThat(poll(recorder(client).connectionIds)).isEqualTo(serverId);
			// The client's template finds the connection by it too.
			client.getBean(PipeTemplate.class).convertAndSendAsync(serverId, "again").get(10, TimeUnit.SECONDS);
			assertThat(poll(recorder(server).connectionIds)).isEqualTo(serverId);

			endpoint(server).connection(serverId).orElseThrow().close();
			assertThat(poll(recorder(client).disconnected).getConnectionId()).isEqualTo(serverId);
			assertThat(poll(recorder(server).disconnected).getConnectionId()).isEqualTo(serverId);
		}));
	}

	@Test
	void aClientRefusesToSendMoreThanItsServerAcceptsAndTheConnectionStaysOpen() {
		runner("server").withPropertyValues("asyncipc.max-message-size=1KB")
			.run((server) -> runner("client").run((client) -> {
				String id = poll(recorder(client).connected).getConnectionId();
				CompletableFuture<SendResult> large = client.getBean(PipeTemplate.class)
					.convertAndSendAsync("x".repeat(2048));
				assertThatExceptionOfType(Exception.class).isThrownBy(() -> large.get(10, TimeUnit.SECONDS))
					.havingCause()
					.isInstanceOf(MessageTooLargeException.class)
					.withMessageContaining("is larger than the maximum of 1024 bytes that the peer of connection " + id)
					.withMessageContaining("asyncipc.max-message-size")
					.withMessageEndingWith("the message was not sent");
				// Nothing went out, so the server had no reason to close: the next message arrives.
				client.getBean(PipeTemplate.class).convertAndSendAsync("small").get(10, TimeUnit.SECONDS);
				assertThat(poll(recorder(server).texts)).isEqualTo("small");
				assertThat(recorder(server).disconnected).isEmpty();
			}));
	}

	@Test
	void aServerRefusesToSendMoreThanItsClientAccepts() {
		runner("server").run((server) -> runner("client").withPropertyValues("asyncipc.max-message-size=1KB")
			.run((client) -> {
				String id = poll(recorder(server).connected).getConnectionId();
				// The server learns the client's limit from the client's hello, its first message.
				await().atMost(WAIT)
					.untilAsserted(() -> assertThat(server.getBean(PipeTemplate.class)
						.convertAndSendAsync(id, "x".repeat(2048))).failsWithin(WAIT)
						.withThrowableOfType(Exception.class)
						.havingCause()
						.isInstanceOf(MessageTooLargeException.class)
						.withMessageContaining("1024 bytes that the peer of connection " + id));
				server.getBean(PipeTemplate.class).convertAndSendAsync(id, "small").get(10, TimeUnit.SECONDS);
				assertThat(poll(recorder(client).texts)).isEqualTo("small");
				assertThat(recorder(client).disconnected).isEmpty();
			}));
	}

	private static ConnectionRecorder recorder(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		return context.getBean(ConnectionRecorder.class);
	}

	private static PipeEndpoint endpoint(AssertableApplicationContext context) {
		return context.getBean(io.asyncipc.messaging.PipeEndpointContainer.class).getEndpoint();
	}

	private static <T> T poll(BlockingQueue<T> queue) throws InterruptedException {
		T value = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(value).as("nothing came within " + WAIT).isNotNull();
		return value;
	}

	@Configuration(proxyBeanMethods = false)
	static class ConnectionRecorder {

		final BlockingQueue<PipeConnectedEvent> connected = new LinkedBlockingQueue<>();

		final BlockingQueue<PipeDisconnectedEvent> disconnected = new LinkedBlockingQueue<>();

		final BlockingQueue<String> connectionIds = new LinkedBlockingQueue<>();

		final BlockingQueue<String> texts = new LinkedBlockingQueue<>();

		@EventListener
		void connected(PipeConnectedEvent event) {
			this.connected.add(event);
		}

		@EventListener
		void disconnected(PipeDisconnectedEvent event) {
			this.disconnected.add(event);
		}

		@PipeListener
		void receive(String text, @Header(PipeHeaders.CONNECTION_ID) String connectionId) {
			this.connectionIds.add(connectionId);
			this.texts.add(text);
		}

	}

}
