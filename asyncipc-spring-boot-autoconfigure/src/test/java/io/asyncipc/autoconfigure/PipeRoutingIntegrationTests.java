package io.asyncipc.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
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
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Routing by payload type, between a server context and a client context on a real socket.
 * <p>
 * Until the envelope carries the type id on the wire, the messages with a type id are handed
 * to the server's {@link PipeListenerEndpointRegistry} by the test, on the real server-side
 * connection, with {@link PipeHeaders#TYPE_ID} set by hand; the messages without one travel
 * over the socket from the client's {@link PipeTemplate}.
 */
class PipeRoutingIntegrationTests {

	private static final String ORDER_JSON = "{\"id\":\"A-17\",\"quantity\":3}";

	private static final String CANCEL_JSON = "{\"orderId\":\"A-17\",\"reason\":\"late\"}";

	private final String name = TestNames.random();

	private ApplicationContextRunner runner(String role, Class<?>... userConfiguration) {
		return PipeContexts.runner(this.name, role, userConfiguration);
	}

	@Test
	void aClassLevelListenerHandsEachTypeToItsHandlerAndTheRestToTheDefault() {
		runner("server", OrderRouter.class).run((server) -> runner("client").run((client) -> {
			PipeConnection connection = serverSideConnection(server, client);
			OrderRouter router = server.getBean(OrderRouter.class);
			dispatch(server, connection, ORDER_JSON, Order.class.getName());
			dispatch(server, connection, CANCEL_JSON, Cancel.class.getName());
			dispatch(server, connection, "plain words", String.class.getName());
			dispatch(server, connection, "{\"sku\":\"X\"}", "com.example.Unknown");
			assertThat(router.received.poll(5, TimeUnit.SECONDS)).isEqualTo(new Order("A-17", 3));
			assertThat(router.received.poll(5, TimeUnit.SECONDS)).isEqualTo(new Cancel("A-17", "late"));
			assertThat(router.received.poll(5, TimeUnit.SECONDS)).isEqualTo("text: plain words");
			assertThat(router.received.poll(5, TimeUnit.SECONDS)).isEqualTo("default: {\"sku\":\"X\"}");
			assertThat(router.received).isEmpty();
		}));
	}

	@Test
	void methodLevelListenersReceiveOnlyTheTypeTheyAccept() {
		try (CapturedLog log = CapturedLog.of(MessagingPipeListenerAdapter.class)) {
			runner("server", OrderListener.class, TextListener.class).run((server) -> runner("client").run((client) -> {
				PipeConnection connection = serverSideConnection(server, client);
				dispatch(server, connection, "hello", String.class.getName());
				dispatch(server, connection, ORDER_JSON, Order.class.getName());
				assertThat(server.getBean(TextListener.class).texts.poll(5, TimeUnit.SECONDS)).isEqualTo("hello");
				assertThat(server.getBean(OrderListener.class).orders.poll(5, TimeUnit.SECONDS))
					.isEqualTo(new Order("A-17", 3));
				assertThat(server.getBean(TextListener.class).texts).isEmpty();
				assertThat(server.getBean(OrderListener.class).orders).isEmpty();
			}));
			assertThat(log.events()).isEmpty();
		}
	}

	@Test
	void aMessageThatNoListenerAcceptsIsLoggedOnceAtWarnForItsType() {
		try (CapturedLog unmatched = CapturedLog.of(PipeListenerEndpointRegistry.class);
				CapturedLog failures = CapturedLog.of(MessagingPipeListenerAdapter.class)) {
			runner("server", OrderListener.class).run((server) -> runner("client").run((client) -> {
				PipeConnection connection = serverSideConnection(server, client);
				for (int i = 0; i < 3; i++) {
					dispatch(server, connection, CANCEL_JSON, Cancel.class.getName());
				}
				dispatch(server, connection, ORDER_JSON, Order.class.getName());
				assertThat(server.getBean(OrderListener.class).orders.poll(5, TimeUnit.SECONDS)).isNotNull();
			}));
			assertThat(unmatched.events()).singleElement().satisfies((event) -> {
				assertThat(event.getLevel()).isEqualTo(Level.WARN);
				assertThat(event.getThrowableProxy()).isNull();
				assertThat(event.getFormattedMessage()).contains(this.name).contains(Cancel.class.getName());
			});
			assertThat(failures.events()).isEmpty();
		}
	}

	@Test
	void withoutATypeIdAPojoHandlerTakesWhatItCanReadAndTheDefaultTheRest() {
		runner("server", RawRouter.class).run((server) -> runner("client").run((client) -> {
			serverSideConnection(server, client);
			PipeTemplate template = client.getBean(PipeTemplate.class);
			RawRouter router = server.getBean(RawRouter.class);
			template.convertAndSend(new Order("B-2", 5));
			assertThat(router.received.poll(5, TimeUnit.SECONDS)).isEqualTo(new Order("B-2", 5));
			template.convertAndSend("not json");
			assertThat(router.received.poll(5, TimeUnit.SECONDS)).isEqualTo("default: not json");
		}));
	}

	@Test
	void twoHandlersForOneTypeFailTheStartupNamingTheClassAndTheMethods() {
		runner("server", AmbiguousRouter.class).run((server) -> {
			assertThat(server).hasFailed();
			assertThat(server.getStartupFailure())
				.isInstanceOf(BeanInitializationException.class)
				.hasMessageContaining(AmbiguousRouter.class.getName())
				.hasMessageContaining("'first'")
				.hasMessageContaining("'second'")
				.hasMessageContaining(Order.class.getName());
		});
	}

	private static PipeConnection serverSideConnection(AssertableApplicationContext server,
			AssertableApplicationContext client) {
		assertThat(server).hasNotFailed();
		assertThat(client).hasNotFailed();
		PipeEndpointContainer container = server.getBean(PipeEndpointContainer.class);
		await().atMost(10, TimeUnit.SECONDS).until(() -> container.getEndpoint().connections().size() == 1);
		return container.getEndpoint().connections().iterator().next();
	}

	private void dispatch(AssertableApplicationContext server, PipeConnection connection, String payload,
			String typeId) {
		Message<byte[]> message = MessageBuilder.withPayload(payload.getBytes(StandardCharsets.UTF_8))
			.setHeader(PipeHeaders.TYPE_ID, typeId)
			.setHeader(PipeHeaders.CONNECTION_ID, connection.id())
			.setHeader(PipeHeaders.PIPE_NAME, this.name)
			.build();
		String pipeId = server.getBean(PipeEndpointContainer.class).getId();
		server.getBean(PipeListenerEndpointRegistry.class).dispatch(pipeId, message, connection);
	}

	record Order(String id, int quantity) {
	}

	record Cancel(String orderId, String reason) {
	}

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
		void anythingElse(byte[] bytes) {
			this.received.add("default: " + new String(bytes, StandardCharsets.UTF_8));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@PipeListener
	static class RawRouter {

		final BlockingQueue<Object> received = new LinkedBlockingQueue<>();

		@PipeHandler
		void order(Order order) {
			this.received.add(order);
		}

		@PipeHandler(isDefault = true)
		void anythingElse(Message<byte[]> message) {
			this.received.add("default: " + new String(message.getPayload(), StandardCharsets.UTF_8));
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
