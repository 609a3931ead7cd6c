package io.asyncipc.autoconfigure;

import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.asyncipc.messaging.PipeListener;
import io.asyncipc.messaging.PipeListenerErrorHandler;
import io.asyncipc.messaging.PipeListenerExecutionFailedException;
import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.transport.TestNames;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An empty message, which the wire format allows, over a real socket to listeners of every
 * kind of payload: {@code byte[]} gets an empty array, {@code String} an empty string,
 * {@code Message<?>} the message, a POJO {@code null} where it is not required and otherwise a
 * failure that says what to do.
 */
class EmptyMessageIntegrationTests {

	private final String name = TestNames.random();

	private ApplicationContextRunner runner(String role, Class<?>... userConfiguration) {
		return PipeContexts.runner(this.name, role, userConfiguration);
	}

	@Test
	void stringListenerReceivesAndRepliesWithAnEmptyString() {
		runner("server", Echo.class).run((server) -> runner("client", TextCollector.class).run((client) -> {
			PipeContexts.awaitConnected(client);
			client.getBean(PipeTemplate.class).convertAndSend("");
			assertThat(client.getBean(TextCollector.class).texts.poll(5, TimeUnit.SECONDS)).isEqualTo("");
		}));
	}

	@Test
	void everyKindOfListenerGetsTheDocumentedValue() {
		runner("server", EmptyRecorder.class).run((server) -> runner("client").run((client) -> {
			PipeContexts.awaitConnected(client);
			client.getBean(PipeTemplate.class).send(MessageBuilder.withPayload(new byte[0]).build());
			EmptyRecorder recorder = server.getBean(EmptyRecorder.class);
			assertThat(recorder.bytes.poll(5, TimeUnit.SECONDS)).isEmpty();
			assertThat(recorder.texts.poll(5, TimeUnit.SECONDS)).isEqualTo("");
			Message<?> message = recorder.messages.poll(5, TimeUnit.SECONDS);
			assertThat(message).isNotNull();
			assertThat((byte[]) message.getPayload()).isEmpty();
			assertThat(recorder.optionalOrders.poll(5, TimeUnit.SECONDS)).isEmpty();
			PipeListenerExecutionFailedException failure = recorder.failures.poll(5, TimeUnit.SECONDS);
			assertThat(failure).isNotNull();
			assertThat(failure.getCause()).isInstanceOf(MessageConversionException.class);
			assertThat(failure.getMessage()).contains("Listener 'requiredOrder'", "of pipe '" + this.name + "'",
					"an empty message on pipe '" + this.name + "' cannot be converted to " + Order.class.getName(),
					"@Payload(required = false)");
			assertThat(recorder.orders).isEmpty();
		}));
	}

	@Test
	void nonEmptyPojoIsStillConverted() {
		runner("server", EmptyRecorder.class).run((server) -> runner("client").run((client) -> {
			PipeContexts.awaitConnected(client);
			client.getBean(PipeTemplate.class).convertAndSend(new Order("A-17", 3));
			EmptyRecorder recorder = server.getBean(EmptyRecorder.class);
			assertThat(recorder.optionalOrders.poll(5, TimeUnit.SECONDS)).contains(new Order("A-17", 3));
			assertThat(recorder.orders.poll(5, TimeUnit.SECONDS)).isEqualTo(new Order("A-17", 3));
			assertThat(recorder.failures).isEmpty();
		}));
	}

	record Order(String id, int quantity) {
	}

	@Configuration(proxyBeanMethods = false)
	static class Echo {

		@PipeListener
		String echo(String text) {
			return text;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class EmptyRecorder {

		final BlockingQueue<byte[]> bytes = new LinkedBlockingQueue<>();

		final BlockingQueue<String> texts = new LinkedBlockingQueue<>();

		final BlockingQueue<Message<?>> messages = new LinkedBlockingQueue<>();

		final BlockingQueue<Optional<Order>> optionalOrders = new LinkedBlockingQueue<>();

		final BlockingQueue<Order> orders = new LinkedBlockingQueue<>();

		final BlockingQueue<PipeListenerExecutionFailedException> failures = new LinkedBlockingQueue<>();

		@PipeListener
		void bytes(byte[] payload) {
			this.bytes.add(payload);
		}

		@PipeListener
		void text(String text) {
			this.texts.add(text);
		}

		@PipeListener
		void message(Message<?> message) {
			this.messages.add(message);
		}

		@PipeListener
		void optionalOrder(@Payload(required = false) Order order) {
			this.optionalOrders.add(Optional.ofNullable(order));
		}

		@PipeListener(id = "requiredOrder", errorHandler = "recordFailure")
		void requiredOrder(Order order) {
			this.orders.add(order);
		}

		/**
		 * Records the failure instead of logging it, so that the expected failure prints no
		 * stack trace.
		 */
		@Bean
		PipeListenerErrorHandler recordFailure() {
			return (message, exception) -> {
				this.failures.add(exception);
				return null;
			};
		}

	}

}
