package io.asyncipc.transport.windows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.asyncipc.transport.DisconnectReason;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.RecordingHandler;
import io.asyncipc.transport.SendResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
/**
 * What a server sent is not lost when it closes: it sends messages, the first one large, and
 * closes the connection (or stops) as soon as their sends completed, while its client has
 * not read the last ones yet; the client reads them afterwards, all of them, in order.
 * <p>
 * The client is held back by its own listener, which waits until the server's close has
 * run; meanwhile the client stops reading, because the large message waiting for the listener
 * (charged its size and the heap around it) exceeds its queue limit, so the small ones stay in
 * the pipe.
 */
@EnabledOnOs(value = OS.WINDOWS, disabledReason = WindowsSuite.SKIPPED)
class WindowsCloseIntegrationTests {

	private static final int LARGE = 200 * 1024;


	private final WindowsEndpoints endpoints = new WindowsEndpoints();

	private final ExecutorService listeners = Executors.newSingleThreadExecutor();

	private final CountDownLatch serverClosed = new CountDownLatch(1);

	private final RecordingHandler serverHandler = new RecordingHandler();

	private final RecordingHandler clientHandler = new RecordingHandler()
		.onEachMessage((connection, message) -> awaitServerClosed());

	@AfterEach
	void stop() {
		this.serverClosed.countDown();
		this.endpoints.close();
		this.listeners.shutdownNow();
	}

	@Test
	void aServerThatSendsThenClosesLosesNothingForASlowClient() throws Exception {
		WindowsServerEndpoint server = this.endpoints.server(this.serverHandler);
		PipeConnection client = connectSlowClient();
		PipeConnection onServer = WindowsEndpoints.awaitConnection(this.serverHandler);
		List<byte[]> sent = sendAndAwait(onServer);
		onServer.close();
		closeRan(server);
		this.serverClosed.countDown();
		assertAllReceived(client, sent);
	}

	@Test
	void aServerThatStopsAfterDrainingLosesNothingForASlowClient() throws Exception {
		WindowsServerEndpoint server = this.endpoints.server(this.serverHandler);
		PipeConnection client = connectSlowClient();
		PipeConnection onServer = WindowsEndpoints.awaitConnection(this.serverHandler);
		List<byte[]> sent = sendAndAwait(onServer);
		CompletableFuture<Void> stopped = server.stopAsync(Duration.ofSeconds(10));
		RecordingHandler.Disconnect disconnect = this.serverHandler.disconnected.poll(20, TimeUnit.SECONDS);
		assertThat(disconnect).isNotNull();
		assertThat(disconnect.reason()).isEqualTo(DisconnectReason.LOCAL_SHUTDOWN);
		closeRanOrStopped(server, stopped);
		assertThat(stopped).as("the stop waits for the client to read what was sent").isNotDone();
		this.serverClosed.countDown();
		assertAllReceived(client, sent);
		assertThat(stopped).succeedsWithin(20, TimeUnit.SECONDS);
	}

	private PipeConnection connectSlowClient() throws InterruptedException {
		PipeOptions options = PipeOptions.builder()
			.reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100))
			.dispatchExecutor(this.listeners)
			.maxMessageSize(LARGE)
			.maxQueuedBytes(LARGE + PipeOptions.MESSAGE_OVERHEAD)
			.build();
		this.endpoints.client(options, this.clientHandler);
		return WindowsEndpoints.awaitConnection(this.clientHandler);
	}

	/**
	 * Sends a large message, then small ones, and waits until every send reported success.
	 */
	private static List<byte[]> sendAndAwait(PipeConnection connection) {
		Random random = new Random(7);
		List<byte[]> sent = new ArrayList<>();
		for (int i = 0; i < 22; i++) {
			byte[] message = new byte[(i == 0) ? LARGE : 100 + i];
			random.nextBytes(message);
			sent.add(message);
		}
		List<CompletableFuture<SendResult>> sends = sent.stream().map(connection::send).toList();
		assertThat(CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))).succeedsWithin(20,
				TimeUnit.SECONDS);
		return sent;
	}

	/**
	 * Waits until the server's I/O thread ran what it was asked before, the connection's
	 * close included.
	 */
	private static void closeRan(WindowsServerEndpoint server) {
		server.loop().runAndWait(() -> {
		}, Duration.ofSeconds(10));
	}

	/**
	 * Waits until the server's I/O thread ran what it was asked before, or the server stopped
	 * (its I/O thread then ran it too, or is gone).
	 */
	private static void closeRanOrStopped(WindowsServerEndpoint server, CompletableFuture<Void> stopped) {
		CountDownLatch ran = new CountDownLatch(1);
		server.loop().execute(ran::countDown);
		await().atMost(20, TimeUnit.SECONDS).until(() -> ran.getCount() == 0 || stopped.isDone());
	}

	private void assertAllReceived(PipeConnection client, List<byte[]> sent) throws InterruptedException {
		// The client's events come in order: once it was told of the end, it had every message.
		RecordingHandler.Disconnect disconnect = this.clientHandler.disconnected.poll(20, TimeUnit.SECONDS);
		assertThat(disconnect).isNotNull();
		assertThat(disconnect.reason()).isEqualTo(DisconnectReason.PEER_CLOSED);
		assertThat(digests(this.clientHandler.messagesOf(client.id()))).containsExactlyElementsOf(digests(sent));
	}

	/**
	 * Sizes and hashes, which compare the same as the bytes but print short.
	 */
	private static List<String> digests(List<byte[]> messages) {
		return messages.stream()
			.map((message) -> message.length + " bytes #" + Integer.toHexString(Arrays.hashCode(message)))
			.toList();
	}

	private void awaitServerClosed() {
		try {
			this.serverClosed.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
