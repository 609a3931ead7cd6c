package io.asyncipc.messaging;

import org.springframework.core.MethodParameter;
import org.springframework.messaging.Message;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.messaging.handler.annotation.support.PayloadMethodArgumentResolver;
import org.springframework.validation.Validator;

/**
 * Resolves the payload argument of a {@link PipeListener} method as spring-messaging's
 * {@link PayloadMethodArgumentResolver} does, except for an empty message, which the wire
 * format allows and spring-messaging would reject as a missing payload:
 * <ul>
 * <li>{@code byte[]} (or {@code Object}) receives an empty array;</li>
 * <li>{@code String} (or {@code CharSequence}) receives {@code ""};</li>
 * <li>any other type (a POJO read from JSON) receives {@code null} when the parameter is
 * {@code @Payload(required = false)}, as a Spring Kafka listener does for a tombstone;
 * otherwise the listener fails with a {@link MessageConversionException} that names the
 * parameter and the pipe.</li>
 * </ul>
 * The auto-configured {@code MessageHandlerMethodFactory} registers it as a custom argument
 * resolver; a factory of one's own needs
 * {@code setCustomArgumentResolvers(List.of(new PipePayloadArgumentResolver(converter)))} for
 * the same behaviour.
 * <p>
 * A {@code String} parameter is read as the converter reads it, but without asking the
 * converter where it is Spring's own {@code StringMessageConverter} with its defaults, alone
 * or first for {@code String} in a {@code CompositeMessageConverter} (see
 * {@link KnownConversions}): the payload decoded with the charset of its {@code text/plain}
 * content type, or the converter's default charset. That skips the composite's search and its
 * two content type lookups, a tenth of a listener thread that receives small messages.
 */
public class PipePayloadArgumentResolver extends PayloadMethodArgumentResolver {

	private final MessageConverter converter;

	/**
	 * Creates a resolver without validation.
	 * @param converter converts non-empty payloads to the parameter's type
	 */
	public PipePayloadArgumentResolver(MessageConverter converter) {
		this(converter, null);
	}

	/**
	 * Creates a resolver.
	 * @param converter converts non-empty payloads to the parameter's type
	 * @param validator validates {@code @Validated} payloads, or {@code null}
	 */
	public PipePayloadArgumentResolver(MessageConverter converter, Validator validator) {
		super(converter, validator);
		this.converter = converter;
	}

	@Override
	public Object resolveArgument(MethodParameter parameter, Message<?> message) throws Exception {
		if (!(message.getPayload() instanceof byte[] bytes)) {
			return super.resolveArgument(parameter, message);
		}
		if (bytes.length != 0) {
			String text = (resolveTargetClass(parameter, message) == String.class) ? text(parameter, message, bytes)
					: null;
			if (text == null) {
				return super.resolveArgument(parameter, message);
			}
			validate(message, parameter, text);
			return text;
		}
		Class<?> target = resolveTargetClass(parameter, message);
		Object empty;
		if (target.isAssignableFrom(byte[].class)) {
			empty = bytes;
		}
		else if (target.isAssignableFrom(String.class)) {
			empty = "";
		}
		else {
			Payload payload = parameter.getParameterAnnotation(Payload.class);
			if (payload != null && !payload.required()) {
				return null;
			}
			throw new MessageConversionException(message, "an empty message on pipe '"
					+ message.getHeaders().get(PipeHeaders.PIPE_NAME) + "' cannot be converted to "
					+ target.getName() + " for parameter " + parameter.getParameterIndex() + " of "
					+ parameter.getDeclaringClass().getSimpleName() + "." + parameter.getExecutable().getName()
					+ "(...); declare it @Payload(required = false) "
					+ "to receive null for an empty message, or take byte[] or String");
		}
		validate(message, parameter, empty);
		return empty;
	}

	/**
	 * Returns the text of a {@code String} parameter as the converter would read it, without
	 * the converter's lookups, where it is a known one ({@link KnownConversions}).
	 * @return the text, or {@code null} to leave it to the converter
	 */
	private String text(MethodParameter parameter, Message<?> message, byte[] bytes) {
		Payload payload = parameter.getParameterAnnotation(Payload.class);
		if (payload != null && !payload.expression().isEmpty()) {
			// Refused by spring-messaging, with its own message.
			return null;
		}
		return KnownConversions.text(bytes, message.getHeaders(), this.converter);
	}

}
