package io.asyncipc.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import io.asyncipc.messaging.MessagingPipeListenerAdapter;
import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.messaging.PipeHandler;
import io.asyncipc.messaging.PipeHeaders;
import io.asyncipc.messaging.PipeListener;
import io.asyncipc.messaging.PipeListenerEndpointRegistry;
import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.TestNames;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.springframework.messaging.handler.annotation.Header;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Routing by payload type end to end: a client context's {@link PipeTemplate} sends over a real
 * socket (or named pipe) to a server context, and the server's template sends back to the
 * client, each side routing what it receives to its own listeners. The type id travels in the
 * envelope; on a raw pipe, where it does not, the content picks the handler.
 * <p>
 * Messages on one connection reach the listeners in the order they were sent, so each test
 * ends with a marker message: once it arrived, every message before it was routed, and a
 * message routed to the wrong listener would be in that listener's queue.
 */
class PipeRoutingIntegrationTests {

	private static final long TIMEOUT_SECONDS = 10;

	private final String name = TestNames.random();

	/**
	 * Returns the value of {@code asyncipc.mode} the pipes run with.
	 * @return the mode
	 */
	protected String mode() {
		return "auto";
	}

	private ApplicationContextRunner runner(String role, Class<?>... userConfiguration) {
		return PipeContexts.runner(this.name, role, userConfiguration).withPropertyValues("asyncipc.mode=" + mode());
	}

	@Test
	void aClassLevelListenerHandsEachTypeToItsHandlerAndTheRestToTheDefaultInBothDirections() {
		runner("server", OrderRouter.class).run((server) -> runner("client", OrderRouter.class).run((client) -> {
			PipeContexts.awaitConnected(client);
			sendOneOfEachType(client.getBean(PipeTemplate.class), PipeTemplate.PEER);
			assertRoutedOneOfEachType(server.getBean(OrderRouter.class));
			sendOneOfEachType(server.getBean(PipeTemplate.class), serverSideConnectionId(server));
			assertRoutedOneOfEachType(client.getBean(OrderRouter.class));
		}));
	}

	@Test
	void methodLevelListenersReceiveOnlyTheTypeTheyAcceptInBothDirections() {
		try (CapturedLog failures = CapturedLog.of(MessagingPipeListenerAdapter.class);
				CapturedLog unmatched = CapturedLog.of(PipeListenerEndpointRegistry.class)) {
			runner("server", OrderListener.class, TextListener.class)
				.run((server) -> runner("client", OrderListener.class, TextListener.class).run((client) -> {
					PipeContexts.awaitConnected(client);
					sendTextOrderText(client.getBean(PipeTemplate.class), PipeTemplate.PEER);
					assertEachListenerGotItsTypeOnly(server);
					sendTextOrderText(server.getBean(PipeTemplate.class), serverSideConnectionId(server));
					assertEachListenerGotItsTypeOnly(client);
				}));
			assertThat(failures.events()).isEmpty();
			assertThat(unmatched.events()).isEmpty();
		}
	}

