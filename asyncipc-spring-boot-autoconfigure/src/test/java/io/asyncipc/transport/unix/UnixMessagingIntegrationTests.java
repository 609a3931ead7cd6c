package io.asyncipc.transport.unix;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.asyncipc.transport.DisconnectReason;
import io.asyncipc.transport.MessageTooLargeException;
import io.asyncipc.transport.PipeClosedException;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.RecordingHandler;
import io.asyncipc.transport.SendResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Messages over real Unix domain sockets between real endpoints.
 */
class UnixMessagingIntegrationTests extends UnixEndpoints {

	@Test
	void fiftyClientsExchangeThousandsOfRandomMessagesEveryByteInOrder() throws Exception {
		int clients = 50;
		int perClient = 2_000;
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
	void zeroLengthMessagesAndMessagesOfExactlyTheMaximumArrive() throws Exception {
		int max = 1024 * 1024;
		PipeOptions options = PipeOptions.builder().maxMessageSize(max).build();
		RecordingHandler serverHandler = new RecordingHandler().echoing();
		server(options, serverHandler);
		RecordingHandler clientHandler = new RecordingHandler();
		client(options.toBuilder().reconnectBackoff(java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(100))
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
		client.stop(java.time.Duration.ofSeconds(10));
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
					try {
						release.await();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
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
				assertThat(messages.stream().map(UnixMessagingIntegrationTests::text).toList()).isEqualTo(expected);
			}
		}
		finally {
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
	void aSendCallbackMaySendAgainAndWaitForIt() throws Exception {
		RecordingHandler serverHandler = new RecordingHandler();
		server(serverHandler);
		RecordingHandler clientHandler = new RecordingHandler();
		client(clientHandler);
		PipeConnection connection = awaitConnection(clientHandler);
		CompletableFuture<SendResult> chained = connection.send("first".getBytes())
			.thenApply((first) -> connection.send("second".getBytes()).join());
		assertThat(chained).succeedsWithin(5, TimeUnit.SECONDS).extracting(SendResult::bytes).isEqualTo(6);
		await().atMost(5, TimeUnit.SECONDS).until(() -> serverHandler.messageCount() == 2);
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
