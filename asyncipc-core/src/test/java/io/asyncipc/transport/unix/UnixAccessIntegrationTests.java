package io.asyncipc.transport.unix;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.asyncipc.transport.EndpointState;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.RecordingHandler;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Peers running as another OS user ({@code nobody}) are refused, on both sides. The peers are
 * real Python processes started with {@code setpriv}, which needs root: elsewhere these tests
 * are skipped.
 */
class UnixAccessIntegrationTests extends UnixEndpoints {

	private static final String CONNECT_AND_READ = String.join("\n", "import socket, sys",
			"s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)", "try:", "    s.connect(sys.argv[1])",
			"except PermissionError:", "    print('denied', flush=True)", "    sys.exit(0)",
			"print('connected', flush=True)", "print('closed' if s.recv(1) == b'' else 'open', flush=True)");

	private static final String LISTEN = String.join("\n", "import os, socket, sys",
			"s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)", "s.bind(sys.argv[1])", "os.chmod(sys.argv[1], 0o777)",
			"s.listen(8)", "print('ready', flush=True)", "while True:", "    c, _ = s.accept()", "    c.recv(1)");

	private static final String SYSTEM_PYTHON = "/usr/bin/python3";

	@TempDir
	Path shared;

	@BeforeEach
	void requireRootAndSetpriv() {
		assumeTrue("root".equals(LocalUser.name()), "starting a peer as another user needs root; running as "
				+ LocalUser.name());
		assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv (util-linux) is not installed");
		assumeTrue(Files.isExecutable(Path.of(SYSTEM_PYTHON)), "the peer needs " + SYSTEM_PYTHON
				+ ", which user nobody can run");
	}

	@Test
	void anotherUserCannotReachTheDefaultSocket() throws Exception {
		PipeEndpoint server = server(new RecordingHandler());
		assertThat(runAsNobody(CONNECT_AND_READ, server.address())).containsExactly("denied");
	}

	@Test
	void anotherUserIsClosedAtOnceEvenWhenFilePermissionsLetItIn() throws Exception {
		Path socket = this.shared.resolve("open.sock");
		RecordingHandler handler = new RecordingHandler();
		PipeEndpoint server = this.transport.createServer(socket.toString(), PipeOptions.defaults(), handler);
		server.start();
		try {
			// Opened up after the start: a directory open to others is refused when the pipe starts.
			Files.setPosixFilePermissions(this.shared, PosixFilePermissions.fromString("rwxrwxrwx"));
			Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
			assertThat(runAsNobody(CONNECT_AND_READ, socket.toString())).containsExactly("connected", "closed");
			assertThat(handler.rejections.poll(5, TimeUnit.SECONDS)).contains("runs as OS user 'nobody'");
			assertThat(handler.connected).isEmpty();
			assertThat(server.connections()).isEmpty();
		}
		finally {
			server.close();
		}
	}

	@Test
	void clientRefusesAServerOfAnotherUser() throws Exception {
		Files.setPosixFilePermissions(this.shared, PosixFilePermissions.fromString("rwxrwxrwx"));
		Path socket = this.shared.resolve("foreign.sock");
		Process foreign = asNobody(LISTEN, socket.toString());
		try {
			BufferedReader output = reader(foreign);
			assertThat(output.readLine()).isEqualTo("ready");
			// Closed again once the foreign socket is in: a directory open to others is refused up front.
			Files.setPosixFilePermissions(this.shared, PosixFilePermissions.fromString("rwx------"));
			RecordingHandler handler = new RecordingHandler();
			PipeEndpoint client = this.transport.createClient(socket.toString(), fastRetry(), handler);
			client.start();
			try {
				await().atMost(10, TimeUnit.SECONDS).until(() -> client.status().failedAttempts() >= 1);
				assertThat(client.status().lastError()).hasMessageContaining("runs as OS user 'nobody'");
				assertThat(client.status().state()).isNotEqualTo(EndpointState.CONNECTED);
				assertThat(handler.connected).isEmpty();
				assertThat(handler.rejections.poll(5, TimeUnit.SECONDS)).contains("runs as OS user 'nobody'");
			}
			finally {
				client.close();
			}
		}
		finally {
			foreign.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	private static List<String> runAsNobody(String script, String path) throws IOException, InterruptedException {
		Process process = asNobody(script, path);
		assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("the peer finished").isTrue();
		return reader(process).lines().toList();
	}

	private static Process asNobody(String script, String path) throws IOException {
		return new ProcessBuilder("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", SYSTEM_PYTHON, "-c",
				script, path)
			.redirectErrorStream(true)
			.start();
	}

	private static BufferedReader reader(Process process) {
		return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
	}

}
