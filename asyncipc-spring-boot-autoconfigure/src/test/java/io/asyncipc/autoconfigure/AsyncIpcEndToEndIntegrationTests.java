package io.asyncipc.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.asyncipc.messaging.MessagingPipeListenerAdapter;
import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.messaging.PipeHeaders;
import io.asyncipc.messaging.PipeListener;
import io.asyncipc.messaging.PipeListenerErrorHandler;
import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.messaging.event.PipeConnectedEvent;
import io.asyncipc.messaging.event.PipeCreatedEvent;
import io.asyncipc.messaging.event.PipeDisconnectedEvent;
import io.asyncipc.messaging.event.PipeEvent;
import io.asyncipc.transport.DisconnectReason;
import io.asyncipc.transport.PipeClosedException;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeRole;
import io.asyncipc.transport.SendResult;
import io.asyncipc.transport.TestNames;
import org.junit.jupiter.api.Test;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Headers;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A server context and a client context talking over a real socket, through the Spring API
 * alone.
 */
class AsyncIpcEndToEndIntegrationTests {

	private final String name = TestNames.random();

	/**
	 * Returns the value of {@code asyncipc.mode} the contexts run with.
	 * @return the mode
	 */
	protected String mode() {
		return "auto";
	}

	/**
	 * Returns the name the health details give the transport.
	 * @return the transport's name
	 */
	protected String expectedTransport() {
		return "unix";
	}

	private ApplicationContextRunner runner(String role, Class<?>... userConfiguration) {
		return PipeContexts.runner(this.name, role, userConfiguration)
			.withConfiguration(AutoConfigurations.of(AsyncIpcHealthContributorAutoConfiguration.class))
			.withPropertyValues("asyncipc.mode=" + mode());
	}

	@Test
	void stringListenerRepliesWithItsReturnValue() {
		runner("server", UpperCaser.class).run((server) -> runner("client", TextCollector.class).run((client) -> {
			PipeContexts.awaitConnected(client);
			PipeTemplate template = client.getBean(PipeTemplate.class);
			SendResult sent = template.convertAndSendAsync("hello, pipe").get(5, TimeUnit.SECONDS);
			// What the OS took: the payload in its envelope.
			assertThat(sent.bytes()).isGreaterThan("hello, pipe".getBytes(StandardCharsets.UTF_8).length);
			assertThat(client.getBean(TextCollector.class).texts.poll(5, TimeUnit.SECONDS)).isEqualTo("HELLO, PIPE");
		}));
	}

	@Test
	void jsonPojosAreConvertedBothWays() {
		runner("server", OrderDesk.class).run((server) -> runner("client", ConfirmationCollector.class).run((client) -> {
			PipeContexts.awaitConnected(client);
			client.getBean(PipeTemplate.class).convertAndSend(new Order("A-17", 3));
			Confirmation confirmation = client.getBean(ConfirmationCollector.class).confirmations.poll(5,
					TimeUnit.SECONDS);
			assertThat(confirmation).isNotNull();
			assertThat(confirmation.orderId()).isEqualTo("A-17");
			assertThat(confirmation.quantity()).isEqualTo(3);
			String serverSideId = server.getBean(PipeEndpointContainer.class)
				.getEndpoint()
				.connections()
				.iterator()
				.next()
				.id();
			assertThat(confirmation.connectionId()).isEqualTo(serverSideId);
		}));
	}

