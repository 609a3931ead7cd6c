package io.asyncipc.transport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.asyncipc.transport.support.FaultInjection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What every transport must do when things go wrong inside it: a caller that would block an
 * I/O thread fails at once, a lost wake-up cannot silence a connection, a task or timer that
 * throws is survived, a dying I/O thread fails its endpoint visibly (and a client recovers),
 * a stop lets read messages be answered and fits its timeout, and a stop racing a connect
 * stays stopped. Faults that no peer can cause on demand are injected with
 * {@link FaultInjection}.
 */
public abstract class SupervisionContractTests extends EndpointsFixture {

	private final ExecutorService executor = Executors.newFixedThreadPool(4);

	@AfterEach
	void stopExecutor() {
		stopEndpoints();
		this.executor.shutdownNow();
	}

	@Test
	void waitingForASendOnAnIoThreadFailsAtOnceAndTheConnectionGoesOn() throws Exception {
		RecordingHandler serverHandler = new RecordingHandler();
		server(serverHandler);
		RecordingHandler clientHandler = new RecordingHandler();
		client(clientHandler);
		PipeConnection connection = awaitConnection(clientHandler);
		CountDownLatch release = FaultInjection.holdIoThread(connection);
		// The first send cannot complete while its I/O thread is held, so the callback is
		// chained before it completes, and runs on the I/O thread.
		CompletableFuture<SendResult> chained = connection.send(bytes("first"))
			.thenApply((first) -> connection.send(bytes("second")).join());
		release.countDown();
		assertThat(chained).failsWithin(5, TimeUnit.SECONDS)
			.withThrowableThat()
			.havingRootCause()
			.isInstanceOf(BlockingOperationException.class)
			.withMessageContaining("join()")
			.withMessageContaining("would block I/O thread");
		assertThat(connection.send(bytes("third"))).succeedsWithin(5, TimeUnit.SECONDS);
		await().atMost(5, TimeUnit.SECONDS).until(() -> serverHandler.messageCount() == 3);
		assertThat(serverHandler.messagesOf(serverHandler.messages.keySet().iterator().next()))
			.extracting(SupervisionContractTests::text)
			.containsExactly("first", "second", "third");
	}

	@Test
	void aSendFutureCompletesOnTheIoThread() throws Exception {
		server(new RecordingHandler());
		RecordingHandler clientHandler = new RecordingHandler();
		client(clientHandler);
		PipeConnection connection = awaitConnection(clientHandler);
		CountDownLatch release = FaultInjection.holdIoThread(connection);
		CompletableFuture<Boolean> completedOnIoThread = connection.send(bytes("where"))
			.thenApply((result) -> FaultInjection.onIoThread());
		release.countDown();
		assertThat(completedOnIoThread).succeedsWithin(5, TimeUnit.SECONDS).isEqualTo(true);
	}

	@Test
	void aListenerThatCatchesUpAtOnceNeverLeavesReadingPaused() throws Exception {
		int count = 20_000;
		RecordingHandler serverHandler = new RecordingHandler();
		PipeOptions serverOptions = PipeOptions.builder()
			.maxMessageSize(1024)
			.maxQueuedBytes(4 * 1024)
			.dispatchExecutor(this.executor)
			.build();
		server(serverOptions, serverHandler);
		RecordingHandler clientHandler = new RecordingHandler();
		client(clientHandler);
		PipeConnection connection = awaitConnection(clientHandler);
		for (int i = 0; i < count; i++) {
			connection.send(new byte[1000]);
		}
		await().atMost(60, TimeUnit.SECONDS).until(() -> serverHandler.messageCount() == count);
	}

