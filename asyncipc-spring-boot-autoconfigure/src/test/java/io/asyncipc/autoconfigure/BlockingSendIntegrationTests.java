package io.asyncipc.autoconfigure;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.messaging.PipeHeaders;
import io.asyncipc.messaging.PipeListener;
import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.messaging.event.PipeConnectedEvent;
import io.asyncipc.transport.BlockingOperationException;
import io.asyncipc.transport.TestNames;
import io.asyncipc.transport.support.IoThread;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A blocking send on an I/O thread, where {@code asyncipc.listener.dispatch=inline} runs
 * listeners, fails at once and sends nothing, instead of stalling the thread's connections
 * for the whole send timeout and delivering the message afterwards anyway.
 */
class BlockingSendIntegrationTests {

	/** Long enough that a send which waited for it could not pass for one that failed at once. */
	static final Duration LONG_SEND_TIMEOUT = Duration.ofMinutes(1);

	private final String name = TestNames.random();

	private ApplicationContextRunner runner(String role, Class<?>... userConfiguration) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AsyncIpcAutoConfiguration.class))
			.withUserConfiguration(userConfiguration)
			.withPropertyValues("asyncipc.name=" + this.name, "asyncipc.role=" + role, "asyncipc.io-threads=1",
					"asyncipc.reconnect.min-backoff=20ms", "asyncipc.reconnect.max-backoff=200ms");
	}

	@Test
	void blockingSendFromAnInlineListenerFailsAtOnceAndSendsNothing() {
		runner("server", BlockingReplier.class).withPropertyValues("asyncipc.listener.dispatch=inline")
			.run((server) -> runner("client", TextCollector.class).run((first) -> runner("client", TextCollector.class)
				.run((second) -> {
					awaitConnected(first);
					awaitConnected(second);
					awaitConnections(server, 2);
					BlockingReplier replier = server.getBean(BlockingReplier.class);
					first.getBean(PipeTemplate.class).convertAndSend("trigger");
					Attempt attempt = replier.attempts.poll(10, TimeUnit.SECONDS);
					assertThat(attempt).isNotNull();
					assertThat(attempt.onIoThread()).isTrue();
					assertFailedAtOnce(attempt, "PipeTemplate.convertAndSend(...)", "use convertAndSendAsync(...)");
					BlockingQueue<String> firstTexts = first.getBean(TextCollector.class).texts;
					assertThat(firstTexts.poll(5, TimeUnit.SECONDS)).isEqualTo("after");
					first.getBean(PipeTemplate.class).convertAndSend("ping");
					assertThat(firstTexts.poll(5, TimeUnit.SECONDS)).isEqualTo("PING");
					second.getBean(PipeTemplate.class).convertAndSend("ping");
					assertThat(second.getBean(TextCollector.class).texts.poll(5, TimeUnit.SECONDS)).isEqualTo("PING");
					assertThat(firstTexts).isEmpty();
				})));
	}

	@Test
	void blockingSendOfAMessageFromAnInlineListenerFailsAtOnceAndSendsNothing() {
		runner("server", BlockingReplier.class).withPropertyValues("asyncipc.listener.dispatch=inline")
			.run((server) -> runner("client", TextCollector.class).run((client) -> {
				awaitConnected(client);
				client.getBean(PipeTemplate.class).convertAndSend("trigger-message");
				Attempt attempt = server.getBean(BlockingReplier.class).attempts.poll(10, TimeUnit.SECONDS);
				assertThat(attempt).isNotNull();
				assertFailedAtOnce(attempt, "PipeTemplate.send(...)", "use sendAsync(...)");
				assertThat(client.getBean(TextCollector.class).texts.poll(5, TimeUnit.SECONDS)).isEqualTo("after");
			}));
	}

	@Test
	void blockingSendFromAConnectedEventListenerWithInlineDispatchFailsAtOnceAndSendsNothing() {
		runner("server", BlockingGreeter.class, BlockingReplier.class)
			.withPropertyValues("asyncipc.listener.dispatch=inline")
			.run((server) -> runner("client", TextCollector.class).run((client) -> {
				awaitConnected(client);
				Attempt attempt = server.getBean(BlockingGreeter.class).attempts.poll(10, TimeUnit.SECONDS);
				assertThat(attempt).isNotNull();
				assertThat(attempt.onIoThread()).isTrue();
				assertFailedAtOnce(attempt, "PipeTemplate.convertAndSend(...)", "use convertAndSendAsync(...)");
				BlockingQueue<String> texts = client.getBean(TextCollector.class).texts;
				assertThat(texts.poll(5, TimeUnit.SECONDS)).isEqualTo("welcome");
				client.getBean(PipeTemplate.class).convertAndSend("ping");
				assertThat(texts.poll(5, TimeUnit.SECONDS)).isEqualTo("PING");
			}));
	}

	@Test
	void blockingSendFromAListenerOnTheExecutorWorks() {
		runner("server", BlockingReplier.class).withPropertyValues("asyncipc.listener.dispatch=executor")
			.run((server) -> runner("client", TextCollector.class).run((client) -> {
				awaitConnected(client);
				client.getBean(PipeTemplate.class).convertAndSend("trigger");
				Attempt attempt = server.getBean(BlockingReplier.class).attempts.poll(10, TimeUnit.SECONDS);
				assertThat(attempt).isNotNull();
				assertThat(attempt.onIoThread()).isFalse();
				assertThat(attempt.failure()).isNull();
				BlockingQueue<String> texts = client.getBean(TextCollector.class).texts;
				assertThat(texts.poll(5, TimeUnit.SECONDS)).isEqualTo("blocked");
				assertThat(texts.poll(5, TimeUnit.SECONDS)).isEqualTo("after");
			}));
	}

	private static void assertFailedAtOnce(Attempt attempt, String call, String instead) {
		assertThat(attempt.took()).isLessThan(LONG_SEND_TIMEOUT.dividedBy(10));
		assertThat(attempt.failure()).isInstanceOf(MessageDeliveryException.class)
			.hasCauseInstanceOf(BlockingOperationException.class)
			.hasMessageContaining(call + " would block I/O thread")
			.hasMessageContaining(instead + " and chain on its future, or set asyncipc.listener.dispatch=executor");
	}

	private static void awaitConnected(AssertableApplicationContext client) {
		assertThat(client).hasNotFailed();
		awaitConnections(client, 1);
	}

	private static void awaitConnections(AssertableApplicationContext context, int count) {
		PipeEndpointContainer container = context.getBean(PipeEndpointContainer.class);
		await().atMost(10, TimeUnit.SECONDS).until(() -> container.getEndpoint().connections().size() == count);
	}

	/**
	 * One blocking send as a listener saw it.
	 *
	 * @param onIoThread whether the listener ran on an I/O thread
	 * @param took how long the blocking call took
	 * @param failure what it threw, or {@code null}
	 */
	record Attempt(boolean onIoThread, Duration took, RuntimeException failure) {

		static Attempt of(Runnable blockingSend) {
			boolean onIoThread = IoThread.isIoThread();
			long start = System.nanoTime();
			try {
				blockingSend.run();
				return new Attempt(onIoThread, Duration.ofNanos(System.nanoTime() - start), null);
			}
			catch (MessageDeliveryException ex) {
				return new Attempt(onIoThread, Duration.ofNanos(System.nanoTime() - start), ex);
			}
		}

	}

	/**
	 * Answers {@code trigger} with a blocking send of {@code blocked} followed by an
	 * asynchronous send of {@code after}, and anything else with its upper case.
	 */
	@Configuration(proxyBeanMethods = false)
	static class BlockingReplier {

		final BlockingQueue<Attempt> attempts = new LinkedBlockingQueue<>();

		private final PipeTemplate template;

		BlockingReplier(PipeTemplate template) {
			this.template = template;
			template.setSendTimeout(LONG_SEND_TIMEOUT);
		}

		@PipeListener
		void onMessage(String text, @Header(PipeHeaders.CONNECTION_ID) String connectionId) {
			if (text.equals("trigger")) {
				this.attempts.add(Attempt.of(() -> this.template.convertAndSend(connectionId, "blocked")));
				this.template.convertAndSendAsync(connectionId, "after");
			}
			else if (text.equals("trigger-message")) {
				this.attempts.add(Attempt.of(() -> this.template.send(connectionId,
						MessageBuilder.withPayload("blocked").build())));
				this.template.convertAndSendAsync(connectionId, "after");
			}
			else {
				this.template.convertAndSendAsync(connectionId, text.toUpperCase());
			}
		}

	}

	/**
	 * Greets every new connection with a blocking send of {@code blocked welcome}, then an
	 * asynchronous one of {@code welcome}.
	 */
	@Configuration(proxyBeanMethods = false)
	static class BlockingGreeter {

		final BlockingQueue<Attempt> attempts = new LinkedBlockingQueue<>();

		private final PipeTemplate template;

		BlockingGreeter(PipeTemplate template) {
			this.template = template;
			template.setSendTimeout(LONG_SEND_TIMEOUT);
		}

		@EventListener
		void onConnected(PipeConnectedEvent event) {
			this.attempts.add(Attempt.of(() -> this.template.convertAndSend(event.getConnectionId(), "blocked welcome")));
			this.template.convertAndSendAsync(event.getConnectionId(), "welcome");
		}

	}

}
