package io.asyncipc.transport.unix;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.RecordingHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A server whose {@code /tmp/asyncipc-<user>} another user made first still starts, on a
 * machine without {@code XDG_RUNTIME_DIR}, and a client that looks where this user's processes
 * look finds it. The server runs in a JVM of its own, whose {@code java.io.tmpdir} and
 * {@code user.home} are directories of this test; the client here resolves the same places
 * with the same code. Playing the squatter needs root (see
 * {@link SocketDirectoryTests#giveToNobody}); the test is skipped for other users.
 */
class UnixSquattedDirectoryIntegrationTests extends UnixEndpoints {

	@TempDir
	Path temp;

	private PipeEndpoint client;

	@AfterEach
	void stopClient() {
		if (this.client != null) {
			this.client.stop(Duration.ofSeconds(5));
		}
	}

	@Test
	void squattedSocketDirectoryDoesNotKeepTheServerFromItsClients() throws Exception {
		Path tmp = Files.createDirectory(this.temp.resolve("tmp"));
		Path home = Files.createDirectory(this.temp.resolve("home"));
		SocketDirectoryTests.giveToNobody(Files.createDirectory(tmp.resolve("asyncipc-" + LocalUser.name())));
		try (ForkedServer server = ForkedServer.withDirectories(this.name, tmp, home)) {
			String answer = server.startServer();
			Path expected = home.resolve(".asyncipc").resolve(HostName.get()).resolve(this.name + ".sock");
			assertThat(answer).isEqualTo("started " + expected);
			assertThat(server.lines((line) -> line.contains(" WARN ")))
				.singleElement()
				.asString()
				.contains("belongs to 'nobody'")
				.contains("plain pipe names live in " + expected.getParent());
			Path clientSide = new SocketDirectory(null, tmp, home, HostName::get).resolve()
				.resolve(this.name + ".sock");
			RecordingHandler handler = new RecordingHandler();
			this.client = this.transport.createClient(clientSide.toString(), fastRetry(), handler);
			this.client.start();
			PipeConnection connection = awaitConnection(handler);
			connection.send("ping".getBytes()).join();
			await().until(() -> handler.messageCount() == 1);
		}
	}

}
