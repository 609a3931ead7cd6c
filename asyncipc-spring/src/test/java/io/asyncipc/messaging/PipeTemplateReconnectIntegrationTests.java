package io.asyncipc.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.asyncipc.transport.PipeClosedException;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeRole;
import io.asyncipc.transport.RecordingHandler;
import io.asyncipc.transport.TestNames;
import io.asyncipc.transport.unix.UnixSocketTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.converter.CompositeMessageConverter;
import org.springframework.messaging.converter.StringMessageConverter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client's {@link PipeTemplate} keeps the connection to its server that it last sent on, to
 * skip copying the endpoint's connections for each send: once that connection closed, a send
 * fails as before, and once the client reconnected, sends go on the new connection.
 */
class PipeTemplateReconnectIntegrationTests {

	private final UnixSocketTransport transport = new UnixSocketTransport();

	private final String name = TestNames.random();

	private final RecordingHandler serverHandler = new RecordingHandler();

	private final PipeEndpoint server = this.transport.createServer(this.name, PipeOptions.defaults(),
			this.serverHandler);

	private final PipeEndpointContainer client = new PipeEndpointContainer(this.transport, this.name,
			PipeRole.CLIENT,
			PipeOptions.builder().reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(50)).build(),
			new PipeListenerEndpointRegistry());

	private final PipeTemplate template = new PipeTemplate(this.client,
			new CompositeMessageConverter(List.of(new ByteArrayMessageConverter(), new StringMessageConverter())));

	@AfterEach
	void stop() {
		this.client.stop();
		this.server.stop(Duration.ofSeconds(5));
	}

	@Test
	void sendsGoOnTheNewConnectionOnceTheClientReconnected() throws Exception {
		this.client.setFormat(PipeFormat.RAW, "asyncipc.format");
		this.server.start();
		this.client.start();
		PipeConnection first = connected();
		this.template.convertAndSendAsync("one").get(10, TimeUnit.SECONDS);
		await().atMost(10, TimeUnit.SECONDS).until(() -> this.serverHandler.messagesOf(first.id()).size() == 1);
		PipeConnection old = this.client.getEndpoint().connections().iterator().next();
		first.close();
		await().atMost(10, TimeUnit.SECONDS).until(() -> !old.isOpen());
		PipeConnection second = connected();
		this.template.convertAndSendAsync("two").get(10, TimeUnit.SECONDS);
		await().atMost(10, TimeUnit.SECONDS).until(() -> this.serverHandler.messagesOf(second.id()).size() == 1);
		assertThat(new String(this.serverHandler.messagesOf(second.id()).get(0), StandardCharsets.UTF_8))
			.isEqualTo("two");
		assertThat(this.serverHandler.messagesOf(first.id())).hasSize(1);
	}

	@Test
	void sendsFailWhileTheClientIsNotConnected() throws Exception {
		this.client.setFormat(PipeFormat.RAW, "asyncipc.format");
		this.server.start();
		this.client.start();
		PipeConnection first = connected();
		this.template.convertAndSendAsync("one").get(10, TimeUnit.SECONDS);
		PipeConnection old = this.client.getEndpoint().connections().iterator().next();
		this.server.stop(Duration.ofSeconds(5));
		await().atMost(10, TimeUnit.SECONDS).until(() -> !old.isOpen());
		assertThat(this.template.convertAndSendAsync("lost")).failsWithin(10, TimeUnit.SECONDS)
			.withThrowableThat()
			.withCauseInstanceOf(PipeClosedException.class);
	}

	/**
	 * Returns the server's side of the client's next connection, once both sides have it.
	 */
	private PipeConnection connected() throws InterruptedException {
		PipeConnection connection = this.serverHandler.connected.poll(10, TimeUnit.SECONDS);
		assertThat(connection).isNotNull();
		await().atMost(10, TimeUnit.SECONDS)
			.until(() -> this.client.getEndpoint().connections().stream().anyMatch(PipeConnection::isOpen));
		return connection;
	}

}
