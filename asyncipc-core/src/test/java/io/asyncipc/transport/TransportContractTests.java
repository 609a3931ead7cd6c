package io.asyncipc.transport;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.asyncipc.transport.support.ConnectionIds;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * What every transport must do, run over real pipes or sockets by each platform's subclass:
 * many clients, every byte in order, limits, failures that show, graceful stop, reconnects,
 * a name that cannot be taken twice, and no leaks.
 */
public abstract class TransportContractTests extends EndpointsFixture {

	/**
	 * Returns how many messages each of the fifty clients sends.
	 * @return the count
	 */
	protected int messagesPerClient() {
		return 2_000;
	}

	/**
	 * Returns how many connect/disconnect cycles the leak test makes.
	 * @return the count
	 */
	protected int cycles() {
		return 1_000;
	}

	/**
	 * Returns the process's open file descriptors or handles.
	 * @return the count
	 * @throws Exception if it cannot be read
	 */
	protected abstract long openHandles() throws Exception;

	@Test
	void fiftyClientsExchangeThousandsOfRandomMessagesEveryByteInOrder() throws Exception {
		int clients = 50;
		int perClient = messagesPerClient();
		Map<String, Digest> received = new ConcurrentHashMap<>();
		RecordingHandler serverHandler = new RecordingHandler() {
			@Override
			public void onMessage(PipeConnection connection, byte[] message) {
				received.computeIfAbsent(connection.id(), (id) -> new Digest()).add(message);
				connection.send(message);
			}
		};
		server(serverHandler);
		List<Peer> peers = new ArrayList<>();
		for (int i = 0; i < clients; i++) {
			Peer peer = new Peer(i, perClient);
			peers.add(peer);
			client(peer);
		}
		for (Peer peer : peers) {
			PipeConnection connection = awaitConnection(peer);
			new Thread(() -> peer.sendAll(connection), "sender-" + peer.index).start();
		}
		await().atMost(60, TimeUnit.SECONDS).until(() -> peers.stream().allMatch(Peer::done));
		for (Peer peer : peers) {
			assertThat(peer.mismatches).as("echo mismatches of client %d", peer.index).isEmpty();
			assertThat(peer.sendFailures).as("failed sends of client %d", peer.index).hasValue(0);
		}
		List<String> expected = peers.stream().map((peer) -> peer.sentDigest.hex()).sorted().toList();
		List<String> actual = received.values().stream().map(Digest::hex).sorted().toList();
		assertThat(actual).as("what the server received, per connection, in order").isEqualTo(expected);
	}

	@Test
	void aConnectionTakesTheIdItsPeerGaveItUnlessAnotherConnectionHasIt() throws Exception {
		RecordingHandler serverHandler = new RecordingHandler().echoing();
		server(serverHandler);
		RecordingHandler clientHandler = new RecordingHandler();
		PipeEndpoint client = client(clientHandler);
		PipeConnection connection = awaitConnection(clientHandler);
		PipeConnection serverSide = awaitConnection(serverHandler);
		String ownId = connection.id();
		assertThat(ownId).isNotEqualTo(serverSide.id());

		assertThat(ConnectionIds.adopt(connection, serverSide.id())).isTrue();
		assertThat(connection.id()).isEqualTo(serverSide.id());
		assertThat(client.connection(serverSide.id())).containsSame(connection);
		assertThat(client.connection(ownId)).isEmpty();
		assertThat(client.connections()).containsExactly(connection);
		SendResult sent = connection.send(new byte[] { 1, 2, 3 }).get(10, TimeUnit.SECONDS);
		assertThat(sent.connectionId()).isEqualTo(serverSide.id());
		await().atMost(10, TimeUnit.SECONDS).until(() -> clientHandler.messagesOf(serverSide.id()).size() == 1);

		// A second client: on the server, an id that another connection has is not taken.
		RecordingHandler secondHandler = new RecordingHandler();
		client(secondHandler);
		awaitConnection(secondHandler);
		PipeConnection secondServerSide = awaitConnection(serverHandler);
		String secondId = secondServerSide.id();
		assertThat(ConnectionIds.adopt(secondServerSide, serverSide.id())).isFalse();
		assertThat(secondServerSide.id()).isEqualTo(secondId);

		// Closed under its new id, it leaves its endpoint.
		connection.close();
		await().atMost(10, TimeUnit.SECONDS).until(() -> client.connection(serverSide.id()).isEmpty());
		assertThat(clientHandler.disconnected.poll(10, TimeUnit.SECONDS)).isNotNull();
	}

