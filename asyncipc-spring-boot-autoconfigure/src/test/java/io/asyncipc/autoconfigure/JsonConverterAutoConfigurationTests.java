package io.asyncipc.autoconfigure;

import java.nio.charset.StandardCharsets;

import io.asyncipc.messaging.PipeListener;
import io.asyncipc.messaging.PipeListenerAnnotationBeanPostProcessor;
import io.asyncipc.transport.TestNames;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.springframework.messaging.converter.MessageConverter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JSON on the pipes: Boot's {@code JsonMapper} converts messages, so {@code spring.jackson.*}
 * applies to them; without Jackson, a listener of a POJO fails the startup, naming the
 * dependency, rather than every message.
 */
class JsonConverterAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, AsyncIpcAutoConfiguration.class))
		.withPropertyValues("asyncipc.name=" + TestNames.random());

	@Test
	void messagesUseBootsJsonMapperSoSpringJacksonPropertiesApply() {
		this.runner.withPropertyValues("spring.jackson.property-naming-strategy=SNAKE_CASE").run((context) -> {
			MessageConverter converter = context.getBean(
					PipeListenerAnnotationBeanPostProcessor.MESSAGE_CONVERTER_BEAN_NAME, MessageConverter.class);
			Message<?> message = converter.toMessage(new Order("A-17", 3), null);
			assertThat(new String((byte[]) message.getPayload(), StandardCharsets.UTF_8))
				.isEqualTo("{\"order_id\":\"A-17\",\"quantity\":3}");
		});
	}

	@Test
	void aPojoListenerWithoutJacksonFailsTheStartupNamingTheDependency() {
		this.runner.withClassLoader(new FilteredClassLoader("tools.jackson"))
			.withUserConfiguration(OrderListener.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("method 'onOrder' takes a " + Order.class.getName())
				.hasMessageContaining("add spring-boot-starter-jackson"));
	}

	@Test
	void textAndBytesListenersNeedNoJackson() {
		this.runner.withClassLoader(new FilteredClassLoader("tools.jackson"))
			.withUserConfiguration(TextCollector.class)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void aPojoListenerStartsWithJackson() {
		this.runner.withUserConfiguration(OrderListener.class).run((context) -> assertThat(context).hasNotFailed());
	}

	record Order(String orderId, int quantity) {
	}

	@Configuration(proxyBeanMethods = false)
	static class OrderListener {

		@PipeListener
		void onOrder(Order order) {
		}

	}

}
