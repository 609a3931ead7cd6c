package io.asyncipc.transport.unix;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.asyncipc.transport.PipeAddressInUseException;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeException;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.RecordingHandler;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * One server per socket path, decided by the lock file beside the socket: servers that start
 * together on a stale socket file, as threads or as processes, let exactly one win; a live
 * server is never probed; the socket file of a killed server is replaced.
 * <p>
 * Nothing here opens a lock file that a server in this JVM holds: closing that descriptor
 * would drop the server's lock.
 */
class UnixSocketFileLockIntegrationTests extends UnixEndpoints {

	private static final int ROUNDS = 20;

	private static final int SERVER_THREADS = 8;

	private static final int SERVER_PROCESSES = 3;

	private static final byte[] PING = "ping".getBytes();

	@Test
	void serversStartingTogetherOnAStaleSocketFileLetExactlyOneWin() throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(SERVER_THREADS);
		try {
			for (int round = 0; round < ROUNDS; round++) {
				leaveStaleSocketFile();
				CountDownLatch startGun = new CountDownLatch(1);
				List<Future<PipeEndpoint>> attempts = new ArrayList<>();
				for (int i = 0; i < SERVER_THREADS; i++) {
					PipeEndpoint server = this.transport.createServer(this.name, PipeOptions.defaults(),
							new RecordingHandler().echoing());
					attempts.add(threads.submit(() -> {
						startGun.await();
						server.start();
						return server;
					}));
				}
				startGun.countDown();
				List<PipeEndpoint> started = new ArrayList<>();
				List<Throwable> failures = new ArrayList<>();
				for (Future<PipeEndpoint> attempt : attempts) {
					try {
						started.add(attempt.get(20, TimeUnit.SECONDS));
					}
					catch (ExecutionException ex) {
						failures.add(ex.getCause());
					}
				}
				try {
					assertThat(started).as("servers started in round %d; failures: %s", round, failures).hasSize(1);
					assertThat(failures).hasSize(SERVER_THREADS - 1)
						.allSatisfy((failure) -> assertThat(failure).isInstanceOf(PipeAddressInUseException.class)
							.hasMessage(inUseMessage()));
					assertEchoes(started.get(0).address());
				}
				finally {
					started.forEach((server) -> server.stop(Duration.ofSeconds(5)));
				}
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void serverProcessesStartingTogetherOnAStaleSocketFileLetExactlyOneWin() throws Exception {
		List<ForkedServer> processes = new ArrayList<>();
		try {
			for (int i = 0; i < SERVER_PROCESSES; i++) {
				processes.add(ForkedServer.of(this.name));
			}
			for (int round = 0; round < ROUNDS / 4; round++) {
				leaveStaleSocketFile();
				processes.forEach((process) -> process.send("start"));
				List<String> outcomes = new ArrayList<>();
				ForkedServer winner = null;
				for (ForkedServer process : processes) {
					String outcome = process.awaitLine(
							(line) -> line.startsWith("started ") || line.startsWith("failed "));
					outcomes.add(outcome);
					if (outcome.startsWith("started ")) {
						winner = process;
					}
				}
				assertThat(outcomes).as("round %d", round)
					.containsOnlyOnce("started " + socketPath())
					.filteredOn((outcome) -> outcome.startsWith("failed "))
					.hasSize(SERVER_PROCESSES - 1)
					.allSatisfy((outcome) -> assertThat(outcome)
						.isEqualTo("failed PipeAddressInUseException: " + inUseMessage()));
				assertEchoes(socketPath().toString());
				winner.stopServer();
			}
		}
		finally {
			processes.forEach(ForkedServer::close);
		}
	}

	@Test
	void serverThatCannotTakeTheNameLeavesTheLiveServerUntouched() throws Exception {
		RecordingHandler liveHandler = new RecordingHandler().echoing();
		PipeEndpoint live = server(liveHandler);
		PipeEndpoint second = this.transport.createServer(this.name, PipeOptions.defaults(), new RecordingHandler());
		assertThatExceptionOfType(PipeAddressInUseException.class).isThrownBy(second::start)
			.withMessage(inUseMessage());
		try (ForkedServer elsewhere = ForkedServer.of(this.name)) {
			assertThat(elsewhere.startServer()).isEqualTo("failed PipeAddressInUseException: " + inUseMessage());
		}
		assertEchoes(live.address());
		assertThat(liveHandler.connected).as("connections the live server saw: only the client's").hasSize(1);
		assertThat(liveHandler.rejections).isEmpty();
	}

	@Test
	void serverStartsAgainOnItsNameAfterItStopped() throws Exception {
		for (int i = 0; i < 3; i++) {
			PipeEndpoint server = this.transport.createServer(this.name, PipeOptions.defaults(),
					new RecordingHandler().echoing());
			server.start();
			try {
				assertEchoes(server.address());
			}
			finally {
				server.stop(Duration.ofSeconds(5));
			}
			assertThat(socketPath()).doesNotExist();
		}
	}

	@Test
	void socketFileOfAKilledServerIsReplacedByTheNext() throws Exception {
		try (ForkedServer killed = ForkedServer.of(this.name)) {
			assertThat(killed.startServer()).isEqualTo("started " + socketPath());
			PipeEndpoint meanwhile = this.transport.createServer(this.name, PipeOptions.defaults(),
					new RecordingHandler());
			assertThatExceptionOfType(PipeAddressInUseException.class).isThrownBy(meanwhile::start);
			killed.kill();
		}
		assertThat(socketPath()).as("left behind by the killed server").exists();
		PipeEndpoint next = server(new RecordingHandler().echoing());
		assertEchoes(next.address());
	}

	@Test
	void serverHoldsAPrivateLockFileBesideItsSocketThatOutlivesIt() throws IOException {
		PipeEndpoint server = server(new RecordingHandler());
		Path lockFile = Path.of(server.address() + ".lock");
		assertThat(lockFile).isRegularFile();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lockFile))).isEqualTo("rw-------");
		server.stop(Duration.ofSeconds(1));
		assertThat(lockFile).as("never deleted, so that no starter can lock a file that is gone").exists();
	}

	@Test
	void startThatFailsOnAFileThatIsNotASocketLeavesTheNameFree() throws IOException {
		Files.writeString(socketPath(), "precious");
		PipeEndpoint refused = this.transport.createServer(this.name, PipeOptions.defaults(), new RecordingHandler());
		assertThatExceptionOfType(PipeException.class).isThrownBy(refused::start)
			.withMessageContaining("is not a socket");
		assertThat(Path.of(socketPath() + ".lock")).as("no lock file beside a file the server will not take")
			.doesNotExist();
		Files.delete(socketPath());
		server(new RecordingHandler());
		assertThat(socketPath()).exists();
	}

	private Path socketPath() {
		return UnixSocketAddresses.resolve(this.name);
	}

	private String inUseMessage() {
		return "pipe '" + this.name + "' is already in use: another server listens on " + socketPath()
				+ "; stop it, or choose another name";
	}

	/**
	 * Leaves a socket file that nobody listens on, as a server that died would.
	 */
	private void leaveStaleSocketFile() throws IOException {
		try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
			dead.bind(UnixDomainSocketAddress.of(socketPath()));
		}
		assertThat(socketPath()).exists();
	}

	private static void assertEchoes(String path) {
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
			try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
				client.connect(UnixDomainSocketAddress.of(path));
				writeFully(client, FrameDecoderTests.frames(PING));
				assertThat(readFully(client, 4 + PING.length)).isEqualTo(FrameDecoderTests.frames(PING));
			}
		}, () -> "no echo from the server at " + path);
	}

}
