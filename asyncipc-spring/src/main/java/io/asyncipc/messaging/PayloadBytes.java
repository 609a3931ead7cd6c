package io.asyncipc.messaging;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.converter.MessageConverter;

/**
 * Turns a payload, or a whole {@link Message}, into the bytes that go on the wire:
 * {@code byte[]} as it is, anything else through the {@link MessageConverter}.
 */
final class PayloadBytes {

	private PayloadBytes() {
	}

	static byte[] of(Object value, MessageConverter converter) {
		Object payload = value;
		MessageHeaders headers = null;
		if (value instanceof Message<?> message) {
			payload = message.getPayload();
			headers = message.getHeaders();
		}
		if (payload instanceof byte[] bytes) {
			return bytes;
		}
		Message<?> converted = converter.toMessage(payload, headers);
		if (converted == null || !(converted.getPayload() instanceof byte[] bytes)) {
			throw new MessageConversionException("No message converter turns a " + payload.getClass().getName()
					+ " into bytes; send byte[] or String, put Jackson on the classpath for JSON, or add a "
					+ "MessageConverter bean");
		}
		return bytes;
	}

}
