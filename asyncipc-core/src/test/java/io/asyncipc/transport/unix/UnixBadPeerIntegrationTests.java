package io.asyncipc.transport.unix;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.asyncipc.transport.DisconnectReason;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.RecordingHandler;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Raw peers that speak the wire format by hand: frames as documented, and peers that break
 * the format or die, each closing only its own connection.
 */
class UnixBadPeerIntegrationTests extends UnixEndpoints {

	@Test
	void framesOnTheWireAreALengthThenThePayload() throws Exception {
		RecordingHandler serverHandler = new RecordingHandler()
			.onEachMessage((connection, message) -> connection.send("pong".getBytes(StandardCharsets.US_ASCII)));
		PipeEndpoint server = server(serverHandler);
		try (var raw = rawClient(server)) {
			ByteBuffer frames = FrameDecoderTests.frames("ping".getBytes(), new byte[0], new byte[] { 0, 0 });
			while (frames.hasRemaining()) {
				raw.write(ByteBuffer.wrap(new byte[] { frames.get() }));
			}
			ByteBuffer reply = readFully(raw, 3 * 8);
			byte[] expected = { 0, 0, 0, 4, 'p', 'o', 'n', 'g' };
			for (int i = 0; i < 3; i++) {
				byte[] frame = new byte[8];
				reply.get(frame);
				assertThat(frame).isEqualTo(expected);
			}
		}
		assertThat(serverHandler.messages.values()).singleElement()
			.satisfies((list) -> assertThat(list).containsExactly("ping".getBytes(), new byte[0], new byte[] { 0, 0 }));
	}

	@Test
	void oversizedFrameClosesOnlyThatConnection() throws Exception {
		assertBadFrameClosesOnlyItsConnection(2048, "announced a frame of 2048 bytes, larger than the maximum of 1024");
	}

	@Test
	void negativeLengthClosesOnlyThatConnection() throws Exception {
		assertBadFrameClosesOnlyItsConnection(-5, "negative length -5");
	}

	private void assertBadFrameClosesOnlyItsConnection(int length, String error) throws Exception {
		RecordingHandler serverHandler = new RecordingHandler().echoing();
		PipeEndpoint server = server(PipeOptions.builder().maxMessageSize(1024).build(), serverHandler);
		RecordingHandler goodHandler = new RecordingHandler();
		client(goodHandler);
		PipeConnection good = awaitConnection(goodHandler);
		awaitConnection(serverHandler);
		try (SocketChannel bad = rawClient(server)) {
			PipeConnection badOnServer = awaitConnection(serverHandler);
			writeFully(bad, ByteBuffer.allocate(4).putInt(length).flip());
			RecordingHandler.Disconnect disconnect = serverHandler.disconnected.poll(5, TimeUnit.SECONDS);
			assertThat(disconnect).isNotNull();
			assertThat(disconnect.connection().id()).isEqualTo(badOnServer.id());
			assertThat(disconnect.reason()).isEqualTo(DisconnectReason.PROTOCOL_ERROR);
			assertThat(disconnect.cause()).hasMessageContaining(error);
			assertThat(bad.read(ByteBuffer.allocate(1))).as("the server closed the bad peer").isEqualTo(-1);
		}
		assertThat(good.send("still here".getBytes())).succeedsWithin(5, TimeUnit.SECONDS);
		await().atMost(5, TimeUnit.SECONDS).until(() -> goodHandler.messageCount() == 1);
		assertThat(server.connections()).hasSize(1);
	}

	@Test
	void peerKilledInTheMiddleOfAFrameIsReportedAndOthersGoOn() throws Exception {
		RecordingHandler serverHandler = new RecordingHandler().echoing();
		PipeEndpoint server = server(serverHandler);
		RecordingHandler goodHandler = new RecordingHandler();
		client(goodHandler);
		PipeConnection good = awaitConnection(goodHandler);
		PipeConnection goodOnServer = awaitConnection(serverHandler);
		String java = ProcessHandle.current().info().command().orElse("java");
		Process peer = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
				PartialFramePeer.class.getName(), server.address())
			.redirectErrorStream(true)
			.start();
		try {
			BufferedReader output = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
			assertThat(output.readLine()).isEqualTo("ready");
			PipeConnection victim = awaitConnection(serverHandler);
			await().atMost(5, TimeUnit.SECONDS).until(() -> server.connections().size() == 2);
			assertThat(victim.peer().pid()).as("the peer's pid from SO_PEERCRED").hasValue(peer.pid());
			peer.destroyForcibly();
			RecordingHandler.Disconnect disconnect = serverHandler.disconnected.poll(10, TimeUnit.SECONDS);
			assertThat(disconnect).isNotNull();
			assertThat(disconnect.connection().id()).isEqualTo(victim.id());
			assertThat(disconnect.reason()).isEqualTo(DisconnectReason.PEER_CLOSED);
			assertThat(disconnect.cause()).hasMessageContaining("10 of 1000 payload bytes");
		}
		finally {
			peer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		assertThat(good.send("after".getBytes())).succeedsWithin(5, TimeUnit.SECONDS);
		await().atMost(5, TimeUnit.SECONDS).until(() -> goodHandler.messageCount() == 1);
		assertThat(server.connections()).extracting(PipeConnection::id).containsExactly(goodOnServer.id());
	}

}
