package io.asyncipc.transport.support;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogRateLimiterTests {

	private final AtomicLong clock = new AtomicLong(1_000);

	private final LogRateLimiter limiter = new LogRateLimiter(3, Duration.ofSeconds(10), this.clock::get);

	@Test
	void letsTheFirstLinesOfAnIntervalThroughAndCountsTheRest() {
		assertThat(this.limiter.tryAcquire()).isZero();
		assertThat(this.limiter.tryAcquire()).isZero();
		assertThat(this.limiter.tryAcquire()).isZero();
		for (int i = 0; i < 1000; i++) {
			assertThat(this.limiter.tryAcquire()).isEqualTo(-1);
		}
		this.clock.addAndGet(Duration.ofSeconds(10).toNanos());
		long leftOut = this.limiter.tryAcquire();
		assertThat(leftOut).isEqualTo(1000);
		assertThat(LogRateLimiter.note(leftOut)).isEqualTo(" (and 1000 more like it, left out of the log)");
		assertThat(this.limiter.tryAcquire()).isZero();
	}

	@Test
	void aNoteIsEmptyWhenNothingWasLeftOut() {
		assertThat(LogRateLimiter.note(0)).isEmpty();
	}

}
