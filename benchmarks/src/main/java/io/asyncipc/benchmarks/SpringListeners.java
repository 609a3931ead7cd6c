package io.asyncipc.benchmarks;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.asyncipc.messaging.PipeListener;
import io.asyncipc.messaging.PipeTemplate;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@link PipeListener} beans of the Spring benchmarks, each in a configuration of its own
 * for {@link SpringPipes#start}.
 */
final class SpringListeners {

	private SpringListeners() {
	}

	/**
	 * Counts the text messages it receives and, on an empty one, replies with the count and
	 * starts again from zero.
	 */
	static final class Counter {

		// Listeners of one connection run one at a time, in order, on its serial executor.
		private long count;

		@PipeListener
		String onText(String text) {
			if (!text.isEmpty()) {
				this.count++;
				return null;
			}
			String counted = Long.toString(this.count);
			this.count = 0;
			return counted;
		}

	}

	/**
	 * Returns every text message it receives as the reply.
	 */
	static final class Echo {

		@PipeListener
		String onText(String text) {
			return text;
		}

	}

	/**
	 * A client's side of an exchange without request-reply: it sends a message and waits for
	 * the next message the server sends back.
	 */
	static final class Replies {

		private final AtomicReference<CompletableFuture<String>> next = new AtomicReference<>();

		@PipeListener
		void onText(String text) {
			CompletableFuture<String> waiting = this.next.getAndSet(null);
			if (waiting == null) {
				throw new IllegalStateException("the benchmark's client got a message it did not ask for: " + text);
			}
			waiting.complete(text);
		}

		String exchange(PipeTemplate template, String message, Duration timeout) throws Exception {
			CompletableFuture<String> reply = new CompletableFuture<>();
			this.next.set(reply);
			template.convertAndSendAsync(message).whenComplete((sent, error) -> {
				if (error != null) {
					reply.completeExceptionally(error);
				}
			});
			return reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CounterConfiguration {

		@Bean
		Counter counter() {
			return new Counter();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class EchoConfiguration {

		@Bean
		Echo echo() {
			return new Echo();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RepliesConfiguration {

		@Bean
		Replies replies() {
			return new Replies();
		}

	}

}