	@Test
	void aMessageThatNoListenerAcceptsIsLoggedOnceAtWarnWithItsTypeAndNoStackTrace() {
		try (CapturedLog unmatched = CapturedLog.of(PipeListenerEndpointRegistry.class);
				CapturedLog failures = CapturedLog.of(MessagingPipeListenerAdapter.class)) {
			runner("server", OrderListener.class).run((server) -> runner("client").run((client) -> {
				PipeContexts.awaitConnected(client);
				PipeTemplate template = client.getBean(PipeTemplate.class);
				for (int i = 0; i < 3; i++) {
					template.convertAndSend(new Cancel("A-17", "late"));
				}
				template.convertAndSend(new Order("A-17", 3));
				OrderListener listener = server.getBean(OrderListener.class);
				assertThat(listener.orders.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo(new Order("A-17", 3));
				assertThat(listener.orders).isEmpty();
			}));
			assertThat(unmatched.events()).singleElement().satisfies((event) -> {
				assertThat(event.getLevel()).isEqualTo(Level.WARN);
				assertThat(event.getThrowableProxy()).isNull();
				assertThat(event.getFormattedMessage()).contains("Pipe '" + this.name + "'")
					.contains("type '" + Cancel.class.getName() + "'");
			});
			assertThat(failures.events()).isEmpty();
		}
	}

	@Test
	void onARawPipeThePojoThatReadsThePayloadIsPickedElseStringElseTheDefault() {
		runner("server", RawRouter.class).withPropertyValues("asyncipc.format=raw")
			.run((server) -> runner("client", RawRouterWithoutText.class).withPropertyValues("asyncipc.format=raw")
				.run((client) -> {
					PipeContexts.awaitConnected(client);
					PipeTemplate toServer = client.getBean(PipeTemplate.class);
					toServer.convertAndSend(new Order("B-2", 5));
					toServer.convertAndSend("not json");
					assertThat(pollUntil(server.getBean(RawRouter.class).received, "text: not json"))
						.containsExactly(new Order("B-2", 5), "text: not json");
					PipeTemplate toClient = server.getBean(PipeTemplate.class);
					String connectionId = serverSideConnectionId(server);
					toClient.convertAndSend(connectionId, new Order("B-3", 1));
					// Order cannot read a Cancel: its primitive quantity is missing.
					toClient.convertAndSend(connectionId, new Cancel("B-3", "late"));
					toClient.convertAndSend(connectionId, "not json");
					assertThat(pollUntil(client.getBean(RawRouterWithoutText.class).received, "default: not json"))
						.containsExactly(new Order("B-3", 1), "default: {\"orderId\":\"B-3\",\"reason\":\"late\"}",
								"default: not json");
				}));
	}

	@Test
	void twoHandlersForOneTypeFailTheStartupNamingTheClassAndTheMethods() {
		runner("server", AmbiguousRouter.class).run((server) -> {
			assertThat(server).hasFailed();
			assertThat(server.getStartupFailure()).isInstanceOf(BeanInitializationException.class)
				.hasMessageContaining(AmbiguousRouter.class.getName())
				.hasMessageContaining("'first'")
				.hasMessageContaining("'second'")
				.hasMessageContaining(Order.class.getName());
		});
	}

	/**
	 * Sends a message for each handler of {@link OrderRouter}, two that only its default takes
	 * (a type it has no handler for, and a type id that names no class), and the marker.
	 */
	private static void sendOneOfEachType(PipeTemplate template, String destination) {
		template.convertAndSend(destination, new Order("A-17", 3));
		template.convertAndSend(destination, new Cancel("A-17", "late"));
		template.convertAndSend(destination, "plain words");
		template.convertAndSend(destination, new Refund("A-17", 12));
		template.convertAndSend(destination, "{\"sku\":\"X\"}".getBytes(StandardCharsets.UTF_8),
				Map.of(PipeHeaders.TYPE_ID, "com.example.Unknown"));
		template.convertAndSend(destination, "last");
	}

	private static void assertRoutedOneOfEachType(OrderRouter router) throws InterruptedException {
		assertThat(pollUntil(router.received, "text: last")).containsExactly(new Order("A-17", 3),
				new Cancel("A-17", "late"), "text: plain words",
				"default (" + Refund.class.getName() + "): {\"orderId\":\"A-17\",\"amount\":12}",
				"default (com.example.Unknown): {\"sku\":\"X\"}", "text: last");
	}

	private static void sendTextOrderText(PipeTemplate template, String destination) {
		template.convertAndSend(destination, "hello");
		template.convertAndSend(destination, new Order("A-17", 3));
		template.convertAndSend(destination, "last");
	}

	private static void assertEachListenerGotItsTypeOnly(AssertableApplicationContext context)
			throws InterruptedException {
		TextListener text = context.getBean(TextListener.class);
		OrderListener order = context.getBean(OrderListener.class);
		assertThat(pollUntil(text.texts, "last")).containsExactly("hello", "last");
		// The order came before "last" on the same connection, so it was routed already.
		assertThat(order.orders).containsExactly(new Order("A-17", 3));
	}

	/**
	 * Takes what a queue receives until the marker arrives, failing if it does not in time.
	 */
	private static <T> List<T> pollUntil(BlockingQueue<T> queue, T marker) throws InterruptedException {
		List<T> taken = new ArrayList<>();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
		while (taken.isEmpty() || !marker.equals(taken.get(taken.size() - 1))) {
			T next = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
			assertThat(next).as("the next message before %s; received so far: %s", marker, taken).isNotNull();
			taken.add(next);
		}
		return taken;
	}

	/**
	 * Waits for the server to have accepted the one client, and returns the id of that
	 * connection, to which the server's template sends.
	 */
	private static String serverSideConnectionId(AssertableApplicationContext server) {
		assertThat(server).hasNotFailed();
		PipeEndpointContainer container = server.getBean(PipeEndpointContainer.class);
		await().atMost(TIMEOUT_SECONDS, TimeUnit.SECONDS).until(() -> container.getEndpoint().connections().size() == 1);
		PipeConnection connection = container.getEndpoint().connections().iterator().next();
		return connection.id();
	}

	record Order(String id, int quantity) {
	}

	record Cancel(String orderId, String reason) {
	}

	record Refund(String orderId, int amount) {
	}

	/**
	 * Three handlers and a default, which also shows the type id it got.
	 */
	@Configuration(proxyBeanMethods = false)
	@PipeListener
	static class OrderRouter {

		final BlockingQueue<Object> received = new LinkedBlockingQueue<>();

		@PipeHandler
		void order(Order order) {
			this.received.add(order);
		}

		@PipeHandler
		void cancel(Cancel cancel) {
			this.received.add(cancel);
		}

		@PipeHandler
		void text(String text) {
			this.received.add("text: " + text);
		}

		@PipeHandler(isDefault = true)
		void anythingElse(byte[] bytes, @Header(name = PipeHeaders.TYPE_ID, required = false) String typeId) {
			this.received.add("default (" + typeId + "): " + new String(bytes, StandardCharsets.UTF_8));
		}

	}

	/**
	 * A POJO handler, a {@code String} handler and a default, for a raw pipe, where no type id
	 * arrives. It has one POJO handler only: JSON without a type id fits any POJO whose
	 * properties it fits, so two POJO handlers would both read it and neither would be picked
	 * ({@code PayloadTypeRouterTests} covers that).
	 */
	@Configuration(proxyBeanMethods = false)
	@PipeListener
	static class RawRouter {

		final BlockingQueue<Object> received = new LinkedBlockingQueue<>();

		@PipeHandler
		void order(Order order) {
			this.received.add(order);
		}

		@PipeHandler
		void text(String text, @Header(name = PipeHeaders.TYPE_ID, required = false) String typeId) {
			this.received.add("text: " + text + ((typeId != null) ? " (type id " + typeId + ")" : ""));
		}

		@PipeHandler(isDefault = true)
		void anythingElse(Message<byte[]> message) {
			this.received.add("default: " + new String(message.getPayload(), StandardCharsets.UTF_8));
		}

	}

	/**
	 * One POJO handler and a default, without a {@code String} handler, for a raw pipe.
	 */
	@Configuration(proxyBeanMethods = false)
	@PipeListener
	static class RawRouterWithoutText {

		final BlockingQueue<Object> received = new LinkedBlockingQueue<>();

		@PipeHandler
		void order(Order order) {
			this.received.add(order);
		}

		@PipeHandler(isDefault = true)
		void anythingElse(Message<byte[]> message) {
			this.received.add("default: " + new String(message.getPayload(), StandardCharsets.UTF_8)
					+ (message.getHeaders().containsKey(PipeHeaders.TYPE_ID) ? " (with a type id)" : ""));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@PipeListener
	static class AmbiguousRouter {

		@PipeHandler
		void first(Order order) {
		}

		@PipeHandler
		void second(Message<Order> order) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OrderListener {

		final BlockingQueue<Order> orders = new LinkedBlockingQueue<>();

		@PipeListener
		void order(Order order) {
			this.orders.add(order);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TextListener {

		final BlockingQueue<String> texts = new LinkedBlockingQueue<>();

		@PipeListener
		void text(String text) {
			this.texts.add(text);
		}

	}

}
