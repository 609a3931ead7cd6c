package io.asyncipc.messaging;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.messaging.Message;
import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.converter.CompositeMessageConverter;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.converter.StringMessageConverter;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.invocation.InvocableHandlerMethod;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The rule by which {@link PayloadTypeRouter} picks a method, case by case; the end-to-end
 * routing over a socket is in the auto-configuration module's {@code PipeRoutingIntegrationTests}.
 */
class PayloadTypeRouterTests {

	private final MessageConverter converter = new CompositeMessageConverter(List.of(new ByteArrayMessageConverter(),
			new StringMessageConverter(), new JacksonJsonMessageConverter()));

	private final Handlers handlers = new Handlers();

	@Test
	void aTypeIdOfASubclassPicksTheHandlerOfItsSupertype() {
		PayloadTypeRouter router = classRouter("event", "text", "anything");
		assertThat(selected(router, "{}", PlacedEvent.class.getName())).isEqualTo("event");
	}

	@Test
	void typeIdsThatRepeatOrAlternateAreEachRoutedAsTheFirstTime() {
		PayloadTypeRouter router = classRouter("order", "event", "text", "anything");
		// The very same strings, as a codec hands them out while a field repeats, and equal copies.
		String order = Order.class.getName();
		String placed = PlacedEvent.class.getName();
		String unknown = "com.example.NoSuchClass";
		for (int round = 0; round < 2; round++) {
			assertThat(selected(router, "{}", order)).isEqualTo("order");
			assertThat(selected(router, "{}", order)).isEqualTo("order");
			assertThat(selected(router, "{}", placed)).isEqualTo("event");
			assertThat(selected(router, "{}", placed)).isEqualTo("event");
			assertThat(selected(router, "{}", new String(placed))).isEqualTo("event");
			assertThat(selected(router, "{}", unknown)).isEqualTo("anything");
			assertThat(selected(router, "{}", unknown)).isEqualTo("anything");
			assertThat(selected(router, "{}", new String(order))).isEqualTo("order");
		}
	}

	@Test
	void anUnknownTypeIdGoesToTheDefault() {
		PayloadTypeRouter router = classRouter("order", "text", "anything");
		assertThat(selected(router, "{}", "com.example.NoSuchClass")).isEqualTo("anything");
	}

	@Test
	void withoutADefaultAnUnknownTypeIdIsNotAccepted() {
		PayloadTypeRouter router = classRouter("order", "text");
		assertThat(selected(router, "{}", "com.example.NoSuchClass")).isNull();
	}

	@Test
	void withoutATypeIdJsonThatTwoPojosReadGoesToTheStringHandler() {
		PayloadTypeRouter router = classRouter("order", "event", "text", "anything");
		assertThat(selected(router, "{\"id\":\"A\"}", null)).isEqualTo("text");
	}

	@Test
	void withoutATypeIdTextThatNoPojoReadsGoesToTheDefault() {
		PayloadTypeRouter router = classRouter("order", "anything");
		assertThat(selected(router, "not json", null)).isEqualTo("anything");
	}

	@Test
	void aMethodListenerTakingStringRefusesAnotherTypeIdButTakesUntypedMessages() {
		PayloadTypeRouter router = PayloadTypeRouter.forMethod(method("text"), this.converter);
		assertThat(selected(router, "{}", Order.class.getName())).isNull();
		assertThat(selected(router, "{}", String.class.getName())).isEqualTo("text");
		assertThat(selected(router, "{}", null)).isEqualTo("text");
	}

	@Test
	void aMethodListenerTakingBytesTakesEverything() {
		PayloadTypeRouter router = PayloadTypeRouter.forMethod(method("anything"), this.converter);
		assertThat(selected(router, "{}", Order.class.getName())).isEqualTo("anything");
		assertThat(selected(router, "x", null)).isEqualTo("anything");
	}

	@Test
	void aPojoListenerTakesAnEmptyMessageSoThatTheEmptyMessageRuleApplies() {
		PayloadTypeRouter router = PayloadTypeRouter.forMethod(method("order"), this.converter);
		assertThat(selected(router, "", null)).isEqualTo("order");
		assertThat(selected(router, "not json", null)).isNull();
	}

	@Test
	void aHandlerTakingAnyPayloadMustBeTheDefault() {
		assertThatExceptionOfType(BeanInitializationException.class)
			.isThrownBy(() -> PayloadTypeRouter.forClass("class X", List.of(method("order"), method("anything")),
					List.of(false, false), this.converter))
			.withMessageContaining("class X")
			.withMessageContaining("'anything'")
			.withMessageContaining("isDefault = true");
	}

	@Test
	void twoDefaultsFailNamingBoth() {
		assertThatExceptionOfType(BeanInitializationException.class)
			.isThrownBy(() -> PayloadTypeRouter.forClass("class X", List.of(method("order"), method("text")),
					List.of(true, true), this.converter))
			.withMessageContaining("two default @PipeHandler methods, 'order' and 'text'");
	}

	@Test
	void theHeadersAndTheConnectionAreNotThePayload() throws NoSuchMethodException {
		Method method = Handlers.class.getDeclaredMethod("withHeader", String.class, Order.class);
		assertThat(PayloadTypeRouter.payloadTypeOf(method)).isEqualTo(Order.class);
	}

	private PayloadTypeRouter classRouter(String... names) {
		List<InvocableHandlerMethod> methods = Arrays.stream(names).map(this::method).toList();
		List<Boolean> defaults = new ArrayList<>();
		for (String name : names) {
			defaults.add(name.equals("anything"));
		}
		return PayloadTypeRouter.forClass("class Handlers", methods, defaults, this.converter);
	}

	private InvocableHandlerMethod method(String name) {
		Method method = Arrays.stream(Handlers.class.getDeclaredMethods())
			.filter((candidate) -> candidate.getName().equals(name))
			.findFirst()
			.orElseThrow();
		return new InvocableHandlerMethod(this.handlers, method);
	}

	private static String selected(PayloadTypeRouter router, String payload, String typeId) {
		MessageBuilder<byte[]> builder = MessageBuilder.withPayload(payload.getBytes(StandardCharsets.UTF_8));
		if (typeId != null) {
			builder.setHeader(PipeHeaders.TYPE_ID, typeId);
		}
		Message<byte[]> message = builder.build();
		InvocableHandlerMethod method = router.select(message);
		return (method != null) ? method.getMethod().getName() : null;
	}

	record Order(String id, Integer quantity) {
	}

	static class Event {

		public String id;

	}

	static class PlacedEvent extends Event {

	}

	static class Handlers {

		void order(Order order) {
		}

		void event(Event event) {
		}

		void text(String text) {
		}

		void anything(byte[] bytes) {
		}

		void withHeader(@Header(PipeHeaders.CONNECTION_ID) String connectionId, Order order) {
		}

	}

}
