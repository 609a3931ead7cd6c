package io.asyncipc.transport.unix;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.RecordingHandler;
import io.asyncipc.transport.TestNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The peer's pid on real sockets between real processes, in a JVM started without
 * {@code --add-exports}: each connection gets the pid of the process at its other end, even
 * when many connect at once, and a pid that cannot be told for sure is unknown, never another
 * connection's.
 */
class UnixPeerPidIntegrationTests extends UnixEndpoints {

	private static final int PEERS = 4;

	private static final int SOCKETS_PER_PEER = 5;

	private static final int CLIENTS_IN_THIS_PROCESS = 5;

	/** How many tags a lookup tries before it gives up. */
	private static final int TAGS_TRIED = 3;

	private static final long SELF = ProcessHandle.current().pid();

	@TempDir
	Path directory;

	@Test
	void runsWithoutAccessToTheJdksInternals() {
		assertThat(Object.class.getModule().isExported("sun.nio.ch", getClass().getModule()))
			.as("this JVM was started with --add-exports java.base/sun.nio.ch, so these tests would not show "
					+ "that the pid needs no flag")
			.isFalse();
	}

	@Test
	void manyClientsConnectingAtOnceEachGetTheirOwnProcessId() throws Exception {
		RecordingHandler serverHandler = new RecordingHandler();
		PipeEndpoint server = server(serverHandler);
		List<Process> peers = new ArrayList<>();
		try {
			for (int i = 0; i < PEERS; i++) {
				peers.add(connectingPeer(server.address(), SOCKETS_PER_PEER));
			}
			for (Process peer : peers) {
				assertThat(reader(peer).readLine()).as("peer %s", peer.pid()).isEqualTo("ready");
			}
			for (Process peer : peers) {
				peer.outputWriter(StandardCharsets.UTF_8).append("go\n").flush();
			}
			List<RecordingHandler> clientHandlers = new ArrayList<>();
			for (int i = 0; i < CLIENTS_IN_THIS_PROCESS; i++) {
				RecordingHandler handler = new RecordingHandler();
				client(handler);
				clientHandlers.add(handler);
			}
			for (Process peer : peers) {
				assertThat(reader(peer).readLine()).as("peer %s", peer.pid()).isEqualTo("connected");
			}
			int expected = PEERS * SOCKETS_PER_PEER + CLIENTS_IN_THIS_PROCESS;
			await().atMost(20, TimeUnit.SECONDS).until(() -> server.connections().size() == expected);
			Map<Long, Long> connectionsByPid = server.connections()
				.stream()
				.collect(Collectors.groupingBy(UnixPeerPidIntegrationTests::peerPid, Collectors.counting()));
			Map<Long, Long> expectedByPid = peers.stream()
				.collect(Collectors.toMap(Process::pid, (peer) -> (long) SOCKETS_PER_PEER));
			expectedByPid.put(SELF, (long) CLIENTS_IN_THIS_PROCESS);
			assertThat(connectionsByPid).isEqualTo(expectedByPid);
			for (RecordingHandler handler : clientHandlers) {
				assertThat(peerPid(awaitConnection(handler))).as("the server's pid, seen by a client").isEqualTo(SELF);
			}
		}
		finally {
			for (Process peer : peers) {
				peer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

	@Test
	void clientGetsTheServerProcessId() throws Exception {
		try (ForkedServer forked = ForkedServer.of(this.name)) {
			assertThat(forked.startServer()).startsWith("started ");
			RecordingHandler handler = new RecordingHandler();
			client(handler);
			assertThat(peerPid(awaitConnection(handler))).isEqualTo(forked.pid());
		}
	}

	@Test
	void otherSocketsWithTheSameLingerMakeThePidUnknownNeverWrong() throws Exception {
		try (ForkedServer other = ForkedServer.of(TestNames.random())) {
			String otherPath = other.startServer().substring("started ".length());
			List<SocketChannel> decoys = new ArrayList<>();
			try {
				decoys.addAll(decoysCarryingTheNextTags(otherPath));
				try (Pair pair = pair()) {
					decoys.addAll(decoysCarryingTheNextTags(otherPath));
					assertThat(PeerProcessIds.of(pair.client))
						.as("each of three tags was carried by sockets below and above it, whose peer is %s", other)
						.isEmpty();
					for (int i = 0; i < decoys.size(); i++) {
						int linger = (i % TAGS_TRIED == 0) ? PeerProcessIds.upcomingTag(0) : -1;
						decoys.get(i).setOption(StandardSocketOptions.SO_LINGER, linger);
					}
					assertThat(PeerProcessIds.of(pair.client))
						.as("found with the second tag, when other sockets carried the first")
						.hasValue(SELF);
				}
			}
			finally {
				for (SocketChannel decoy : decoys) {
					decoy.close();
				}
			}
		}
	}

	@Test
	void channelKeepsItsOwnLinger() throws Exception {
		try (Pair pair = pair()) {
			pair.accepted.setOption(StandardSocketOptions.SO_LINGER, 7);
			assertThat(PeerProcessIds.of(pair.accepted)).hasValue(SELF);
			assertThat(pair.accepted.getOption(StandardSocketOptions.SO_LINGER)).isEqualTo(7);
			assertThat(PeerProcessIds.of(pair.client)).hasValue(SELF);
			assertThat(pair.client.getOption(StandardSocketOptions.SO_LINGER)).isEqualTo(-1);
		}
	}

	private Pair pair() throws IOException {
		ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		listener.bind(UnixDomainSocketAddress.of(this.directory.resolve("s")));
		SocketChannel client = SocketChannel.open(listener.getLocalAddress());
		return new Pair(listener, client, listener.accept());
	}

	/**
	 * Connects one socket for each tag that the next lookup will try, each carrying its tag.
	 */
	private static List<SocketChannel> decoysCarryingTheNextTags(String path) throws IOException {
		List<SocketChannel> decoys = new ArrayList<>();
		for (int ahead = 0; ahead < TAGS_TRIED; ahead++) {
			SocketChannel decoy = SocketChannel.open(UnixDomainSocketAddress.of(path));
			decoys.add(decoy);
			decoy.setOption(StandardSocketOptions.SO_LINGER, PeerProcessIds.upcomingTag(ahead));
		}
		return decoys;
	}

	private static long peerPid(PipeConnection connection) {
		OptionalLong pid = connection.peer().pid();
		assertThat(pid).as("pid of the peer of %s", connection).isPresent();
		return pid.getAsLong();
	}

	private static Process connectingPeer(String path, int sockets) throws IOException {
		String java = ProcessHandle.current().info().command().orElse("java");
		return new ProcessBuilder(java, "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
				System.getProperty("java.class.path"), ConnectingPeer.class.getName(), path, String.valueOf(sockets))
			.redirectErrorStream(true)
			.start();
	}

	/**
	 * Returns the process's output, the same reader each time.
	 */
	private static BufferedReader reader(Process process) {
		return process.inputReader(StandardCharsets.UTF_8);
	}

	/**
	 * Both ends of a connection within this process, and the listener they came from.
	 */
	private record Pair(ServerSocketChannel listener, SocketChannel client, SocketChannel accepted)
			implements AutoCloseable {

		@Override
		public void close() throws IOException {
			this.client.close();
			this.accepted.close();
			this.listener.close();
		}

	}

}