	@Test
	void zeroLengthMessagesAndMessagesOfExactlyTheMaximumArrive() throws Exception {
		int max = 1024 * 1024;
		PipeOptions options = PipeOptions.builder().maxMessageSize(max).build();
		RecordingHandler serverHandler = new RecordingHandler().echoing();
		server(options, serverHandler);
		RecordingHandler clientHandler = new RecordingHandler();
		client(options.toBuilder().reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100))
			.build(), clientHandler);
		PipeConnection connection = awaitConnection(clientHandler);
		byte[] largest = new byte[max];
		new Random(7).nextBytes(largest);
		largest[0] = 0;
		largest[max - 1] = 0;
		SendResult empty = connection.send(new byte[0]).get(10, TimeUnit.SECONDS);
		SendResult full = connection.send(largest.clone()).get(10, TimeUnit.SECONDS);
		assertThat(empty.bytes()).isZero();
		assertThat(full.bytes()).isEqualTo(max);
		assertThat(full.connectionId()).isEqualTo(connection.id());
		await().atMost(10, TimeUnit.SECONDS).until(() -> clientHandler.messageCount() == 2);
		assertThat(clientHandler.messagesOf(connection.id())).containsExactly(new byte[0], largest);
	}

	@Test
	void statisticsCountEveryMessageAndItsBytesOnBothEndsWithoutTheFraming() throws Exception {
		PipeStatistics serverStatistics = new PipeStatistics();
		PipeStatistics clientStatistics = new PipeStatistics();
		server(PipeOptions.builder().statistics(serverStatistics).build(), new RecordingHandler().echoing());
		RecordingHandler clientHandler = new RecordingHandler();
		PipeEndpoint client = client(PipeOptions.builder()
			.statistics(clientStatistics)
			.reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100))
			.build(), clientHandler);
		PipeConnection connection = awaitConnection(clientHandler);
		// Empty, small, and larger than a Windows read buffer, so that it arrives in chunks.
		int[] sizes = { 0, 1, 100, 200_000 };
		long bytes = Arrays.stream(sizes).sum();
		for (int size : sizes) {
			connection.send(new byte[size]).get(10, TimeUnit.SECONDS);
		}
		await().atMost(10, TimeUnit.SECONDS)
			.until(() -> clientHandler.messageCount() == sizes.length
					&& serverStatistics.messagesSent() == sizes.length);
		assertThat(clientStatistics.messagesSent()).isEqualTo(sizes.length);
		assertThat(clientStatistics.bytesSent()).isEqualTo(bytes);
		assertThat(serverStatistics.messagesReceived()).isEqualTo(sizes.length);
		assertThat(serverStatistics.bytesReceived()).isEqualTo(bytes);
		assertThat(serverStatistics.bytesSent()).isEqualTo(bytes);
		assertThat(clientStatistics.messagesReceived()).isEqualTo(sizes.length);
		assertThat(clientStatistics.bytesReceived()).isEqualTo(bytes);
		assertThat(serverStatistics.connections()).isOne();
		assertThat(clientStatistics.connections()).isOne();
		client.close();
		assertThat(clientStatistics.connections()).isZero();
		await().atMost(10, TimeUnit.SECONDS).until(() -> serverStatistics.connections() == 0);
		// What a closed connection counted stays in the totals.
		assertThat(serverStatistics.bytesReceived()).isEqualTo(bytes);
		assertThat(clientStatistics.bytesSent()).isEqualTo(bytes);
		assertThat(serverStatistics.queuedBytes()).isZero();
	}

	@Test
	void sendAboveTheMaximumFailsItsFutureAndTheConnectionStaysUp() throws Exception {
		PipeOptions options = PipeOptions.builder().maxMessageSize(100).build();
		RecordingHandler serverHandler = new RecordingHandler();
		server(options, serverHandler);
		RecordingHandler clientHandler = new RecordingHandler();
		client(options, clientHandler);
		PipeConnection connection = awaitConnection(clientHandler);
		CompletableFuture<SendResult> tooLarge = connection.send(new byte[101]);
		assertThat(tooLarge).failsWithin(1, TimeUnit.SECONDS)
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(MessageTooLargeException.class)
			.withMessageContaining("101 bytes")
			.withMessageContaining("maximum of 100 bytes");
		assertThat(connection.send(new byte[100])).succeedsWithin(5, TimeUnit.SECONDS);
		await().atMost(5, TimeUnit.SECONDS).until(() -> serverHandler.messageCount() == 1);
	}

	@Test
	void sendOnAClosedConnectionFailsWithPipeClosedException() throws Exception {
		RecordingHandler serverHandler = new RecordingHandler();
		server(serverHandler);
		RecordingHandler clientHandler = new RecordingHandler();
		client(clientHandler);
		PipeConnection connection = awaitConnection(clientHandler);
		connection.close();
		RecordingHandler.Disconnect disconnect = clientHandler.disconnected.poll(5, TimeUnit.SECONDS);
		assertThat(disconnect).isNotNull();
		assertThat(disconnect.reason()).isEqualTo(DisconnectReason.LOCAL_CLOSE);
		assertThat(connection.isOpen()).isFalse();
		assertThat(connection.send("late".getBytes())).failsWithin(1, TimeUnit.SECONDS)
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(PipeClosedException.class)
			.withMessageContaining("is closed (LOCAL_CLOSE)");
		RecordingHandler.Disconnect serverSide = serverHandler.disconnected.poll(5, TimeUnit.SECONDS);
		assertThat(serverSide).isNotNull();
		assertThat(serverSide.reason()).isEqualTo(DisconnectReason.PEER_CLOSED);
	}

	@Test
	void stopDrainsQueuedMessagesBeforeClosing() throws Exception {
		RecordingHandler serverHandler = new RecordingHandler();
		server(serverHandler);
		RecordingHandler clientHandler = new RecordingHandler();
		PipeEndpoint client = client(clientHandler);
		PipeConnection connection = awaitConnection(clientHandler);
		List<CompletableFuture<SendResult>> sends = new ArrayList<>();
		for (int i = 0; i < 5_000; i++) {
			sends.add(connection.send(new byte[1024]));
		}
		client.stop(Duration.ofSeconds(10));
		assertThat(sends).allSatisfy((send) -> assertThat(send).isCompleted().isNotCompletedExceptionally());
		await().atMost(10, TimeUnit.SECONDS).until(() -> serverHandler.messageCount() == 5_000);
		RecordingHandler.Disconnect disconnect = clientHandler.disconnected.poll(5, TimeUnit.SECONDS);
		assertThat(disconnect.reason()).isEqualTo(DisconnectReason.LOCAL_SHUTDOWN);
	}

	@Test
	void onAnExecutorASlowHandlerDoesNotStallOtherConnectionsAndOrderIsKept() throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(4);
		try {
			CountDownLatch release = new CountDownLatch(1);
			RecordingHandler serverHandler = new RecordingHandler().onEachMessage((connection, message) -> {
				if (new String(message, StandardCharsets.UTF_8).equals("slow-0")) {
					RecordingHandler.awaitQuietly(release);
				}
			});
			server(PipeOptions.builder().dispatchExecutor(executor).build(), serverHandler);
			RecordingHandler slowHandler = new RecordingHandler();
			RecordingHandler fastHandler = new RecordingHandler();
			client(slowHandler);
			client(fastHandler);
			PipeConnection slow = awaitConnection(slowHandler);
			PipeConnection fast = awaitConnection(fastHandler);
			for (int i = 0; i < 100; i++) {
				slow.send(("slow-" + i).getBytes(StandardCharsets.UTF_8));
				fast.send(("fast-" + i).getBytes(StandardCharsets.UTF_8));
			}
			await().atMost(10, TimeUnit.SECONDS)
				.until(() -> serverHandler.messages.values()
					.stream()
					.anyMatch((list) -> list.size() == 100 && text(list.get(0)).startsWith("fast")));
			assertThat(serverHandler.messageCount()).as("the slow connection is held at its first message")
				.isEqualTo(101);
			release.countDown();
			await().atMost(10, TimeUnit.SECONDS).until(() -> serverHandler.messageCount() == 200);
			for (List<byte[]> messages : serverHandler.messages.values()) {
				String prefix = text(messages.get(0)).substring(0, 5);
				List<String> expected = new ArrayList<>();
				for (int i = 0; i < 100; i++) {
					expected.add(prefix + i);
				}
				assertThat(messages.stream().map(TransportContractTests::text).toList()).isEqualTo(expected);
			}
		}
		finally {
			stopEndpoints();
			executor.shutdownNow();
		}
	}

	@Test
	void aMessageCarriesTheTimeItWasReadNotTheTimeItsHandlerRan() throws Exception {
		ExecutorService executor = Executors.newSingleThreadExecutor();
		CountDownLatch release = new CountDownLatch(1);
		try {
			// The dispatch executor's one thread is held: the message is read, then waits for it.
			executor.execute(() -> RecordingHandler.awaitQuietly(release));
			PipeStatistics statistics = new PipeStatistics();
			BlockingQueue<Long> receivedAt = new LinkedBlockingQueue<>();
			RecordingHandler serverHandler = new RecordingHandler() {

				@Override
				public void onMessage(PipeConnection connection, byte[] message, long received) {
					super.onMessage(connection, message, received);
					receivedAt.add(received);
				}

			};
			server(PipeOptions.builder().dispatchExecutor(executor).statistics(statistics).build(), serverHandler);
			RecordingHandler clientHandler = new RecordingHandler();
			client(clientHandler);
			PipeConnection connection = awaitConnection(clientHandler);
			long beforeSend = System.currentTimeMillis();
			connection.send("stamped".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
			await().atMost(10, TimeUnit.SECONDS).until(() -> statistics.messagesReceived() == 1);
			long read = System.currentTimeMillis();
			// The handler runs in a later millisecond than the read.
			await().atMost(10, TimeUnit.SECONDS).until(() -> System.currentTimeMillis() > read + 1);
			release.countDown();
			Long received = receivedAt.poll(10, TimeUnit.SECONDS);
			assertThat(received).isNotNull().isBetween(beforeSend, read);
			assertThat(serverHandler.messageCount()).isOne();
		}
		finally {
			release.countDown();
			stopEndpoints();
			executor.shutdownNow();
		}
	}

	@Test
	void aSlowListenerPushesBackOnTheSenderAndNothingIsLost() throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(2);
		try {
			CountDownLatch release = new CountDownLatch(1);
			RecordingHandler serverHandler = new RecordingHandler().holdingEachMessageUntil(release);
			PipeOptions serverOptions = PipeOptions.builder()
				.maxMessageSize(16 * 1024)
				.maxQueuedBytes(256 * 1024)
				.dispatchExecutor(executor)
				.build();
			server(serverOptions, serverHandler);
			RecordingHandler clientHandler = new RecordingHandler();
			client(clientHandler);
			PipeConnection connection = awaitConnection(clientHandler);
			int count = 2_000;
			List<CompletableFuture<SendResult>> sends = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				sends.add(connection.send(ByteBuffer.allocate(8 * 1024).putInt(i).array()));
			}
			await().atMost(20, TimeUnit.SECONDS)
				.untilAsserted(() -> assertThat(connection.queuedBytes()).as("bytes the server does not take")
					.isGreaterThan(8L * 1024 * 1024));
			assertThat(serverHandler.messageCount()).as("messages read while the listener is stuck")
				.isLessThan(count / 2);
			release.countDown();
			await().atMost(60, TimeUnit.SECONDS).until(() -> serverHandler.messageCount() == count);
			assertThat(sends).allSatisfy((send) -> assertThat(send).succeedsWithin(10, TimeUnit.SECONDS));
			List<byte[]> received = serverHandler.messages.values().iterator().next();
			for (int i = 0; i < count; i++) {
				assertThat(ByteBuffer.wrap(received.get(i)).getInt()).isEqualTo(i);
			}
		}
		finally {
			stopEndpoints();
			executor.shutdownNow();
		}
	}

	@Test
	void serverSendsToEveryClientAndEachSendReportsItsBytes() throws Exception {
		RecordingHandler serverHandler = new RecordingHandler();
		PipeEndpoint server = server(serverHandler);
		List<RecordingHandler> handlers = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			RecordingHandler handler = new RecordingHandler();
			handlers.add(handler);
			client(handler);
			awaitConnection(handler);
		}
		await().atMost(5, TimeUnit.SECONDS).until(() -> server.connections().size() == 5);
		List<CompletableFuture<SendResult>> sends = new ArrayList<>();
		server.connections().forEach((connection) -> sends.add(connection.send("hello all".getBytes())));
		assertThat(sends).allSatisfy((send) -> assertThat(send).succeedsWithin(5, TimeUnit.SECONDS)
			.extracting(SendResult::bytes)
			.isEqualTo(9));
		for (RecordingHandler handler : handlers) {
			await().atMost(5, TimeUnit.SECONDS).until(() -> handler.messageCount() == 1);
		}
		assertThat(server.status().connections()).isEqualTo(5);
	}

	@Test
	void manyThreadsSendingOnOneConnectionKeepEachThreadsOrder() throws Exception {
		int threads = 8;
		int perThread = 5_000;
		RecordingHandler serverHandler = new RecordingHandler();
		server(serverHandler);
		RecordingHandler clientHandler = new RecordingHandler();
		client(clientHandler);
		PipeConnection connection = awaitConnection(clientHandler);
		AtomicInteger failures = new AtomicInteger();
		List<Thread> senders = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int thread = t;
			senders.add(new Thread(() -> {
				for (int i = 0; i < perThread; i++) {
					byte[] message = ByteBuffer.allocate(8 + (i % 100)).putInt(thread).putInt(i).array();
					connection.send(message).exceptionally((error) -> {
						failures.incrementAndGet();
						return null;
					});
				}
			}));
		}
		senders.forEach(Thread::start);
		for (Thread sender : senders) {
			sender.join();
		}
		await().atMost(30, TimeUnit.SECONDS).until(() -> serverHandler.messageCount() == threads * perThread);
		int[] next = new int[threads];
		for (byte[] message : serverHandler.messages.values().iterator().next()) {
			ByteBuffer buffer = ByteBuffer.wrap(message);
			int thread = buffer.getInt();
			int sequence = buffer.getInt();
			assertThat(sequence).as("next message of thread %d", thread).isEqualTo(next[thread]);
			assertThat(message).hasSize(8 + (sequence % 100));
			next[thread]++;
		}
		assertThat(failures).hasValue(0);
	}

	@Test
	void aSendCallbackMaySendAgainAndChainOnIt() throws Exception {
		RecordingHandler serverHandler = new RecordingHandler();
		server(serverHandler);
		RecordingHandler clientHandler = new RecordingHandler();
		client(clientHandler);
		PipeConnection connection = awaitConnection(clientHandler);
		CompletableFuture<SendResult> chained = connection.send("first".getBytes())
			.thenCompose((first) -> connection.send("second".getBytes()));
		assertThat(chained).succeedsWithin(5, TimeUnit.SECONDS).extracting(SendResult::bytes).isEqualTo(6);
		await().atMost(5, TimeUnit.SECONDS).until(() -> serverHandler.messageCount() == 2);
	}

	@Test
	void aClientAboveMaxConnectionsIsClosedAtOnceAndReportedUntilASlotFrees() throws Exception {
		RecordingHandler serverHandler = new RecordingHandler();
		PipeEndpoint server = server(PipeOptions.builder().maxConnections(2).build(), serverHandler);
		RecordingHandler firstHandler = new RecordingHandler();
		PipeEndpoint first = client(firstHandler);
		RecordingHandler secondHandler = new RecordingHandler();
		client(secondHandler);
		awaitConnection(firstHandler);
		awaitConnection(secondHandler);
		await().atMost(10, TimeUnit.SECONDS).until(() -> server.connections().size() == 2);
		RecordingHandler thirdHandler = new RecordingHandler();
		client(thirdHandler);
		String rejection = serverHandler.rejections.poll(10, TimeUnit.SECONDS);
		assertThat(rejection).contains("holds 2 connections, its maximum").contains("asyncipc.max-connections");
		assertThat(server.connections()).hasSize(2);
		assertThat(serverHandler.connected).as("connections the server opened").hasSize(2);
		serverHandler.connected.clear();
		first.stop(Duration.ofSeconds(5));
		PipeConnection third = serverHandler.connected.poll(20, TimeUnit.SECONDS);
		assertThat(third).as("the third client, once a slot freed").isNotNull();
		await().atMost(10, TimeUnit.SECONDS).until(() -> server.connections().size() == 2);
		assertThat(third.send("admitted".getBytes(StandardCharsets.UTF_8))).succeedsWithin(5, TimeUnit.SECONDS);
		await().atMost(5, TimeUnit.SECONDS).until(() -> thirdHandler.messageCount() == 1);
	}

	@Test
	void anIdleConnectionIsClosedByTheIdleTimeoutAndABusyOneIsNot() throws Exception {
		RecordingHandler serverHandler = new RecordingHandler().echoing();
		server(PipeOptions.builder().idleTimeout(Duration.ofMillis(400)).build(), serverHandler);
		RecordingHandler busyHandler = new RecordingHandler();
		client(busyHandler);
		PipeConnection busy = awaitConnection(busyHandler);
		String busyOnServer = awaitConnection(serverHandler).id();
		RecordingHandler idleHandler = new RecordingHandler();
		client(idleHandler);
		PipeConnection idle = awaitConnection(idleHandler);
		ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
		try {
			// Busy for three idle timeouts: a message every 100 ms, each echoed.
			sender.scheduleAtFixedRate(() -> busy.send(new byte[] { 1 }), 0, 100, TimeUnit.MILLISECONDS);
			RecordingHandler.Disconnect disconnect = serverHandler.disconnected.poll(10, TimeUnit.SECONDS);
			assertThat(disconnect).isNotNull();
			assertThat(disconnect.connection().id()).isNotEqualTo(busyOnServer);
			assertThat(disconnect.reason()).isEqualTo(DisconnectReason.TIMED_OUT);
			assertThat(disconnect.cause()).hasMessageContaining("idle for").hasMessageContaining("asyncipc.idle-timeout");
			await().atMost(10, TimeUnit.SECONDS).until(() -> !idle.isOpen());
			await().atMost(10, TimeUnit.SECONDS).until(() -> busyHandler.messageCount() >= 12);
			assertThat(busy.isOpen()).isTrue();
			assertThat(serverHandler.disconnected).extracting((closed) -> closed.connection().id())
				.doesNotContain(busyOnServer);
		}
		finally {
			sender.shutdownNow();
		}
	}

	@Test
	void serverReportsCreatedAndListening() {
		RecordingHandler handler = new RecordingHandler();
		PipeEndpoint server = server(handler);
		assertThat(handler.created).containsExactly(server);
		assertThat(server.status().state()).isEqualTo(EndpointState.LISTENING);
		assertThat(handler.states).containsExactly(EndpointState.LISTENING);
	}

	@Test
	void liveNameIsNotTakenByASecondServer() throws Exception {
		RecordingHandler firstHandler = new RecordingHandler();
		PipeEndpoint first = server(firstHandler);
		PipeEndpoint second = transport().createServer(this.name, PipeOptions.defaults(), new RecordingHandler());
		assertThatExceptionOfType(PipeAddressInUseException.class).isThrownBy(second::start)
			.withMessageContaining("already in use")
			.withMessageContaining(first.address());
		second.stop(Duration.ofSeconds(1));
		RecordingHandler clientHandler = new RecordingHandler();
		client(clientHandler);
		awaitConnection(clientHandler);
		await().atMost(10, TimeUnit.SECONDS).until(() -> first.connections().size() == 1);
	}

	@Test
	void clientStartedBeforeItsServerConnectsAndReconnectsAfterARestart() throws Exception {
		RecordingHandler clientHandler = new RecordingHandler();
		PipeEndpoint client = client(clientHandler);
		await().atMost(10, TimeUnit.SECONDS).until(() -> client.status().failedAttempts() >= 2);
		assertThat(client.status().state()).isIn(EndpointState.RECONNECTING, EndpointState.CONNECTING);
		assertThat(client.status().lastError()).isNotNull();

		PipeEndpoint server = transport().createServer(this.name, PipeOptions.defaults(), new RecordingHandler());
		server.start();
		PipeConnection first = awaitConnection(clientHandler);
		assertThat(client.status().state()).isEqualTo(EndpointState.CONNECTED);
		assertThat(client.status().failedAttempts()).isZero();

		server.stop(Duration.ofSeconds(1));
		RecordingHandler.Disconnect lost = clientHandler.disconnected.poll(10, TimeUnit.SECONDS);
		assertThat(lost).isNotNull();
		assertThat(lost.reason()).isEqualTo(DisconnectReason.PEER_CLOSED);
		await().atMost(10, TimeUnit.SECONDS).until(() -> client.status().state() != EndpointState.CONNECTED);

		RecordingHandler restartedHandler = new RecordingHandler();
		server(restartedHandler);
		PipeConnection second = awaitConnection(clientHandler);
		assertThat(second.id()).isNotEqualTo(first.id());
		assertThat(second.send("back".getBytes())).succeedsWithin(10, TimeUnit.SECONDS);
		await().atMost(10, TimeUnit.SECONDS).until(() -> restartedHandler.messageCount() == 1);
		assertThat(clientHandler.states).containsSubsequence(EndpointState.CONNECTING, EndpointState.RECONNECTING,
				EndpointState.CONNECTED, EndpointState.RECONNECTING, EndpointState.CONNECTED);
	}

	@Test
	void connectDisconnectCyclesLeaveNoHandlesOrThreadsBehind() throws Exception {
		RecordingHandler serverHandler = new RecordingHandler();
		PipeEndpoint server = server(serverHandler);
		cycles(5);
		await().atMost(10, TimeUnit.SECONDS).until(() -> server.connections().isEmpty());
		long handlesBefore = openHandles();
		long threadsBefore = asyncIpcThreads();

		cycles(cycles());

		await().atMost(20, TimeUnit.SECONDS).until(() -> server.connections().isEmpty());
		// A server lists a connection until it closes it, and releases its socket just after, so
		// the count taken before may still hold the last warm-up socket: a leak is a count above it.
		await().atMost(10, TimeUnit.SECONDS)
			.untilAsserted(() -> assertThat(openHandles()).isLessThanOrEqualTo(handlesBefore));
		assertThat(asyncIpcThreads()).isEqualTo(threadsBefore);
	}

	private void cycles(int count) throws InterruptedException {
		for (int i = 0; i < count; i++) {
			CountDownLatch connected = new CountDownLatch(1);
			PipeEndpoint client = transport().createClient(this.name, fastRetry(), new PipeHandler() {
				@Override
				public void onConnected(PipeConnection connection) {
					connected.countDown();
				}

				@Override
				public void onMessage(PipeConnection connection, byte[] message) {
				}
			});
			client.start();
			assertThat(connected.await(20, TimeUnit.SECONDS)).as("cycle %d connected", i).isTrue();
			client.stop(Duration.ofSeconds(1));
		}
	}

	private static long asyncIpcThreads() {
		return Thread.getAllStackTraces().keySet().stream().filter((t) -> t.getName().startsWith("asyncipc-")).count();
	}

	static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

	/**
	 * A running SHA-256 over a sequence of messages, lengths included.
	 */
	static final class Digest {

		private final MessageDigest sha;

		private byte[] result;

		Digest() {
			try {
				this.sha = MessageDigest.getInstance("SHA-256");
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException(ex);
			}
		}

		synchronized void add(byte[] message) {
			this.sha.update(ByteBuffer.allocate(4).putInt(message.length).array());
			this.sha.update(message);
		}

		synchronized String hex() {
			if (this.result == null) {
				this.result = this.sha.digest();
			}
			return HexFormat.of().formatHex(this.result);
		}

	}

	/**
	 * A client that sends seeded random messages and checks that each echo matches.
	 */
	static final class Peer extends RecordingHandler {

		final int index;

		final int count;

		final Digest sentDigest = new Digest();

		final Random expected;

		final Random sent;

		final AtomicInteger echoes = new AtomicInteger();

		final AtomicInteger sendFailures = new AtomicInteger();

		final ConcurrentLinkedQueue<String> mismatches = new ConcurrentLinkedQueue<>();

		Peer(int index, int count) {
			this.index = index;
			this.count = count;
			this.expected = new Random(index);
			this.sent = new Random(index);
		}

		void sendAll(PipeConnection connection) {
			for (int i = 0; i < this.count; i++) {
				byte[] message = next(this.sent);
				this.sentDigest.add(message);
				connection.send(message).whenComplete((result, error) -> {
					if (error != null) {
						this.sendFailures.incrementAndGet();
					}
				});
			}
		}

		@Override
		public void onMessage(PipeConnection connection, byte[] message) {
			byte[] wanted = next(this.expected);
			int n = this.echoes.incrementAndGet();
			if (!Arrays.equals(wanted, message)) {
				this.mismatches.add("echo " + n + ": expected " + wanted.length + " bytes, got " + message.length);
			}
		}

		boolean done() {
			return this.echoes.get() >= this.count;
		}

		private static byte[] next(Random random) {
			int size = (random.nextInt(20) == 0) ? 0 : random.nextInt(4096);
			byte[] message = new byte[size];
			random.nextBytes(message);
			return message;
		}

	}

}
