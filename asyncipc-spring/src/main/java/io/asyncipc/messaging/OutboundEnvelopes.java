package io.asyncipc.messaging;

import java.util.Map;

import io.asyncipc.messaging.envelope.Envelope;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.util.MimeType;

/**
 * Turns a message to send into an {@link Envelope}: the payload in bytes, the content type, the
 * type id ({@link PipeHeaders#TYPE_ID}, or else the full class name of a payload that is not
 * {@code byte[]}), the correlation id ({@link PipeHeaders#CORRELATION_ID}), and every other
 * header as a user header,
 * its value converted with {@code toString()}. Spring's own {@code id} and {@code timestamp},
 * the headers AsyncIPC sets on receipt ({@link PipeHeaders#PREFIX}) and {@code null} values stay
 * behind.
 */
final class OutboundEnvelopes {

	private OutboundEnvelopes() {
	}

	static Envelope of(Object value, MessageConverter converter) {
		return builder(value, converter).build();
	}

	/**
	 * Turns a listener's return value into the reply to a request: the reply flag, and the
	 * request's correlation id whatever the value's headers say.
	 */
	static Envelope reply(Object value, MessageConverter converter, String correlationId) {
		return builder(value, converter).correlationId(correlationId).reply(true).build();
	}

	private static Envelope.Builder builder(Object value, MessageConverter converter) {
		if (value instanceof byte[] bytes) {
			// As PayloadBytes takes it: as it is, without the converter, so without a content type.
			return Envelope.builder().payload(bytes);
		}
		if (value instanceof String) {
			Envelope.Builder known = KnownConversions.typedBuilder(value, converter);
			if (known != null) {
				return known;
			}
		}
		Object payload = (value instanceof Message<?> message) ? message.getPayload() : value;
		Message<?> converted = PayloadBytes.converted(value, converter);
		MessageHeaders headers = converted.getHeaders();
		Envelope.Builder builder = Envelope.builder().payload((byte[]) converted.getPayload());
		builder.typeId((payload instanceof byte[]) ? null : payload.getClass().getName());
		Object contentType = headers.get(MessageHeaders.CONTENT_TYPE);
		if (contentType instanceof MimeType || contentType instanceof String) {
			builder.contentType(contentType.toString());
		}
		if (headers.get(PipeHeaders.TYPE_ID) != null) {
			builder.typeId(headers.get(PipeHeaders.TYPE_ID).toString());
		}
		builder.correlationId(stringOrNull(headers.get(PipeHeaders.CORRELATION_ID)));
		for (Map.Entry<String, Object> header : headers.entrySet()) {
			String key = header.getKey();
			if (header.getValue() != null && !key.equals(MessageHeaders.ID) && !key.equals(MessageHeaders.TIMESTAMP)
					&& !key.equals(MessageHeaders.CONTENT_TYPE) && !key.startsWith(PipeHeaders.PREFIX)) {
				builder.header(key, header.getValue().toString());
			}
		}
		return builder;
	}

	private static String stringOrNull(Object value) {
		return (value != null) ? value.toString() : null;
	}

}
