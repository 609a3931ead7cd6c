package io.asyncipc.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.asyncipc.transport.OutboundQueueFullException;
import io.asyncipc.transport.PipeClosedException;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeRole;
import io.asyncipc.transport.RecordingHandler;
import io.asyncipc.transport.SendResult;
import io.asyncipc.transport.TestNames;
import io.asyncipc.transport.unix.UnixSocketTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.converter.CompositeMessageConverter;
import org.springframework.messaging.converter.StringMessageConverter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A server broadcasts to two real clients, one of which has stopped reading, so that its
 * outbound queue is full and the send to it fails while the other client gets the message.
 * Unix sockets only: the test relies on the kernel buffer being far smaller than the queue.
 */
class PipeTemplateBroadcastIntegrationTests {

	/**
	 * Far more than a socket's kernel buffer (about 200 KiB on Linux), so that what the stuck
	 * client's connection queues can never all be written.
	 */
	private static final int QUEUE_LIMIT = 8 * 1024 * 1024;

	private static final int MAX_MESSAGE_SIZE = QUEUE_LIMIT - 4;

	/** More than is left of the stuck client's queue once it holds a message of the maximum size. */
	private static final byte[] TO_ALL = "to all".repeat(2 * 1024 * 1024 / 6).getBytes(StandardCharsets.UTF_8);

	private final UnixSocketTransport transport = new UnixSocketTransport();

	private final PipeEndpointContainer server = new PipeEndpointContainer(this.transport, TestNames.random(),
			PipeRole.SERVER, PipeOptions.builder().maxMessageSize(MAX_MESSAGE_SIZE).maxQueuedBytes(QUEUE_LIMIT).build(),
			new PipeListenerEndpointRegistry());

	private final PipeTemplate template = new PipeTemplate(this.server,
			new CompositeMessageConverter(List.of(new ByteArrayMessageConverter(), new StringMessageConverter())));

	private final RecordingHandler reader = new RecordingHandler();

	private final CountDownLatch releaseStuck = new CountDownLatch(1);

	private final List<PipeEndpoint> clients = new ArrayList<>();

	private String readerId;

	private String stuckId;

	@BeforeEach
	void startAServerWithAReader() {
		this.server.start();
		this.readerId = connect(this.reader);
	}

	/**
	 * Connects a client whose I/O thread holds the first message it gets, inline, so that it
	 * reads nothing more; then queues a message of the maximum size for it, which stays in its
	 * outbound queue since the kernel's buffer cannot take all of it.
	 */
	private void connectAClientThatStoppedReading() throws Exception {
		RecordingHandler stuckHandler = new RecordingHandler().holdingEachMessageUntil(this.releaseStuck);
		this.stuckId = connect(stuckHandler);
		PipeConnection stuck = this.server.getEndpoint().connection(this.stuckId).orElseThrow();
		stuck.send(new byte[1]).get(10, TimeUnit.SECONDS);
		await().atMost(10, TimeUnit.SECONDS).until(() -> stuckHandler.messageCount() == 1);
		CompletableFuture<SendResult> filling = stuck.send(new byte[MAX_MESSAGE_SIZE]);
		assertThat(filling).isNotCompletedExceptionally();
	}

	@AfterEach
	void stop() {
		this.releaseStuck.countDown();
		this.server.stop();
		this.clients.forEach((client) -> client.stop(Duration.ofSeconds(5)));
	}

	@Test
	void broadcastReportsEachConnectionAndCompletesNormally() throws Exception {
		connectAClientThatStoppedReading();
		BroadcastResult result = this.template.convertAndBroadcastAsync(TO_ALL).get(10, TimeUnit.SECONDS);
		assertThat(result.allDelivered()).isFalse();
		assertThat(result.delivered()).containsExactly(new SendResult(this.readerId, TO_ALL.length));
		assertThat(result.bytes()).isEqualTo(TO_ALL.length);
		assertThat(result.failed()).singleElement().satisfies((failure) -> {
			assertThat(failure.connectionId()).isEqualTo(this.stuckId);
			assertThat(failure.cause()).isInstanceOf(OutboundQueueFullException.class);
		});
		assertThat(result.pipeName()).isEqualTo(this.server.getName());
		assertThat(result).hasToString("delivered to 1 of 2 connections of pipe '" + this.server.getName()
				+ "', failed on " + this.stuckId + " (" + result.failed().get(0).cause().getMessage() + ")");
		awaitReaderGot(TO_ALL);
	}

	@Test
	void sendToPeerFailsWithTheResultOfEachConnection() throws Exception {
		connectAClientThatStoppedReading();
		assertThat(this.template.convertAndSendAsync(TO_ALL)).failsWithin(10, TimeUnit.SECONDS)
			.withThrowableThat()
			.havingCause()
			.isInstanceOfSatisfying(BroadcastFailedException.class, (failure) -> {
				assertThat(failure.getResult().delivered()).extracting(SendResult::connectionId)
					.containsExactly(this.readerId);
				assertThat(failure.getResult().failed()).extracting(BroadcastResult.Failure::connectionId)
					.containsExactly(this.stuckId);
				assertThat(failure).hasMessageContaining("delivered to 1 of 2 connections")
					.hasMessageContaining("resend only to the failed connections")
					.hasCauseInstanceOf(OutboundQueueFullException.class);
			});
		awaitReaderGot(TO_ALL);
	}

	@Test
	void broadcastWhereEveryConnectionTookItIsAllDelivered() throws Exception {
		String secondReader = connect(new RecordingHandler());
		BroadcastResult result = this.template.convertAndBroadcastAsync(TO_ALL).get(10, TimeUnit.SECONDS);
		assertThat(result.allDelivered()).isTrue();
		assertThat(result.failed()).isEmpty();
		assertThat(result.delivered()).extracting(SendResult::connectionId)
			.containsExactlyInAnyOrder(this.readerId, secondReader);
		assertThat(result.bytes()).isEqualTo(2 * TO_ALL.length);
	}

	@Test
	void broadcastThatWentNowhereFails() {
		this.clients.forEach((client) -> client.stop(Duration.ofSeconds(5)));
		await().atMost(10, TimeUnit.SECONDS).until(() -> this.server.getEndpoint().connections().isEmpty());
		assertThat(this.template.convertAndBroadcastAsync(TO_ALL)).failsWithin(10, TimeUnit.SECONDS)
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(PipeClosedException.class)
			.withMessageContaining("no client is connected to pipe '" + this.server.getName() + "'");
	}

	private void awaitReaderGot(byte[] message) {
		await().atMost(10, TimeUnit.SECONDS).until(() -> this.reader.messageCount() == 1);
		assertThat(this.reader.messages.values()).singleElement()
			.satisfies((messages) -> assertThat(messages).singleElement().isEqualTo(message));
	}

	/**
	 * Connects a client and returns the id the server gave its connection.
	 */
	private String connect(RecordingHandler handler) {
		Set<String> before = ids(this.server.getEndpoint().connections());
		PipeEndpoint client = this.transport.createClient(this.server.getName(), PipeOptions.defaults(), handler);
		this.clients.add(client);
		client.start();
		await().atMost(10, TimeUnit.SECONDS)
			.until(() -> this.server.getEndpoint().connections().size() == before.size() + 1);
		Set<String> after = ids(this.server.getEndpoint().connections());
		after.removeAll(before);
		return after.iterator().next();
	}

	private static Set<String> ids(Collection<PipeConnection> connections) {
		return connections.stream().map(PipeConnection::id).collect(Collectors.toSet());
	}

}
