package io.asyncipc.messaging;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@link ListenerFailureLog} thins out a flood of failures, on a clock the test moves and
 * a logger whose events are kept rather than printed.
 */
class ListenerFailureLogTests {

	private static final Duration INTERVAL = Duration.ofSeconds(10);

	private final Logger logger = (Logger) LoggerFactory.getLogger(ListenerFailureLogTests.class.getName() + ".log");

	private final ListAppender<ILoggingEvent> events = new ListAppender<>();

	private final AtomicLong nanos = new AtomicLong(1_000);

	private final ListenerFailureLog log = new ListenerFailureLog(this.logger, "orders.confirm", INTERVAL,
			this.nanos::get);

	@BeforeEach
	void capture() {
		this.events.start();
		this.logger.addAppender(this.events);
		this.logger.setAdditive(false);
		this.logger.setLevel(Level.ALL);
	}

	@AfterEach
	void release() {
		this.logger.detachAppender(this.events);
		this.logger.setAdditive(true);
		this.logger.setLevel(null);
	}

	@Test
	void firstFailureOfAnIntervalIsLoggedWithItsStackTraceAndTheOthersAreCounted() {
		for (int i = 0; i < 12345; i++) {
			this.log.error("orders", "Listener failed on connection c-" + i, new IllegalStateException("bad " + i));
			this.nanos.addAndGet(1_000);
		}
		assertThat(this.events.list).singleElement().satisfies((event) -> {
			assertThat(event.getLevel()).isEqualTo(Level.ERROR);
			assertThat(event.getFormattedMessage()).isEqualTo("Listener failed on connection c-0");
			assertThat(event.getThrowableProxy().getMessage()).isEqualTo("bad 0");
		});
		this.nanos.addAndGet(INTERVAL.toNanos());
		this.log.error("orders", "Listener failed on connection c-new", new IllegalStateException("bad again"));
		assertThat(this.events.list).hasSize(3);
		ILoggingEvent summary = this.events.list.get(1);
		assertThat(summary.getLevel()).isEqualTo(Level.WARN);
		assertThat(summary.getThrowableProxy()).isNull();
		assertThat(summary.getFormattedMessage()).isEqualTo("12344 more failures of listener 'orders.confirm' on pipe "
				+ "'orders' in the last 10 s, last: Listener failed on connection c-12344: "
				+ "java.lang.IllegalStateException: bad 12344");
		assertThat(this.events.list.get(2).getFormattedMessage()).isEqualTo("Listener failed on connection c-new");
		assertThat(this.events.list.get(2).getThrowableProxy()).isNotNull();
	}

	@Test
	void aFailureAfterAQuietIntervalIsLoggedInFullWithoutASummary() {
		this.log.error("orders", "first", new IllegalStateException("one"));
		this.nanos.addAndGet(INTERVAL.toNanos());
		this.log.error("orders", "second", new IllegalStateException("two"));
		assertThat(this.events.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("first", "second");
	}

	@Test
	void summaryComesWithTheNextMessageOnceTheIntervalIsOver() {
		this.log.error("orders", "first", new IllegalStateException("one"));
		this.log.warn("orders", "Reply was not delivered: queue full");
		this.log.flushIfDue();
		assertThat(this.events.list).hasSize(1);
		this.nanos.addAndGet(INTERVAL.toNanos());
		this.log.flushIfDue();
		assertThat(this.events.list).extracting(ILoggingEvent::getFormattedMessage)
			.containsExactly("first", "1 more failure of listener 'orders.confirm' on pipe 'orders' in the last 10 s, "
					+ "last: Reply was not delivered: queue full");
		this.log.flushIfDue();
		assertThat(this.events.list).hasSize(2);
	}

	@Test
	void flushWritesTheCountAtOnceAndOnlyIfThereIsOne() {
		this.log.error("orders", "first", new IllegalStateException("one"));
		this.log.flush();
		assertThat(this.events.list).hasSize(1);
		this.log.error("orders", "second", new IllegalStateException("two"));
		this.log.error("orders", "third", new IllegalStateException("three"));
		this.nanos.addAndGet(Duration.ofSeconds(2).toNanos());
		this.log.flush();
		List<String> messages = this.events.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
		assertThat(messages).containsExactly("first", "second", "1 more failure of listener 'orders.confirm' on "
				+ "pipe 'orders' in the last 2 s, last: third: java.lang.IllegalStateException: three");
	}

	@Test
	void aProblemWithoutAnExceptionIsLoggedAtWarnWithoutAStackTrace() {
		this.log.warn("orders", "Reply was not delivered: queue full");
		assertThat(this.events.list).singleElement().satisfies((event) -> {
			assertThat(event.getLevel()).isEqualTo(Level.WARN);
			assertThat(event.getThrowableProxy()).isNull();
		});
	}

}
