package io.asyncipc.transport.unix;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.asyncipc.transport.DisconnectReason;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.RecordingHandler;
import io.asyncipc.transport.support.IoThread;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A caller that waits for a reply reads the connection itself
 * ({@link PipeConnection#readWhileWaiting}), and gives the reading back to the I/O thread
 * when it stops. Real sockets: the server echoes, or is told what to send.
 */
class UnixReadWhileWaitingIntegrationTests extends UnixEndpoints {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ExecutorService dispatch = Executors.newSingleThreadExecutor();

	@AfterEach
	@Override
	protected void stopEndpoints() {
		// The endpoints first, so that nothing is dispatched to a stopped executor.
		super.stopEndpoints();
		this.dispatch.shutdownNow();
	}

	@Test
	void aWaitingCallerReadsItsRepliesOnItsOwnThread() throws Exception {
		server(new RecordingHandler().echoing());
		Replies client = new Replies();
		PipeConnection connection = connect(client);
		String caller = Thread.currentThread().getName();
		int count = 50;
		for (int i = 0; i < count; i++) {
			byte[] request = { (byte) i };
			CompletableFuture<byte[]> reply = exchange(client, connection, request);
			assertThat(reply).as("reply %d", i).isDone();
			assertThat(reply.getNow(null)).isEqualTo(request);
		}
		// The first reply may come before the caller reads, and the I/O thread reads it.
		assertThat(client.takenOn).hasSize(count);
		assertThat(client.takenOn.stream().filter(caller::equals).count()).isGreaterThanOrEqualTo(count / 2);
		// Where the caller reads, a call that would wait fails at once, as on the I/O thread.
		assertThat(client.takenOnIoThread).hasSize(count).containsOnly(true);
		assertThat(IoThread.isIoThread()).isFalse();
	}

	@Test
	void aMessageThatArrivesWhenNoCallerWaitsIsReadByTheIoThread() throws Exception {
		RecordingHandler serverHandler = new RecordingHandler().echoing();
		server(serverHandler);
		Replies client = new Replies();
		PipeConnection connection = connect(client);
		PipeConnection serverSide = awaitConnection(serverHandler);
		for (int i = 0; i < 20; i++) {
			byte[] request = { (byte) i };
			CompletableFuture<byte[]> reply = exchange(client, connection, request);
			assertThat(reply).isDone();
		}
		// No caller reads now: the I/O thread takes the reading back and reads this one.
		serverSide.send("unasked".getBytes());
		await().atMost(10, TimeUnit.SECONDS).until(() -> client.messageCount() == 1);
		assertThat(client.messagesOf(connection.id()).get(0)).asString().isEqualTo("unasked");
		assertThat(client.unaskedOn).allMatch((thread) -> !thread.equals(Thread.currentThread().getName()));
	}

	@Test
	void messagesPushedWhileCallersReadAndTheHandlerPausesTheReadingAllArrive() throws Exception {
		RecordingHandler serverHandler = new RecordingHandler().echoing();
		server(serverHandler);
		// A handler slower than the pushes, and a small queue: reading pauses and resumes over
		// and over, while a caller keeps reading for its replies.
		Replies client = new Replies() {
			@Override
			public void onMessage(PipeConnection connection, byte[] message) {
				long end = System.nanoTime() + 20_000;
				while (System.nanoTime() - end < 0) {
					Thread.onSpinWait();
				}
				super.onMessage(connection, message);
			}
		};
		client(fastRetry().toBuilder().maxMessageSize(1024).maxQueuedBytes(4096).dispatchExecutor(this.dispatch).build(),
				client);
		PipeConnection connection = awaitConnection(client);
		PipeConnection serverSide = awaitConnection(serverHandler);
		AtomicBoolean pushing = new AtomicBoolean(true);
		ExecutorService caller = Executors.newSingleThreadExecutor();
		try {
			Future<Integer> exchanges = caller.submit(() -> {
				int count = 0;
				while (pushing.get()) {
					byte[] request = ByteBuffer.allocate(4).putInt(count).array();
					CompletableFuture<byte[]> reply = exchange(client, connection, request);
					assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo(request);
					count++;
				}
				return count;
			});
			int pushes = 2000;
			for (int i = 0; i < pushes; i++) {
				serverSide.send(("push " + i + " ".repeat(200)).getBytes());
			}
			// Once the caller stops, the I/O thread reads what is left.
			await().atMost(30, TimeUnit.SECONDS).until(() -> client.messageCount() >= pushes / 2);
			pushing.set(false);
			assertThat(exchanges.get(10, TimeUnit.SECONDS)).isPositive();
			await().atMost(30, TimeUnit.SECONDS).until(() -> client.messageCount() == pushes);
			assertThat(client.messagesOf(connection.id()).get(pushes - 1)).asString().startsWith("push " + (pushes - 1) + " ");
		}
		finally {
			pushing.set(false);
			caller.shutdownNow();
		}
	}

	@Test
	void callersThatWaitTogetherEachGetTheirReply() throws Exception {
		server(new RecordingHandler().echoing());
		Replies client = new Replies();
		PipeConnection connection = connect(client);
		int callers = 8;
		int requests = 200;
		ExecutorService pool = Executors.newFixedThreadPool(callers);
		try {
			List<Future<Integer>> done = new ArrayList<>();
			for (int c = 0; c < callers; c++) {
				int caller = c;
				done.add(pool.submit(() -> {
					for (int i = 0; i < requests; i++) {
						byte[] request = ByteBuffer.allocate(8).putInt(caller).putInt(i).array();
						CompletableFuture<byte[]> reply = exchange(client, connection, request);
						assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo(request);
					}
					return requests;
				}));
			}
			for (Future<Integer> each : done) {
				assertThat(each.get(60, TimeUnit.SECONDS)).isEqualTo(requests);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(client.takenOn).hasSize(callers * requests);
	}

	@Test
	void aReplyLargerThanTheCallersBufferArrivesWhole() throws Exception {
		server(new RecordingHandler().echoing());
		Replies client = new Replies();
		PipeConnection connection = connect(client);
		for (int size : new int[] { 16 * 1024 - 4, 16 * 1024, 100_000, 10 }) {
			byte[] request = new byte[size];
			Arrays.fill(request, (byte) size);
			request[0] = (byte) (size >> 8);
			CompletableFuture<byte[]> reply = exchange(client, connection, request);
			assertThat(reply.get(10, TimeUnit.SECONDS)).as("reply of %d bytes", size).isEqualTo(request);
		}
	}

	@Test
	void theWaitEndsWhenThePeerClosesAndTheConnectionReportsIt() throws Exception {
		server(new RecordingHandler().onEachMessage((connection, message) -> connection.close()));
		Replies client = new Replies();
		PipeConnection connection = connect(client);
		CompletableFuture<byte[]> reply = client.expect(new byte[] { 1 });
		connection.send(new byte[] { 1 });
		assertTimeoutPreemptively(Duration.ofSeconds(5), () -> connection.readWhileWaiting(reply, Duration.ofSeconds(30)));
		RecordingHandler.Disconnect disconnect = client.disconnected.poll(10, TimeUnit.SECONDS);
		assertThat(disconnect).isNotNull();
		assertThat(disconnect.reason()).isEqualTo(DisconnectReason.PEER_CLOSED);
		assertThat(reply).isNotDone();
	}

	@Test
	void messagesThatAWaitingCallerReadsCarryTheTimeOfTheirRead() throws Exception {
		// Each request gets a push, then its echo: the caller that waits for the echo reads both, mostly.
		server(new RecordingHandler().onEachMessage((connection, message) -> {
			connection.send(("push " + message[0]).getBytes(StandardCharsets.UTF_8));
			connection.send(message);
		}));
		Map<String, Long> receivedAt = new ConcurrentHashMap<>();
		Replies client = new Replies() {
			@Override
			public void onMessage(PipeConnection connection, byte[] message, long received) {
				super.onMessage(connection, message, received);
				receivedAt.put(new String(message, StandardCharsets.UTF_8), received);
			}
		};
		PipeConnection connection = connect(client);
		CountDownLatch release = new CountDownLatch(1);
		// The pushes wait for the dispatch thread until every exchange is done.
		this.dispatch.execute(() -> RecordingHandler.awaitQuietly(release));
		int count = 20;
		long[] before = new long[count];
		long[] after = new long[count];
		for (int i = 0; i < count; i++) {
			long last = (i > 0) ? after[i - 1] : 0;
			// Each exchange in a millisecond of its own: a time left from an earlier read is too early.
			await().atMost(5, TimeUnit.SECONDS).until(() -> System.currentTimeMillis() > last);
			before[i] = System.currentTimeMillis();
			assertThat(exchange(client, connection, new byte[] { (byte) i })).isDone();
			after[i] = System.currentTimeMillis();
		}
		release.countDown();
		await().atMost(10, TimeUnit.SECONDS).until(() -> receivedAt.size() == count);
		for (int i = 0; i < count; i++) {
			assertThat(receivedAt.get("push " + i)).as("push %d", i).isBetween(before[i], after[i]);
		}
		assertThat(client.takenOn).contains(Thread.currentThread().getName());
	}

	@Test
	void withInlineDispatchTheCallerLeavesTheReadingToTheIoThread() throws Exception {
		// The server never replies: a caller that read would wait the whole timeout.
		server(new RecordingHandler());
		RecordingHandler client = new RecordingHandler();
		client(fastRetry(), client);
		PipeConnection connection = awaitConnection(client);
		connection.send(new byte[] { 1 });
		assertTimeoutPreemptively(Duration.ofSeconds(5),
				() -> connection.readWhileWaiting(new CompletableFuture<>(), Duration.ofSeconds(30)));
	}

	/**
	 * Sends a request and reads the connection while waiting for its echo.
	 */
	private static CompletableFuture<byte[]> exchange(Replies client, PipeConnection connection, byte[] request)
			throws InterruptedException {
		CompletableFuture<byte[]> reply = client.expect(request);
		connection.send(request);
		connection.readWhileWaiting(reply, WAIT);
		return reply;
	}

	private PipeConnection connect(Replies handler) throws InterruptedException {
		client(fastRetry().toBuilder().dispatchExecutor(this.dispatch).build(), handler);
		return awaitConnection(handler);
	}

	/**
	 * Takes each message that a caller expects where it is read, and records on which thread.
	 */
	private static class Replies extends RecordingHandler {

		private final Map<ByteBuffer, CompletableFuture<byte[]>> expected = new ConcurrentHashMap<>();

		final List<String> takenOn = new CopyOnWriteArrayList<>();

		final List<Boolean> takenOnIoThread = new CopyOnWriteArrayList<>();

		final List<String> unaskedOn = new CopyOnWriteArrayList<>();

		CompletableFuture<byte[]> expect(byte[] request) {
			CompletableFuture<byte[]> reply = new CompletableFuture<>();
			this.expected.put(ByteBuffer.wrap(request.clone()), reply);
			return reply;
		}

		@Override
		public boolean takeOnIoThread(PipeConnection connection, byte[] message) {
			CompletableFuture<byte[]> reply = this.expected.remove(ByteBuffer.wrap(message));
			if (reply == null) {
				return false;
			}
			this.takenOn.add(Thread.currentThread().getName());
			this.takenOnIoThread.add(IoThread.isIoThread());
			reply.complete(message);
			return true;
		}

		@Override
		public void onMessage(PipeConnection connection, byte[] message) {
			this.unaskedOn.add(Thread.currentThread().getName());
			super.onMessage(connection, message);
		}

	}

}
