package io.asyncipc.transport.support;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The waits between a client's attempts.
 */
class BackoffTests {

	@Test
	void doublesUpToTheMaximumAndResets() {
		Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(700));
		assertThat(backoff.next()).isEqualTo(Duration.ofMillis(100));
		assertThat(backoff.next()).isEqualTo(Duration.ofMillis(200));
		assertThat(backoff.next()).isEqualTo(Duration.ofMillis(400));
		assertThat(backoff.next()).isEqualTo(Duration.ofMillis(700));
		assertThat(backoff.next()).isEqualTo(Duration.ofMillis(700));
		backoff.reset();
		assertThat(backoff.next()).isEqualTo(Duration.ofMillis(100));
	}

	@Test
	void jitterTakesUpToAFifthOffEachWait() {
		double[] draws = { 0.0, 1.0, 0.5 };
		int[] drawn = { 0 };
		Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(700), () -> draws[drawn[0]++]);
		assertThat(backoff.next()).isEqualTo(Duration.ofMillis(100));
		assertThat(backoff.next()).isEqualTo(Duration.ofMillis(160));
		assertThat(backoff.next()).isEqualTo(Duration.ofMillis(360));
	}

	@Test
	void clientsThatLostTheSameServerComeBackAtDifferentTimes() {
		Set<Duration> firstWaits = new HashSet<>();
		for (int i = 0; i < 100; i++) {
			Duration wait = Backoff.withJitter(Duration.ofMillis(100), Duration.ofSeconds(5)).next();
			assertThat(wait).isBetween(Duration.ofMillis(80), Duration.ofMillis(100));
			firstWaits.add(wait);
		}
		assertThat(firstWaits).as("distinct first waits of 100 clients").hasSizeGreaterThan(50);
	}

}
