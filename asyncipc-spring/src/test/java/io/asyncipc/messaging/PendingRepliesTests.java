package io.asyncipc.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.asyncipc.messaging.envelope.Envelope;
import io.asyncipc.transport.PipeClosedException;
import io.asyncipc.transport.PipeConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a request waiting for its reply ends: by its reply on its own connection, an error
 * reply, its timeout, its connection closing, or the pipe stopping; and how a reply that finds
 * no request is dropped.
 */
class PendingRepliesTests {

	private static final Duration LONG = Duration.ofMinutes(1);

	private final PendingReplies replies = new PendingReplies("orders");

	private final Map<String, PipeConnection> connections = new HashMap<>();

	@AfterEach
	void stop() {
		this.replies.onStopped();
	}

	@Test
	void aReplyOnTheRequestsConnectionCompletesIt() {
		PendingReplies.Pending request = this.replies.register(connection("c-1"), LONG);
		Envelope reply = reply(request.id(), "done");
		this.replies.onReply(connection("c-1"), reply);
		assertThat(request.reply()).isCompletedWithValue(reply);
		assertThat(this.replies.size()).isZero();
	}

	@Test
	void aReplyOnAnotherConnectionDoesNotCompleteTheRequest() {
		PendingReplies.Pending request = this.replies.register(connection("c-1"), LONG);
		this.replies.onReply(connection("c-2"), reply(request.id(), "forged"));
		assertThat(request.reply()).isNotDone();
		assertThat(this.replies.size()).isOne();
	}

	@Test
	void anErrorReplyFailsTheRequestWithTheRemoteTypeAndMessage() {
		PendingReplies.Pending request = this.replies.register(connection("c-1"), LONG);
		this.replies.onReply(connection("c-1"), Envelope.builder()
			.correlationId(request.id())
			.reply(true)
			.error(true)
			.typeId("java.lang.IllegalStateException")
			.payload("no stock".getBytes(StandardCharsets.UTF_8))
			.build());
		assertThat(request.reply()).failsWithin(Duration.ZERO)
			.withThrowableThat()
			.havingCause()
			.isInstanceOfSatisfying(PipeRemoteException.class, (ex) -> {
				assertThat(ex.getRemoteType()).isEqualTo("java.lang.IllegalStateException");
				assertThat(ex.getRemoteMessage()).isEqualTo("no stock");
			});
	}

	@Test
	void aRequestTimesOutAndItsLateReplyIsDropped() {
		PendingReplies.Pending request = this.replies.register(connection("c-1"), Duration.ofMillis(50));
		assertThat(request.reply()).failsWithin(Duration.ofSeconds(5))
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(PipeReplyTimeoutException.class)
			.withMessageContaining(request.id());
		assertThat(this.replies.size()).isZero();
		this.replies.onReply(connection("c-1"), reply(request.id(), "late"));
		assertThat(this.replies.size()).isZero();
	}

	@Test
	void aShorterTimeoutAfterALongerOneStillFiresOnTime() {
		PendingReplies.Pending patient = this.replies.register(connection("c-1"), LONG);
		PendingReplies.Pending hasty = this.replies.register(connection("c-1"), Duration.ofMillis(50));
		assertThat(hasty.reply()).failsWithin(Duration.ofSeconds(5))
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(PipeReplyTimeoutException.class);
		assertThat(patient.reply()).isNotDone();
		assertThat(this.replies.size()).isOne();
	}

	@Test
	void everyRequestOfAStreamTimesOutThoughOneSweepKeepsThemAll() {
		List<PendingReplies.Pending> requests = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			requests.add(this.replies.register(connection("c-" + (i % 3)), Duration.ofMillis(20 + i)));
		}
		for (PendingReplies.Pending request : requests) {
			assertThat(request.reply()).failsWithin(Duration.ofSeconds(5))
				.withThrowableThat()
				.havingCause()
				.isInstanceOf(PipeReplyTimeoutException.class);
		}
		assertThat(this.replies.size()).isZero();
	}

	@Test
	void aDisconnectFailsTheRequestsOfThatConnectionOnly() {
		PendingReplies.Pending first = this.replies.register(connection("c-1"), LONG);
		PendingReplies.Pending second = this.replies.register(connection("c-1"), LONG);
		PendingReplies.Pending other = this.replies.register(connection("c-2"), LONG);
		this.replies.onDisconnected(connection("c-1"));
		assertThat(first.reply()).isCompletedExceptionally();
		assertThat(second.reply()).failsWithin(Duration.ZERO)
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(PipeClosedException.class)
			.withMessageContaining("connection c-1 of pipe 'orders' closed before the reply");
		assertThat(other.reply()).isNotDone();
		assertThat(this.replies.size()).isOne();
	}

	@Test
	void aFailedSendEndsTheRequestWithItsCause() {
		PendingReplies.Pending request = this.replies.register(connection("c-1"), LONG);
		IllegalStateException cause = new IllegalStateException("queue full");
		this.replies.failed(request, cause);
		assertThat(request.reply()).failsWithin(Duration.ZERO).withThrowableThat().havingCause().isSameAs(cause);
		assertThat(this.replies.size()).isZero();
	}

	@Test
	void stoppingFailsEveryRequestAndALaterRequestStillWorks() {
		PendingReplies.Pending request = this.replies.register(connection("c-1"), LONG);
		this.replies.onStopped();
		assertThat(request.reply()).failsWithin(Duration.ZERO)
			.withThrowableThat()
			.havingCause()
			.withMessageContaining("pipe 'orders' stopped");
		PendingReplies.Pending next = this.replies.register(connection("c-1"), Duration.ofMillis(50));
		assertThat(next.reply()).failsWithin(Duration.ofSeconds(5))
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(PipeReplyTimeoutException.class);
	}

	@Test
	void correlationIdsAreUniqueAndShareTheirPipesRandomPrefix() {
		Set<String> ids = new HashSet<>();
		for (int i = 0; i < 1000; i++) {
			ids.add(this.replies.register(connection("c-1"), LONG).id());
		}
		assertThat(ids).hasSize(1000);
		String prefix = ids.iterator().next().substring(0, 17);
		assertThat(prefix).matches("[0-9a-f]{16}-");
		assertThat(ids).allSatisfy((id) -> assertThat(id).startsWith(prefix));
		assertThat(new PendingReplies("orders").register(connection("c-1"), LONG).id()).doesNotStartWith(prefix);
	}

	private static Envelope reply(String correlationId, String text) {
		return Envelope.builder()
			.correlationId(correlationId)
			.reply(true)
			.payload(text.getBytes(StandardCharsets.UTF_8))
			.build();
	}

	/** The same connection for the same id: requests and replies are matched by connection. */
	private PipeConnection connection(String id) {
		return this.connections.computeIfAbsent(id, (key) -> new UnsentConnection(key, null));
	}

}
