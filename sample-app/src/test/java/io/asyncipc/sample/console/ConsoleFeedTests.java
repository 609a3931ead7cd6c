package io.asyncipc.sample.console;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.awaitility.Awaitility.await;

/**
 * The console's feed with pages that read, and with a page whose browser stopped reading.
 */
class ConsoleFeedTests {

	private static final ConsoleState STATE = new ConsoleState(1, Instant.now(), List.of());

	private static final int BATCH = (ConsoleSubscriber.MAX_QUEUED + 10) / 10;

	private final ConsoleFeed feed = new ConsoleFeed();

	@AfterEach
	void close() {
		this.feed.destroy();
	}

	@Test
	void aPageGetsTheStateThenTheRecentEventsThenNewOnesInOrder() {
		this.feed.publish("connected", "default", "c-1", null, "root (pid 7)");
		RecordingEmitter page = new RecordingEmitter(null);
		this.feed.subscribe(STATE, page);
		this.feed.publish("in", "default", "c-1", 2, "hi");
		this.feed.publish("out", "default", "c-1", 3, "hey");

		await().atMost(5, TimeUnit.SECONDS).until(() -> page.sent.size() == 4);
		assertThat(page.sent.get(0)).isEqualTo(STATE);
		assertThat(page.sent.subList(1, 4)).extracting((event) -> ((ConsoleEvent) event).type())
			.containsExactly("connected", "in", "out");
		assertThat(page.sent.subList(1, 4)).extracting((event) -> ((ConsoleEvent) event).seq())
			.containsExactly(1L, 2L, 3L);
	}

	@Test
	void aPayloadIsShortenedToAPreview() {
		RecordingEmitter page = new RecordingEmitter(null);
		this.feed.subscribe(STATE, page);
		this.feed.publish("in", "default", "c-1", 1000, "x".repeat(1000));

		await().atMost(5, TimeUnit.SECONDS).until(() -> page.sent.size() == 2);
		assertThat(((ConsoleEvent) page.sent.get(1)).text()).startsWith("x".repeat(200))
			.endsWith("\u2026 (1000 chars)")
			.hasSize(200 + " (1000 chars)".length() + 1);
	}

	@Test
	@Timeout(10)
	void aBrowserThatStoppedReadingNeverHoldsUpThePublisherAndIsDropped() throws Exception {
		CountDownLatch unblock = new CountDownLatch(1);
		RecordingEmitter stuck = new RecordingEmitter(unblock);
		RecordingEmitter reading = new RecordingEmitter(null);
		this.feed.subscribe(STATE, stuck);
		this.feed.subscribe(STATE, reading);
		try {
			await().atMost(5, TimeUnit.SECONDS).until(() -> stuck.writing);
			// In batches that the reading page drains in between, so that only the stuck page
			// falls behind, however slowly the machine runs the reading page's writer.
			int published = 0;
			while (published < ConsoleSubscriber.MAX_QUEUED + 10) {
				long start = System.nanoTime();
				for (int i = 0; i < BATCH; i++) {
					this.feed.publish("in", "default", "c-1", 1, "m" + published++);
				}
				assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(2);
				int expected = 1 + published;
				await().atMost(5, TimeUnit.SECONDS)
					.pollInterval(Duration.ofMillis(10))
					.until(() -> reading.sent.size() == expected);
			}
			assertThat(this.feed.hasSubscribers()).isTrue();
		}
		finally {
			unblock.countDown();
		}
		await().atMost(5, TimeUnit.SECONDS).until(() -> stuck.completed);
		assertThat(stuck.sent).hasSizeLessThanOrEqualTo(1 + ConsoleSubscriber.MAX_QUEUED);
		assertThatNoException().isThrownBy(() -> this.feed.publish("in", "default", "c-1", 1, "after"));
		await().atMost(5, TimeUnit.SECONDS).until(() -> reading.sent.size() == 2 + ConsoleSubscriber.MAX_QUEUED + 10);
	}

	@Test
	void aPageWhoseResponseFailedIsForgotten() {
		RecordingEmitter gone = new RecordingEmitter(null);
		gone.failing = true;
		this.feed.subscribe(STATE, gone);
		await().atMost(5, TimeUnit.SECONDS).until(() -> !this.feed.hasSubscribers());
	}

	/**
	 * An emitter that records what the feed writes to it, and that can block its first write as
	 * a browser that stopped reading blocks the socket.
	 */
	static final class RecordingEmitter extends SseEmitter {

		final List<Object> sent = new CopyOnWriteArrayList<>();

		private final CountDownLatch unblock;

		volatile boolean writing;

		volatile boolean completed;

		volatile boolean failing;

		RecordingEmitter(CountDownLatch unblock) {
			this.unblock = unblock;
		}

		@Override
		public void send(SseEventBuilder builder) throws IOException {
			if (this.failing) {
				throw new IOException("Broken pipe");
			}
			this.writing = true;
			if (this.unblock != null) {
				try {
					this.unblock.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			builder.build()
				.stream()
				.map(DataWithMediaType::getData)
				.filter((data) -> data instanceof ConsoleState || data instanceof ConsoleEvent)
				.forEach(this.sent::add);
		}

		@Override
		public void complete() {
			this.completed = true;
		}

	}

}
