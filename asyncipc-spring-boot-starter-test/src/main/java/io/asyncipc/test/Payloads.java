package io.asyncipc.test;

import io.asyncipc.messaging.PipeHeaders;

import org.springframework.messaging.Message;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.util.ClassUtils;

/**
 * Reads a received message's payload as the type a test asked for, as
 * {@link io.asyncipc.messaging.PipeTemplate} reads a reply: a type id that names another class
 * fails rather than being read into the type asked for.
 */
final class Payloads {

	private Payloads() {
	}

	@SuppressWarnings("unchecked")
	static <T> T as(Message<byte[]> message, Class<T> type, MessageConverter converter, String pipeName) {
		if (type == byte[].class) {
			return (T) message.getPayload();
		}
		Object typeId = message.getHeaders().get(PipeHeaders.TYPE_ID);
		if (typeId != null && type != String.class && type != Object.class) {
			Class<?> sent = loadable(typeId.toString(), type.getClassLoader());
			if (sent == null || !ClassUtils.isAssignable(type, sent)) {
				throw new AssertionError("expected a " + type.getName() + " on pipe '" + pipeName + "', got "
						+ describe(message));
			}
		}
		Object value = converter.fromMessage(message, type);
		if (value == null) {
			throw new AssertionError("expected a " + type.getName() + " on pipe '" + pipeName + "', got "
					+ describe(message) + ", which cannot be read as one");
		}
		return (T) value;
	}

	static String describe(Message<byte[]> message) {
		Object typeId = message.getHeaders().get(PipeHeaders.TYPE_ID);
		return "a message of " + message.getPayload().length + " bytes"
				+ ((typeId != null) ? " with type id '" + typeId + "'" : " without type id");
	}

	private static Class<?> loadable(String typeId, ClassLoader classLoader) {
		try {
			return ClassUtils.forName(typeId, classLoader);
		}
		catch (ClassNotFoundException | LinkageError | IllegalArgumentException ex) {
			return null;
		}
	}

}
