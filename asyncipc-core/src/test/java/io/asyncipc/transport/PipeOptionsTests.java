package io.asyncipc.transport;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PipeOptionsTests {

	@Test
	void defaultsAllowSixteenMebibyteMessages() {
		PipeOptions options = PipeOptions.defaults();
		assertThat(options.maxMessageSize()).isEqualTo(16 * 1024 * 1024);
		assertThat(options.maxQueuedBytes()).isGreaterThanOrEqualTo(options.maxMessageSize());
		assertThat(options.dispatchExecutor()).isNull();
	}

	@Test
	void queueThatCannotHoldOneMaximumMessageIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PipeOptions.builder().maxMessageSize(1024).maxQueuedBytes(1024).build())
			.withMessageContaining("outbound queue limit (1024 bytes)")
			.withMessageContaining("maximum size (1024 bytes)");
	}

	@Test
	void backoffMaximumBelowMinimumIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PipeOptions.builder().reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
			.withMessageContaining("must not be below the minimum");
	}

	@Test
	void nonPositiveMessageSizeIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> PipeOptions.builder().maxMessageSize(0))
			.withMessageContaining("got 0");
	}

	@Test
	void toBuilderKeepsEveryValue() {
		PipeOptions options = PipeOptions.builder()
			.maxMessageSize(1000)
			.maxQueuedBytes(5000)
			.reconnectBackoff(Duration.ofMillis(5), Duration.ofMillis(50))
			.ioThreads(3)
			.daemonThreads(true)
			.build();
		PipeOptions copy = options.toBuilder().build();
		assertThat(copy).usingRecursiveComparison().isEqualTo(options);
	}

}
