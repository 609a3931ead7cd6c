package io.asyncipc.transport.windows;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.asyncipc.transport.DisconnectReason;
import io.asyncipc.transport.EndpointState;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.RecordingHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A completion whose handling throws closes only what it belongs to, and the I/O thread goes
 * on serving everything else. The fault is injected through the I/O thread's
 * {@link PipeIoLoop#beforeCompletion} hook, since no real completion throws on demand.
 */
@EnabledOnOs(value = OS.WINDOWS, disabledReason = WindowsSuite.SKIPPED)
class WindowsCompletionFaultsIntegrationTests {

	private final WindowsEndpoints endpoints = new WindowsEndpoints();

	private final RecordingHandler serverHandler = new RecordingHandler().echoing();

	@AfterEach
	void stop() {
		this.endpoints.close();
	}

	@Test
	void aReadCompletionThatThrowsClosesOnlyItsConnection() throws Exception {
		AtomicReference<String> victim = new AtomicReference<>();
		WindowsServerEndpoint server = this.endpoints.newServer(this.serverHandler);
		server.loop().beforeCompletion((operation) -> {
			String id = victim.get();
			if (id != null && operation.describe().startsWith("read on connection " + id + " ")
					&& victim.compareAndSet(id, null)) {
				throw new IllegalStateException("injected fault in the " + operation.describe());
			}
		});
		server.start();
		RecordingHandler victimHandler = new RecordingHandler();
		this.endpoints.client(victimHandler);
		PipeConnection victimOnServer = WindowsEndpoints.awaitConnection(this.serverHandler);
		PipeConnection victimClient = WindowsEndpoints.awaitConnection(victimHandler);
		RecordingHandler otherHandler = new RecordingHandler();
		this.endpoints.client(otherHandler);
		WindowsEndpoints.awaitConnection(this.serverHandler);
		PipeConnection other = WindowsEndpoints.awaitConnection(otherHandler);
		victim.set(victimOnServer.id());
		victimClient.send(bytes("boom"));
		RecordingHandler.Disconnect disconnect = this.serverHandler.disconnected.poll(20, TimeUnit.SECONDS);
		assertThat(disconnect).isNotNull();
		assertThat(disconnect.connection().id()).isEqualTo(victimOnServer.id());
		assertThat(disconnect.reason()).isEqualTo(DisconnectReason.IO_ERROR);
		assertThat(disconnect.cause()).hasMessageContaining("injected fault in the read on connection");
		assertEchoes(other, otherHandler);
		assertThat(server.status().state()).isEqualTo(EndpointState.LISTENING);
	}

	@Test
	void aWaitingInstanceWhoseCompletionThrowsIsReplacedAndClientsStillConnect() throws Exception {
		AtomicBoolean armed = new AtomicBoolean(true);
		WindowsServerEndpoint server = this.endpoints.newServer(this.serverHandler);
		server.loop().beforeCompletion((operation) -> {
			if (operation.describe().startsWith("waiting instance") && armed.compareAndSet(true, false)) {
				throw new IllegalStateException("injected fault in the " + operation.describe());
			}
		});
		server.start();
		RecordingHandler clientHandler = new RecordingHandler();
		PipeEndpoint clientEndpoint = this.endpoints.client(clientHandler);
		PipeConnection onServer = WindowsEndpoints.awaitConnection(this.serverHandler);
		assertThat(armed).as("the fault was injected").isFalse();
		// The client may have seen the failed instance as a connection that ended at once; the
		// server's greeting arrives on the one that lasts.
		assertThat(onServer.send(bytes("hello"))).succeedsWithin(10, TimeUnit.SECONDS);
		await().atMost(10, TimeUnit.SECONDS).until(() -> clientHandler.messageCount() == 1);
		String clientId = clientHandler.messages.keySet().iterator().next();
		PipeConnection client = clientEndpoint.connection(clientId).orElseThrow();
		assertEchoes(client, clientHandler);
		assertThat(server.status().state()).isEqualTo(EndpointState.LISTENING);
	}

	private static void assertEchoes(PipeConnection connection, RecordingHandler handler) {
		int before = handler.messagesOf(connection.id()).size();
		assertThat(connection.send(bytes("still served"))).succeedsWithin(10, TimeUnit.SECONDS);
		await().atMost(10, TimeUnit.SECONDS).until(() -> handler.messagesOf(connection.id()).size() == before + 1);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
