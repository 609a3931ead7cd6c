package io.asyncipc.transport.unix;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.asyncipc.transport.DisconnectReason;
import io.asyncipc.transport.InboundMemoryBudget;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.RecordingHandler;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A hostile peer of the same user, speaking the wire format by hand: headers that announce
 * much and send nothing, floods of empty messages, frames started and never finished. Each
 * test has a budget of its own, so that it sees only its own connections' memory.
 */
class UnixHostilePeerIntegrationTests extends UnixEndpoints {

	private static final int ONE_MIB = 1024 * 1024;

	private final InboundMemoryBudget budget = InboundMemoryBudget.ofBytes(4 * ONE_MIB);

	@Test
	void headersAnnouncingTheMaximumFollowedBySilenceHoldNextToNoMemory() throws Exception {
		PipeEndpoint server = server(PipeOptions.builder().inboundBudget(this.budget).build(), new RecordingHandler());
		List<SocketChannel> peers = new ArrayList<>();
		try {
			for (int i = 0; i < 50; i++) {
				SocketChannel peer = rawClient(server);
				peers.add(peer);
				writeFully(peer, ByteBuffer.allocate(5).putInt(PipeOptions.DEFAULT_MAX_MESSAGE_SIZE).put((byte) 1).flip());
			}
			await().atMost(10, TimeUnit.SECONDS).until(() -> this.budget.used() > 0 && server.connections().size() == 50);
			await().atMost(10, TimeUnit.SECONDS).until(() -> this.budget.used() >= 50 * 1024);
			assertThat(this.budget.used()).as("50 frames of 16 MiB announced, 1 byte of each sent")
				.isLessThanOrEqualTo(50 * 1024);
		}
		finally {
			for (SocketChannel peer : peers) {
				peer.close();
			}
		}
		await().atMost(10, TimeUnit.SECONDS).until(() -> this.budget.used() == 0);
	}

	@Test
	void aFrameStillArrivingCountsAgainstTheBudgetUntilThePeerGoes() throws Exception {
		PipeEndpoint server = server(PipeOptions.builder().inboundBudget(this.budget).build(), new RecordingHandler());
		try (SocketChannel peer = rawClient(server)) {
			writeFully(peer, ByteBuffer.allocate(4 + 3 * ONE_MIB).putInt(8 * ONE_MIB).position(4 + 3 * ONE_MIB).flip());
			await().atMost(10, TimeUnit.SECONDS).until(() -> this.budget.used() >= 3 * ONE_MIB);
			assertThat(this.budget.used()).as("a buffer that grows with what arrived").isLessThanOrEqualTo(6 * ONE_MIB);
		}
		await().atMost(10, TimeUnit.SECONDS).until(() -> this.budget.used() == 0);
	}

	/**
	 * A flood of empty messages at a handler that is stuck: each waiting message is charged
	 * what it really holds, so the budget stops the reading long before the heap fills, and the
	 * flood backs up in the peer's socket. Once the handler goes on, every message arrives.
	 */
	@Test
	void aFloodOfEmptyMessagesStopsAtTheBudgetAndNothingIsLost() throws Exception {
		ExecutorService executor = Executors.newSingleThreadExecutor();
		CountDownLatch release = new CountDownLatch(1);
		try {
			RecordingHandler serverHandler = new RecordingHandler().holdingEachMessageUntil(release);
			PipeOptions options = PipeOptions.builder()
				.inboundBudget(InboundMemoryBudget.ofBytes(ONE_MIB))
				.dispatchExecutor(executor)
				.build();
			PipeEndpoint server = server(options, serverHandler);
			long sent = 0;
			try (SocketChannel peer = rawClient(server); Selector selector = Selector.open()) {
				peer.configureBlocking(false);
				peer.register(selector, SelectionKey.OP_WRITE);
				ByteBuffer emptyFrames = ByteBuffer.allocate(64 * 1024);
				// Written until the socket stays full for half a second: the server stopped reading.
				while (selector.select(500) > 0) {
					selector.selectedKeys().clear();
					emptyFrames.clear();
					sent += peer.write(emptyFrames);
					assertThat(sent).as("bytes the server took without stopping").isLessThan(64L * ONE_MIB);
				}
				long waiting = options.inboundBudget().used();
				assertThat(waiting).as("the budget, passed by at most one message and the bytes of one read")
					.isLessThanOrEqualTo(ONE_MIB + 96 + 64 * 1024);
				release.countDown();
				long frames = sent / 4;
				await().atMost(30, TimeUnit.SECONDS)
					.untilAsserted(() -> assertThat(serverHandler.messageCount()).as("messages handled; budget %s",
							options.inboundBudget()).isEqualTo(frames));
				assertThat(serverHandler.messages.values()).singleElement()
					.satisfies((messages) -> assertThat(messages).allSatisfy((message) -> assertThat(message).isEmpty()));
			}
			await().atMost(10, TimeUnit.SECONDS).until(() -> options.inboundBudget().used() == 0);
		}
		finally {
			release.countDown();
			stopEndpoints();
			executor.shutdownNow();
		}
	}

	@Test
	void slowlorisPeersAreClosedByTheFrameTimeoutWhileALegitimateClientIsServed() throws Exception {
		RecordingHandler serverHandler = new RecordingHandler().echoing();
		PipeOptions options = PipeOptions.builder()
			.inboundBudget(this.budget)
			.frameTimeout(Duration.ofMillis(500))
			.build();
		PipeEndpoint server = server(options, serverHandler);
		List<SocketChannel> slowloris = new ArrayList<>();
		try {
			for (int i = 0; i < 20; i++) {
				SocketChannel peer = rawClient(server);
				slowloris.add(peer);
				writeFully(peer, ByteBuffer.wrap(new byte[] { 0, 0 }));
			}
			RecordingHandler clientHandler = new RecordingHandler();
			client(clientHandler);
			PipeConnection legitimate = awaitConnection(clientHandler);
			List<RecordingHandler.Disconnect> closed = new ArrayList<>();
			while (closed.size() < 20) {
				RecordingHandler.Disconnect disconnect = serverHandler.disconnected.poll(10, TimeUnit.SECONDS);
				assertThat(disconnect).as("slowloris connections closed so far: %d", closed.size()).isNotNull();
				closed.add(disconnect);
			}
			assertThat(closed).allSatisfy((disconnect) -> {
				assertThat(disconnect.reason()).isEqualTo(DisconnectReason.TIMED_OUT);
				assertThat(disconnect.cause()).hasMessageContaining("2 of 4 length bytes")
					.hasMessageContaining("asyncipc.frame-timeout");
			});
			for (SocketChannel peer : slowloris) {
				assertThat(peer.read(ByteBuffer.allocate(1))).as("the server closed the slowloris peer").isEqualTo(-1);
			}
			assertThat(legitimate.send("still served".getBytes(StandardCharsets.UTF_8))).succeedsWithin(5,
					TimeUnit.SECONDS);
			await().atMost(5, TimeUnit.SECONDS).until(() -> clientHandler.messageCount() == 1);
			assertThat(legitimate.isOpen()).isTrue();
		}
		finally {
			for (SocketChannel peer : slowloris) {
				peer.close();
			}
		}
	}

}
