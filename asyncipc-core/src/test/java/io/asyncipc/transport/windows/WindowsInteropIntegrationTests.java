package io.asyncipc.transport.windows;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.asyncipc.transport.DisconnectReason;
import io.asyncipc.transport.EndpointsFixture;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeTransport;
import io.asyncipc.transport.RecordingHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * AsyncIPC against a native Windows peer written in C with plain message-mode pipes, built
 * with mingw: messages go both ways with a Java server and with a Java client, and a native
 * peer killed while it writes is reported without losing the other connections.
 */
@EnabledOnOs(value = OS.WINDOWS, disabledReason = WindowsSuite.SKIPPED)
class WindowsInteropIntegrationTests extends EndpointsFixture {

	private final PipeTransport transport = new WindowsPipeTransport(WindowsSuite.mode());

	private final List<Process> peers = new ArrayList<>();

	@Override
	protected PipeTransport transport() {
		return this.transport;
	}

	@AfterEach
	void killPeers() throws InterruptedException {
		for (Process peer : this.peers) {
			peer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void nativeClientTalksToTheJavaServer() throws Exception {
		RecordingHandler serverHandler = new RecordingHandler().onEachMessage((connection, message) -> connection
			.send(("java got: " + new String(message, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
		server(serverHandler);
		Process peer = startPeer("client", this.name, "greet", "hello-from-c");
		assertThat(peer.waitFor(30, TimeUnit.SECONDS)).as("the C client finished").isTrue();
		assertThat(output(peer)).containsExactly("java got: hello-from-c");
		assertThat(peer.exitValue()).isZero();
		PipeConnection connection = serverHandler.connected.poll(5, TimeUnit.SECONDS);
		assertThat(connection).isNotNull();
		assertThat(connection.peer().pid()).hasValue(peer.pid());
		assertThat(serverHandler.messagesOf(connection.id())).containsExactly("hello-from-c".getBytes());
	}

	@Test
	void javaClientTalksToTheNativeServerWithLargeAndEmptyMessages() throws Exception {
		Process peer = startPeer("server", this.name);
		assertThat(firstLine(peer)).isEqualTo("ready");
		RecordingHandler clientHandler = new RecordingHandler();
		client(clientHandler);
		PipeConnection connection = awaitConnection(clientHandler);
		assertThat(connection.peer().pid()).hasValue(peer.pid());
		List<byte[]> sent = new ArrayList<>();
		Random random = new Random(42);
		for (int size : new int[] { 5, 0, 70_000, 1024 * 1024, 0, 1 }) {
			byte[] message = new byte[size];
			random.nextBytes(message);
			sent.add(message);
			assertThat(connection.send(message)).succeedsWithin(30, TimeUnit.SECONDS);
		}
		await().atMost(30, TimeUnit.SECONDS).until(() -> clientHandler.messageCount() == sent.size());
		assertThat(clientHandler.messagesOf(connection.id())).containsExactlyElementsOf(sent);
	}

	@Test
	void nativePeerKilledWhileWritingIsReportedAndOthersGoOn() throws Exception {
		int size = 256 * 1024;
		RecordingHandler serverHandler = new RecordingHandler().echoing();
		PipeEndpoint server = server(serverHandler);
		RecordingHandler goodHandler = new RecordingHandler();
		client(goodHandler);
		PipeConnection good = awaitConnection(goodHandler);
		PipeConnection goodOnServer = awaitConnection(serverHandler);
		Process peer = startPeer("client", this.name, "flood", Integer.toString(size));
		assertThat(firstLine(peer)).isEqualTo("ready");
		PipeConnection victim = awaitConnection(serverHandler);
		await().atMost(30, TimeUnit.SECONDS).until(() -> serverHandler.messagesOf(victim.id()).size() >= 2);
		peer.destroyForcibly();
		RecordingHandler.Disconnect disconnect = serverHandler.disconnected.poll(30, TimeUnit.SECONDS);
		assertThat(disconnect).isNotNull();
		assertThat(disconnect.connection().id()).isEqualTo(victim.id());
		assertThat(disconnect.reason()).isEqualTo(DisconnectReason.PEER_CLOSED);
		assertThat(serverHandler.messagesOf(victim.id())).allSatisfy((message) -> {
			assertThat(message).hasSize(size);
			for (int i = 0; i < size; i += 4099) {
				assertThat(message[i]).isEqualTo((byte) (i % 251));
			}
		});
		assertThat(good.send("after".getBytes())).succeedsWithin(10, TimeUnit.SECONDS);
		await().atMost(10, TimeUnit.SECONDS).until(() -> goodHandler.messageCount() == 1);
		assertThat(server.connections()).extracting(PipeConnection::id).containsExactly(goodOnServer.id());
	}

	private Process startPeer(String... arguments) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(WindowsSuite.nativePeer().toString());
		command.addAll(List.of(arguments));
		Process peer = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
		this.peers.add(peer);
		return peer;
	}

	private static String firstLine(Process peer) throws IOException {
		return new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8)).readLine();
	}

	private static List<String> output(Process peer) {
		return new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8)).lines()
			.toList();
	}

}
