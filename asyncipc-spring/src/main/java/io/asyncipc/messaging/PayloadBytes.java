package io.asyncipc.messaging;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.support.MessageBuilder;

/**
 * Turns a payload, or a whole {@link Message}, into the bytes that go on the wire:
 * {@code byte[]} as it is, anything else through the {@link MessageConverter}.
 */
final class PayloadBytes {

	private PayloadBytes() {
	}

	static byte[] of(Object value, MessageConverter converter) {
		return (byte[]) converted(value, converter).getPayload();
	}

	/**
	 * Returns the message with its payload in bytes, and the headers the converter added, such
	 * as the content type.
	 */
	static Message<?> converted(Object value, MessageConverter converter) {
		Object payload = value;
		MessageHeaders headers = null;
		if (value instanceof Message<?> message) {
			payload = message.getPayload();
			headers = message.getHeaders();
		}
		if (payload instanceof byte[] bytes) {
			return (value instanceof Message<?> message) ? message : MessageBuilder.withPayload(bytes).build();
		}
		Message<?> converted = converter.toMessage(payload, headers);
		if (converted == null || !(converted.getPayload() instanceof byte[])) {
			throw new MessageConversionException("No message converter turns a " + payload.getClass().getName()
					+ " into bytes; send byte[] or String, add spring-boot-starter-jackson (or "
					+ "tools.jackson.core:jackson-databind) to the dependencies for JSON, or define a MessageConverter "
					+ "bean named 'asyncIpcMessageConverter'");
		}
		return converted;
	}

}