	@Test
	void everyHeaderAndArgumentTypeReachesTheListener() {
		runner("server", HeaderRecorder.class).run((server) -> runner("client").run((client) -> {
			PipeContexts.awaitConnected(client);
			byte[] payload = { 0, 1, 2, 0 };
			client.getBean(PipeTemplate.class).send(org.springframework.messaging.support.MessageBuilder
				.withPayload(payload)
				.build());
			HeaderRecorder recorder = server.getBean(HeaderRecorder.class);
			Object[] call = recorder.calls.poll(5, TimeUnit.SECONDS);
			assertThat(call).isNotNull();
			PipeConnection connection = (PipeConnection) call[2];
			assertThat((byte[]) call[0]).isEqualTo(payload);
			assertThat(((Message<?>) call[1]).getPayload()).isEqualTo(payload);
			assertThat(call[3]).isEqualTo(connection.id());
			assertThat(call[4]).isEqualTo(System.getProperty("user.name"));
			assertThat(call[5]).isEqualTo(ProcessHandle.current().pid());
			assertThat(call[6]).isEqualTo(this.name);
			assertThat((Long) call[7]).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(10_000L));
			@SuppressWarnings("unchecked")
			Map<String, Object> headers = (Map<String, Object>) call[8];
			assertThat(headers).containsEntry(PipeHeaders.CONNECTION_ID, connection.id())
				.containsKey(PipeHeaders.RECEIVED_TIMESTAMP);
		}));
	}

	@Test
	void errorHandlerTurnsAnExceptionIntoAReplyAndTheConnectionStaysUp() {
		runner("server", FailingListener.class).run((server) -> runner("client", TextCollector.class).run((client) -> {
			PipeContexts.awaitConnected(client);
			PipeTemplate template = client.getBean(PipeTemplate.class);
			TextCollector collector = client.getBean(TextCollector.class);
			template.convertAndSend("first");
			assertThat(collector.texts.poll(5, TimeUnit.SECONDS)).isEqualTo("failed: boom on first");
			template.convertAndSend("second");
			assertThat(collector.texts.poll(5, TimeUnit.SECONDS)).isEqualTo("failed: boom on second");
			assertThat(client.getBean(PipeEndpointContainer.class).getEndpoint().connections()).hasSize(1);
		}));
	}

	@Test
	void listenerWithoutErrorHandlerIsLoggedAndTheConnectionStaysUp() {
		try (CapturedLog log = CapturedLog.of(MessagingPipeListenerAdapter.class)) {
			runner("server", UnhandledFailure.class, UpperCaser.class)
				.run((server) -> runner("client", TextCollector.class).run((client) -> {
					PipeContexts.awaitConnected(client);
					client.getBean(PipeTemplate.class).convertAndSend("still alive");
					assertThat(client.getBean(TextCollector.class).texts.poll(5, TimeUnit.SECONDS))
						.isEqualTo("STILL ALIVE");
					assertThat(server.getBean(UnhandledFailure.class).calls).hasValue(1);
					await().atMost(5, TimeUnit.SECONDS).until(() -> !log.events().isEmpty());
					assertThat(log.events()).singleElement().satisfies((event) -> {
						assertThat(event.getFormattedMessage()).contains("UnhandledFailure.fail' failed on connection",
								"of pipe '" + this.name + "'; the connection stays open");
						assertThat(event.getThrowableProxy().getMessage()).isEqualTo("unhandled still alive");
					});
				}));
		}
	}

	@Test
	void listenersOnProxiedBeansWork() {
		runner("server", ProxiedListenerConfiguration.class).run((server) -> runner("client").run((client) -> {
			PipeContexts.awaitConnected(client);
			Greeter greeter = server.getBean(Greeter.class);
			assertThat(AopUtils.isAopProxy(greeter)).isTrue();
			client.getBean(PipeTemplate.class).convertAndSend("through the proxy");
			GreeterImpl target = (GreeterImpl) ((org.springframework.aop.framework.Advised) greeter).getTargetSource()
				.getTarget();
			assertThat(target.received.poll(5, TimeUnit.SECONDS)).isEqualTo("through the proxy");
		}));
	}

	@Test
	void eventsReportCreatedConnectedAndDisconnected() {
		runner("server", EventRecorder.class).run((server) -> {
			EventRecorder serverEvents = server.getBean(EventRecorder.class);
			assertThat(serverEvents.events).first().isInstanceOf(PipeCreatedEvent.class);
			assertThat(((PipeCreatedEvent) serverEvents.events.get(0)).getRole()).isEqualTo(PipeRole.SERVER);
			runner("client", EventRecorder.class).run((client) -> {
				PipeContexts.awaitConnected(client);
				await().atMost(5, TimeUnit.SECONDS)
					.until(() -> serverEvents.events.stream().anyMatch(PipeConnectedEvent.class::isInstance));
				PipeConnectedEvent connected = serverEvents.events.stream()
					.filter(PipeConnectedEvent.class::isInstance)
					.map(PipeConnectedEvent.class::cast)
					.findFirst()
					.orElseThrow();
				assertThat(connected.getPeer().user()).isEqualTo(System.getProperty("user.name"));
				assertThat(connected.getConnectionId()).isNotBlank();
			});
			await().atMost(5, TimeUnit.SECONDS)
				.until(() -> serverEvents.events.stream().anyMatch(PipeDisconnectedEvent.class::isInstance));
			PipeDisconnectedEvent disconnected = serverEvents.events.stream()
				.filter(PipeDisconnectedEvent.class::isInstance)
				.map(PipeDisconnectedEvent.class::cast)
				.findFirst()
				.orElseThrow();
			assertThat(disconnected.getReason()).isEqualTo(DisconnectReason.PEER_CLOSED);
		});
	}

	@Test
	void serverSendsToOneClientByIdOrToAll() {
		runner("server").run((server) -> runner("client", TextCollector.class).run((first) -> runner("client",
				TextCollector.class)
			.run((second) -> {
				PipeContexts.awaitConnected(first);
				PipeContexts.awaitConnected(second);
				PipeEndpointContainer container = server.getBean(PipeEndpointContainer.class);
				await().atMost(5, TimeUnit.SECONDS).until(() -> container.getEndpoint().connections().size() == 2);
				PipeTemplate template = server.getBean(PipeTemplate.class);
				SendResult all = template.convertAndSendAsync("to all").get(5, TimeUnit.SECONDS);
				SendResult one = template.convertAndSendAsync(container.getEndpoint().connections().iterator().next().id(),
						"to all").get(5, TimeUnit.SECONDS);
				assertThat(all.bytes()).isEqualTo(2 * one.bytes());
				assertThat(first.getBean(TextCollector.class).texts.poll(5, TimeUnit.SECONDS)).isEqualTo("to all");
				assertThat(second.getBean(TextCollector.class).texts.poll(5, TimeUnit.SECONDS)).isEqualTo("to all");
				assertThat(pollEither(first, second)).isEqualTo("to all");
				String firstId = container.getEndpoint().connections().iterator().next().id();
				template.convertAndSend(firstId, "just you");
				String got = pollEither(first, second);
				assertThat(got).isEqualTo("just you");
				assertThat(first.getBean(TextCollector.class).texts).isEmpty();
				assertThat(second.getBean(TextCollector.class).texts).isEmpty();
			})));
	}

	@Test
	void sendWithNoPeerFailsVisibly() {
		runner("client").run((client) -> {
			PipeTemplate template = client.getBean(PipeTemplate.class);
			assertThat(template.convertAndSendAsync("nobody home")).failsWithin(5, TimeUnit.SECONDS)
				.withThrowableThat()
				.havingCause()
				.isInstanceOf(PipeClosedException.class)
				.withMessageContaining("is not connected to its server");
			assertThatExceptionOfType(MessageDeliveryException.class)
				.isThrownBy(() -> template.convertAndSend("nobody home"))
				.withMessageContaining("is not connected to its server");
		});
		runner("server").run((server) -> assertThat(server.getBean(PipeTemplate.class).convertAndSendAsync("x"))
			.failsWithin(5, TimeUnit.SECONDS)
			.withThrowableThat()
			.havingCause()
			.withMessageContaining("no client is connected"));
	}

	@Test
	void failFastClientWithoutAServerFailsToStart() {
		runner("client").withPropertyValues("asyncipc.client.fail-fast=true", "asyncipc.client.startup-timeout=300ms")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("asyncipc.client.fail-fast is set and no server answered"));
	}

	@Test
	void healthGoesDownWhenTheServerStopsAndUpWhenItReturns() {
		runner("client").run((client) -> {
			HealthIndicator health = pipeHealth(client);
			assertThat(health.health(true).getStatus()).isEqualTo(Status.DOWN);
			ConfigurableApplicationContext firstServer = startServer();
			try {
				await().atMost(10, TimeUnit.SECONDS).until(() -> health.health(true).getStatus().equals(Status.UP));
				Health up = health.health(true);
				assertThat(up.getDetails()).containsEntry("role", "client")
					.containsEntry("mode", expectedTransport())
					.containsEntry("connections", 1)
					.containsKey("address");
				Health serverHealth = pipeHealth(firstServer).health(true);
				assertThat(serverHealth.getStatus()).isEqualTo(Status.UP);
				assertThat(serverHealth.getDetails()).containsEntry("role", "server").containsEntry("connections", 1);
			}
			finally {
				firstServer.close();
			}
			await().atMost(10, TimeUnit.SECONDS).until(() -> health.health(true).getStatus().equals(Status.DOWN));
			await().atMost(10, TimeUnit.SECONDS)
				.until(() -> ((Integer) health.health(true).getDetails().get("failedAttempts")) >= 1);
			assertThat(health.health(true).getDetails()).containsKey("lastError");
			ConfigurableApplicationContext secondServer = startServer();
			try {
				await().atMost(10, TimeUnit.SECONDS).until(() -> health.health(true).getStatus().equals(Status.UP));
			}
			finally {
				secondServer.close();
			}
		});
	}

	/**
	 * Returns the health of the single pipe: the {@code default} component of the {@code pipe}
	 * composite.
	 */
	private static HealthIndicator pipeHealth(ApplicationContext context) {
		CompositeHealthContributor pipe = context.getBean("pipeHealthIndicator", CompositeHealthContributor.class);
		return (HealthIndicator) pipe.getContributor(PipeEndpointContainer.DEFAULT_ID);
	}

	private ConfigurableApplicationContext startServer() {
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		TestPropertyValues.of("asyncipc.name=" + this.name, "asyncipc.role=server", "asyncipc.mode=" + mode())
			.applyTo(context);
		context.register(AsyncIpcAutoConfiguration.class, AsyncIpcHealthContributorAutoConfiguration.class);
		context.refresh();
		return context;
	}

	private static String pollEither(AssertableApplicationContext first, AssertableApplicationContext second)
			throws InterruptedException {
		BlockingQueue<String> firstTexts = first.getBean(TextCollector.class).texts;
		BlockingQueue<String> secondTexts = second.getBean(TextCollector.class).texts;
		await().atMost(5, TimeUnit.SECONDS).until(() -> !firstTexts.isEmpty() || !secondTexts.isEmpty());
		String text = firstTexts.poll();
		return (text != null) ? text : secondTexts.poll();
	}

	record Order(String id, int quantity) {
	}

	record Confirmation(String orderId, int quantity, String connectionId) {
	}

	@Configuration(proxyBeanMethods = false)
	static class UpperCaser {

		@PipeListener
		String upper(String text) {
			return text.toUpperCase();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OrderDesk {

		@PipeListener
		Confirmation confirm(@Payload Order order, PipeConnection connection) {
			return new Confirmation(order.id(), order.quantity(), connection.id());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ConfirmationCollector {

		final BlockingQueue<Confirmation> confirmations = new LinkedBlockingQueue<>();

		@PipeListener
		void collect(Confirmation confirmation) {
			this.confirmations.add(confirmation);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class HeaderRecorder {

		final BlockingQueue<Object[]> calls = new LinkedBlockingQueue<>();

		@PipeListener
		void record(byte[] payload, Message<?> message, PipeConnection connection,
				@Header(PipeHeaders.CONNECTION_ID) String connectionId, @Header(PipeHeaders.PEER_USER) String user,
				@Header(PipeHeaders.PEER_PID) long pid, @Header(PipeHeaders.PIPE_NAME) String pipe,
				@Header(PipeHeaders.RECEIVED_TIMESTAMP) long received, @Headers Map<String, Object> headers) {
			this.calls.add(new Object[] { payload, message, connection, connectionId, user, pid, pipe, received,
					headers });
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FailingListener {

		@PipeListener(errorHandler = "replyWithError")
		String fail(String text) {
			throw new IllegalStateException("boom on " + text);
		}

		@Bean
		PipeListenerErrorHandler replyWithError() {
			return (message, exception) -> "failed: " + exception.getCause().getMessage();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnhandledFailure {

		final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

		@PipeListener
		void fail(String text) {
			this.calls.incrementAndGet();
			throw new IllegalStateException("unhandled " + text);
		}

	}

	interface Greeter {

		void greet(String text);

		void later();

	}

	static class GreeterImpl implements Greeter {

		final BlockingQueue<String> received = new LinkedBlockingQueue<>();

		@Override
		@PipeListener
		public void greet(String text) {
			this.received.add(text);
		}

		@Override
		@Async
		public void later() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class ProxiedListenerConfiguration {

		@Bean
		Greeter greeter() {
			return new GreeterImpl();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class EventRecorder {

		final List<PipeEvent> events = new CopyOnWriteArrayList<>();

		@EventListener
		void on(PipeEvent event) {
			this.events.add(event);
		}

	}

}
