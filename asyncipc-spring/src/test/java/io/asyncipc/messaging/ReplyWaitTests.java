package io.asyncipc.messaging;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A caller waiting for its reply, spinning or parked: it gets what another thread completes
 * the reply with, or the failure, however the reply comes (before, during or after the spin).
 */
class ReplyWaitTests {

	@ParameterizedTest
	@ValueSource(longs = { 0, 100_000, 10_000_000 })
	void aReplyCompletedByAnotherThreadReachesTheCallerRequestAfterRequest(long limitNanos) throws Exception {
		ReplyWait wait = new ReplyWait(Duration.ofNanos(limitNanos));
		for (int i = 0; i < 3 * ReplyWait.EXPLORE_EVERY; i++) {
			CompletableFuture<String> reply = new CompletableFuture<>();
			CountDownLatch waiting = new CountDownLatch(1);
			String expected = "reply " + i;
			Thread answering = new Thread(() -> {
				try {
					waiting.await(5, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				reply.complete(expected);
			});
			answering.start();
			waiting.countDown();
			assertThat(wait.await(reply, null, Duration.ZERO)).isEqualTo(expected);
			answering.join();
		}
	}

	@ParameterizedTest
	@ValueSource(longs = { 0, 100_000 })
	void aReplyThatIsInAlreadyIsReturnedAtOnce(long limitNanos) throws Exception {
		ReplyWait wait = new ReplyWait(Duration.ofNanos(limitNanos));
		assertThat(wait.await(CompletableFuture.completedFuture("in"), null, Duration.ZERO))
			.isEqualTo("in");
	}

	@ParameterizedTest
	@ValueSource(longs = { 0, 100_000 })
	void aFailedRequestThrowsItsCause(long limitNanos) {
		ReplyWait wait = new ReplyWait(Duration.ofNanos(limitNanos));
		CompletableFuture<String> reply = new CompletableFuture<>();
		Thread failing = new Thread(() -> reply.completeExceptionally(new IllegalStateException("no reply")));
		failing.start();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> wait.await(reply, null, Duration.ZERO))
			.havingCause()
			.isInstanceOf(IllegalStateException.class)
			.withMessage("no reply");
	}

	@ParameterizedTest
	@ValueSource(longs = { 0, 100_000 })
	void anInterruptedCallerStopsWaiting(long limitNanos) {
		ReplyWait wait = new ReplyWait(Duration.ofNanos(limitNanos));
		Thread.currentThread().interrupt();
		try {
			assertThatExceptionOfType(InterruptedException.class)
				.isThrownBy(() -> wait.await(new CompletableFuture<String>(), null, Duration.ZERO));
		}
		finally {
			Thread.interrupted();
		}
	}

}