	@Test
	void aTaskOrTimerThatThrowsIsSurvived() throws Exception {
		RecordingHandler serverHandler = new RecordingHandler().echoing();
		PipeEndpoint server = server(serverHandler);
		RecordingHandler clientHandler = new RecordingHandler();
		client(clientHandler);
		PipeConnection connection = awaitConnection(clientHandler);
		PipeConnection serverSide = awaitConnection(serverHandler);
		CountDownLatch thrown = new CountDownLatch(2);
		FaultInjection.runOnIoThread(serverSide, () -> {
			thrown.countDown();
			throw new FaultInjection.InjectedException("a task that throws, injected");
		});
		FaultInjection.runAsTimer(serverSide, () -> {
			thrown.countDown();
			throw new FaultInjection.InjectedException("a timer that throws, injected");
		});
		assertThat(thrown.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(connection.send(bytes("after"))).succeedsWithin(5, TimeUnit.SECONDS);
		await().atMost(5, TimeUnit.SECONDS).until(() -> clientHandler.messageCount() == 1);
		assertThat(server.status().state()).isEqualTo(EndpointState.LISTENING);
	}

	@Test
	void aServerWhoseIoThreadDiesFailsItsConnectionsAndItself() throws Exception {
		RecordingHandler serverHandler = new RecordingHandler();
		PipeEndpoint server = server(serverHandler);
		RecordingHandler clientHandler = new RecordingHandler();
		client(clientHandler);
		PipeConnection clientSide = awaitConnection(clientHandler);
		PipeConnection serverSide = awaitConnection(serverHandler);
		// The client reads nothing meanwhile, so most of what the server sends stays queued.
		CountDownLatch releaseClient = FaultInjection.holdIoThread(clientSide);
		try {
			CountDownLatch releaseServer = FaultInjection.holdIoThread(serverSide);
			List<CompletableFuture<SendResult>> sends = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				sends.add(serverSide.send(new byte[64 * 1024]));
			}
			FaultInjection.killIoThread(serverSide);
			releaseServer.countDown();

			Throwable failure = serverHandler.failures.poll(10, TimeUnit.SECONDS);
			assertThat(failure).as("the FAILED state's cause").isNotNull().hasMessageContaining("died");
			assertThat(server.status().state()).isEqualTo(EndpointState.FAILED);
			assertThat(server.status().lastError()).isSameAs(failure);
			await().atMost(5, TimeUnit.SECONDS).until(() -> sends.stream().allMatch(CompletableFuture::isDone));
			assertThat(sends).last()
				.satisfies((send) -> assertThat(send).failsWithin(0, TimeUnit.SECONDS)
					.withThrowableThat()
					.havingCause()
					.isInstanceOf(PipeClosedException.class));
			RecordingHandler.Disconnect serverDisconnect = serverHandler.disconnected.poll(5, TimeUnit.SECONDS);
			assertThat(serverDisconnect).isNotNull();
			assertThat(serverDisconnect.reason()).isEqualTo(DisconnectReason.IO_ERROR);
			assertThat(serverSide.send(bytes("late"))).failsWithin(1, TimeUnit.SECONDS);
		}
		finally {
			releaseClient.countDown();
		}
		assertThat(clientHandler.disconnected.poll(10, TimeUnit.SECONDS)).as("the client sees the server go")
			.isNotNull();
		server.stop(Duration.ofSeconds(1));
		assertThat(server.status().state()).isEqualTo(EndpointState.STOPPED);
	}

	@Test
	void aClientWhoseIoThreadDiesRecoversOnANewOne() throws Exception {
		RecordingHandler serverHandler = new RecordingHandler();
		server(serverHandler);
		RecordingHandler clientHandler = new RecordingHandler();
		PipeEndpoint client = client(clientHandler);
		PipeConnection first = awaitConnection(clientHandler);
		FaultInjection.killIoThread(first);

		assertThat(clientHandler.failures.poll(10, TimeUnit.SECONDS)).as("the FAILED state's cause").isNotNull();
		PipeConnection second = awaitConnection(clientHandler);
		assertThat(second.id()).isNotEqualTo(first.id());
		assertThat(first.isOpen()).isFalse();
		assertThat(second.send(bytes("recovered"))).succeedsWithin(5, TimeUnit.SECONDS);
		await().atMost(5, TimeUnit.SECONDS).until(() -> serverHandler.messageCount() == 1);
		assertThat(client.status().state()).isEqualTo(EndpointState.CONNECTED);
		assertThat(clientHandler.states).containsSubsequence(EndpointState.CONNECTED, EndpointState.FAILED,
				EndpointState.RECONNECTING, EndpointState.CONNECTING, EndpointState.CONNECTED);
	}

	@Test
	void stopLetsTheListenerAnswerWhatWasReadBeforeIt() throws Exception {
		CountDownLatch requestArrived = new CountDownLatch(1);
		CountDownLatch answer = new CountDownLatch(1);
		RecordingHandler serverHandler = new RecordingHandler().onEachMessage((connection, message) -> {
			requestArrived.countDown();
			RecordingHandler.awaitQuietly(answer);
			connection.send(bytes("reply to " + text(message)));
		});
		PipeEndpoint server = server(PipeOptions.builder().dispatchExecutor(this.executor).build(), serverHandler);
		RecordingHandler clientHandler = new RecordingHandler();
		client(clientHandler);
		PipeConnection connection = awaitConnection(clientHandler);
		connection.send(bytes("request"));
		assertThat(requestArrived.await(10, TimeUnit.SECONDS)).isTrue();

		CompletableFuture<Void> stopped = server.stopAsync(Duration.ofSeconds(20));
		await().atMost(5, TimeUnit.SECONDS).until(() -> server.status().state() == EndpointState.STOPPING);
		answer.countDown();

		assertThat(stopped).succeedsWithin(20, TimeUnit.SECONDS);
		await().atMost(5, TimeUnit.SECONDS).until(() -> clientHandler.messageCount() == 1);
		assertThat(text(clientHandler.messagesOf(connection.id()).get(0))).isEqualTo("reply to request");
	}

