package io.asyncipc.transport.unix;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.asyncipc.transport.DisconnectReason;
import io.asyncipc.transport.EndpointState;
import io.asyncipc.transport.PipeAddressInUseException;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeException;
import io.asyncipc.transport.PipeHandler;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.RecordingHandler;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Starting, stopping, names that are taken, and clients that outlive their server.
 */
class UnixLifecycleIntegrationTests extends UnixEndpoints {

	@Test
	void serverReportsCreatedAndListensOnAPrivateSocketFile() throws Exception {
		RecordingHandler handler = new RecordingHandler();
		PipeEndpoint server = server(handler);
		assertThat(handler.created).containsExactly(server);
		assertThat(server.status().state()).isEqualTo(EndpointState.LISTENING);
		Path socket = Path.of(server.address());
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
		server.stop(Duration.ofSeconds(1));
		assertThat(socket).doesNotExist();
		assertThat(server.status().state()).isEqualTo(EndpointState.STOPPED);
	}

	@Test
	void staleSocketFileIsReplaced() throws Exception {
		Path path = UnixSocketAddresses.resolve(this.name);
		try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
			dead.bind(UnixDomainSocketAddress.of(path));
		}
		assertThat(path).exists();
		server(new RecordingHandler());
		RecordingHandler clientHandler = new RecordingHandler();
		client(clientHandler);
		awaitConnection(clientHandler);
	}

	@Test
	void liveSocketIsNotTakenByASecondServer() throws Exception {
		RecordingHandler firstHandler = new RecordingHandler();
		PipeEndpoint first = server(firstHandler);
		awaitNoConnections(first, firstHandler);
		PipeEndpoint second = this.transport.createServer(this.name, PipeOptions.defaults(), new RecordingHandler());
		assertThatExceptionOfType(PipeAddressInUseException.class).isThrownBy(second::start)
			.withMessageContaining("already in use")
			.withMessageContaining(first.address());
		second.stop(Duration.ofSeconds(1));
		assertThat(Path.of(first.address())).exists();
		RecordingHandler clientHandler = new RecordingHandler();
		client(clientHandler);
		awaitConnection(clientHandler);
		await().atMost(5, TimeUnit.SECONDS).until(() -> first.connections().size() == 1);
	}

	@Test
	void fileThatIsNotASocketIsLeftAlone() throws IOException {
		Path path = UnixSocketAddresses.resolve(this.name);
		Files.writeString(path, "precious");
		try {
			PipeEndpoint server = this.transport.createServer(this.name, PipeOptions.defaults(), new RecordingHandler());
			assertThatExceptionOfType(PipeException.class).isThrownBy(server::start)
				.withMessageContaining("is not a socket");
			assertThat(path).hasContent("precious");
		}
		finally {
			Files.delete(path);
		}
	}

	@Test
	void clientStartedBeforeItsServerConnectsAndReconnectsAfterARestart() throws Exception {
		RecordingHandler clientHandler = new RecordingHandler();
		PipeEndpoint client = client(clientHandler);
		await().atMost(5, TimeUnit.SECONDS).until(() -> client.status().failedAttempts() >= 2);
		assertThat(client.status().state()).isIn(EndpointState.RECONNECTING, EndpointState.CONNECTING);
		assertThat(client.status().lastError()).isNotNull();

		PipeEndpoint server = this.transport.createServer(this.name, PipeOptions.defaults(), new RecordingHandler());
		server.start();
		PipeConnection first = awaitConnection(clientHandler);
		assertThat(client.status().state()).isEqualTo(EndpointState.CONNECTED);
		assertThat(client.status().failedAttempts()).isZero();

		server.stop(Duration.ofSeconds(1));
		RecordingHandler.Disconnect lost = clientHandler.disconnected.poll(5, TimeUnit.SECONDS);
		assertThat(lost).isNotNull();
		assertThat(lost.reason()).isEqualTo(DisconnectReason.PEER_CLOSED);
		await().atMost(5, TimeUnit.SECONDS).until(() -> client.status().state() != EndpointState.CONNECTED);

		RecordingHandler restartedHandler = new RecordingHandler();
		server(restartedHandler);
		PipeConnection second = awaitConnection(clientHandler);
		assertThat(second.id()).isNotEqualTo(first.id());
		assertThat(second.send("back".getBytes())).succeedsWithin(5, TimeUnit.SECONDS);
		await().atMost(5, TimeUnit.SECONDS).until(() -> restartedHandler.messageCount() == 1);
		assertThat(clientHandler.states).containsSubsequence(EndpointState.CONNECTING, EndpointState.RECONNECTING,
				EndpointState.CONNECTED, EndpointState.RECONNECTING, EndpointState.CONNECTED);
	}

	@Test
	void thousandConnectDisconnectCyclesLeaveNoDescriptorsOrThreadsBehind() throws Exception {
		RecordingHandler serverHandler = new RecordingHandler();
		PipeEndpoint server = server(serverHandler);
		cycles(5);
		await().atMost(5, TimeUnit.SECONDS).until(() -> server.connections().isEmpty());
		long descriptorsBefore = openDescriptors();
		long threadsBefore = asyncIpcThreads();

		cycles(1_000);

		await().atMost(10, TimeUnit.SECONDS).until(() -> server.connections().isEmpty());
		assertThat(openDescriptors()).isEqualTo(descriptorsBefore);
		assertThat(asyncIpcThreads()).isEqualTo(threadsBefore);
	}

	private void cycles(int count) throws InterruptedException {
		for (int i = 0; i < count; i++) {
			CountDownLatch connected = new CountDownLatch(1);
			PipeEndpoint client = this.transport.createClient(this.name, fastRetry(), new PipeHandler() {
				@Override
				public void onConnected(PipeConnection connection) {
					connected.countDown();
				}

				@Override
				public void onMessage(PipeConnection connection, byte[] message) {
				}
			});
			client.start();
			assertThat(connected.await(10, TimeUnit.SECONDS)).as("cycle %d connected", i).isTrue();
			client.stop(Duration.ofSeconds(1));
		}
	}

	private static void awaitNoConnections(PipeEndpoint server, RecordingHandler handler) {
		assertThat(server.connections()).isEmpty();
		assertThat(handler.connected).isEmpty();
	}

	private static long openDescriptors() throws IOException {
		try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
			return descriptors.count();
		}
	}

	private static long asyncIpcThreads() {
		return Thread.getAllStackTraces().keySet().stream().filter((t) -> t.getName().startsWith("asyncipc-")).count();
	}

}
