package io.asyncipc.transport.unix;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import io.asyncipc.transport.EndpointState;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeException;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.RecordingHandler;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What only the Unix transport does with socket files: private permissions, removal on stop,
 * stale files replaced, and files that are not sockets left alone.
 */
class UnixLifecycleIntegrationTests extends UnixEndpoints {

	@Test
	void serverListensOnAPrivateSocketFileAndRemovesItOnStop() throws Exception {
		PipeEndpoint server = server(new RecordingHandler());
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
	void fileThatIsNotASocketIsLeftAlone() throws IOException {
		Path path = UnixSocketAddresses.resolve(this.name);
		Files.writeString(path, "precious");
		try {
			PipeEndpoint server = transport().createServer(this.name, PipeOptions.defaults(), new RecordingHandler());
			assertThatExceptionOfType(PipeException.class).isThrownBy(server::start)
				.withMessageContaining("is not a socket");
			assertThat(path).hasContent("precious");
		}
		finally {
			Files.delete(path);
		}
	}

}
