package io.asyncipc.autoconfigure;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.asyncipc.messaging.MessagingPipeListenerAdapter;
import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.messaging.PipeListener;
import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.transport.TestNames;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A peer whose every message makes a listener fail, over a real socket: the log gets one stack
 * trace and one line with the count, not one stack trace per message.
 */
class ListenerFailureFloodIntegrationTests {

	private static final int MESSAGES = 1000;

	private final String name = TestNames.random();

	private ApplicationContextRunner runner(String role, Class<?>... userConfiguration) {
		return PipeContexts.runner(this.name, role, userConfiguration);
	}

	@Test
	void aFloodOfFailuresLogsOneStackTraceAndTheirCount() {
		try (CapturedLog log = CapturedLog.of(MessagingPipeListenerAdapter.class)) {
			runner("server", AlwaysFailing.class).run((server) -> runner("client").run((client) -> {
				PipeEndpointContainer container = client.getBean(PipeEndpointContainer.class);
				await().atMost(10, TimeUnit.SECONDS).until(() -> container.getEndpoint().connections().size() == 1);
				PipeTemplate template = client.getBean(PipeTemplate.class);
				CompletableFuture.allOf(IntStream.range(0, MESSAGES)
					.mapToObj((i) -> template.convertAndSendAsync("bad " + i))
					.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
				AlwaysFailing listener = server.getBean(AlwaysFailing.class);
				await().atMost(10, TimeUnit.SECONDS).until(() -> listener.calls.get() == MESSAGES);
				assertThat(log.events()).singleElement().satisfies((event) -> {
					assertThat(event.getLevel()).isEqualTo(Level.ERROR);
					assertThat(event.getFormattedMessage()).startsWith("Listener 'alwaysFailing' failed on connection");
					assertThat(event.getThrowableProxy().getMessage()).isEqualTo("bad 0");
				});
			}));
			List<ILoggingEvent> events = log.events();
			assertThat(events).hasSize(2);
			assertThat(events.get(1).getLevel()).isEqualTo(Level.WARN);
			assertThat(events.get(1).getThrowableProxy()).isNull();
			assertThat(events.get(1).getFormattedMessage())
				.startsWith((MESSAGES - 1) + " more failures of listener 'alwaysFailing' on pipe '" + this.name
						+ "' in the last ")
				.endsWith("java.lang.IllegalStateException: bad " + (MESSAGES - 1));
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class AlwaysFailing {

		final AtomicInteger calls = new AtomicInteger();

		@PipeListener(id = "alwaysFailing")
		void fail(String text) {
			this.calls.incrementAndGet();
			throw new IllegalStateException(text);
		}

	}

}