	@Test
	void stopFitsItsTimeoutWhenThePeerNeverReads() throws Exception {
		CountDownLatch never = new CountDownLatch(1);
		RecordingHandler serverHandler = new RecordingHandler().holdingEachMessageUntil(never);
		PipeOptions stuck = PipeOptions.builder()
			.maxMessageSize(64 * 1024)
			.maxQueuedBytes(256 * 1024)
			.dispatchExecutor(this.executor)
			.build();
		server(stuck, serverHandler);
		RecordingHandler clientHandler = new RecordingHandler();
		PipeEndpoint client = client(fastRetry(), clientHandler);
		PipeConnection connection = awaitConnection(clientHandler);
		List<CompletableFuture<SendResult>> sends = new ArrayList<>();
		for (int i = 0; i < 700; i++) {
			sends.add(connection.send(new byte[64 * 1024]));
		}
		await().atMost(10, TimeUnit.SECONDS).until(() -> connection.queuedBytes() > 0 && !connection.isWritable());
		long started = System.nanoTime();
		try {
			client.stop(Duration.ofMillis(500));
			assertThat(Duration.ofNanos(System.nanoTime() - started)).as("time the stop took")
				.isLessThan(Duration.ofSeconds(5));
			await().atMost(5, TimeUnit.SECONDS).until(() -> sends.stream().allMatch(CompletableFuture::isDone));
			assertThat(sends).anySatisfy((send) -> assertThat(send).isCompletedExceptionally());
		}
		finally {
			never.countDown();
		}
	}

	@Test
	void writabilityFollowsTheWatermarksAndIsReported() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		RecordingHandler serverHandler = new RecordingHandler().holdingEachMessageUntil(release);
		PipeOptions small = PipeOptions.builder().maxMessageSize(16 * 1024).maxQueuedBytes(512 * 1024).build();
		server(small.toBuilder().dispatchExecutor(this.executor).build(), serverHandler);
		RecordingHandler clientHandler = new RecordingHandler();
		client(small.toBuilder().reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100)).build(),
				clientHandler);
		PipeConnection connection = awaitConnection(clientHandler);
		assertThat(connection.isWritable()).isTrue();
		List<CompletableFuture<SendResult>> sends = new ArrayList<>();
		// Sends while writable, until the handler is told it is not: a dip that the I/O thread
		// writes away at once is not told, so the test keeps the queue above the watermark.
		await().atMost(20, TimeUnit.SECONDS).until(() -> {
			if (connection.isWritable()) {
				sends.add(connection.send(new byte[16 * 1024]));
			}
			return !clientHandler.writability.isEmpty();
		});
		assertThat(clientHandler.writability.poll()).as("told: not writable").isFalse();
		release.countDown();
		assertThat(clientHandler.writability.poll(20, TimeUnit.SECONDS)).as("told: writable again").isTrue();
		assertThat(sends).allSatisfy((send) -> assertThat(send).succeedsWithin(20, TimeUnit.SECONDS));
		assertThat(connection.isWritable()).isTrue();
	}

	@Test
	void aStopRacingAConnectLeavesTheClientStopped() throws Exception {
		RecordingHandler serverHandler = new RecordingHandler();
		PipeEndpoint server = server(serverHandler);
		for (int i = 0; i < 200; i++) {
			RecordingHandler clientHandler = new RecordingHandler();
			PipeEndpoint client = transport().createClient(this.name, fastRetry(), clientHandler);
			client.start();
			if (i % 2 == 1) {
				// Half of the rounds stop right after the connection is announced.
				clientHandler.connected.poll(10, TimeUnit.SECONDS);
			}
			client.stop(Duration.ofSeconds(1));
			assertThat(client.status().state()).isEqualTo(EndpointState.STOPPED);
			List<EndpointState> states = clientHandler.states;
			assertThat(states.subList(states.indexOf(EndpointState.STOPPING), states.size()))
				.as("states told after the stop began, round %d", i)
				.doesNotContain(EndpointState.RECONNECTING)
				.endsWith(EndpointState.STOPPED);
			assertThat(client.connections()).isEmpty();
		}
		await().atMost(10, TimeUnit.SECONDS).until(() -> server.connections().isEmpty());
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
