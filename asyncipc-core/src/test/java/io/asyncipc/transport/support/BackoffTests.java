package io.asyncipc.transport.support;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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

}
