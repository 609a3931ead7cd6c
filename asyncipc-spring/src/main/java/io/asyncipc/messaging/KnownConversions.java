package io.asyncipc.messaging;

import java.lang.ref.WeakReference;
import java.util.List;

import io.asyncipc.messaging.envelope.Envelope;

import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.AbstractMessageConverter;
import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.converter.CompositeMessageConverter;
import org.springframework.messaging.converter.ContentTypeResolver;
import org.springframework.messaging.converter.DefaultContentTypeResolver;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.converter.StringMessageConverter;
import org.springframework.util.MimeType;

/**
 * What the default converters make of a {@code String} or a {@code byte[]} that carries no
 * headers, worked out without a {@code Message}: the bytes, and the content type that the
 * converter would set, so that the sender builds the envelope straight from the payload. The
 * envelope is the same, byte for byte, as the one built from the converter's message; what
 * the sender saves is that message and its two {@code MessageHeaders}, each with a new UUID
 * and a map of its own, which were more than half of the time a send took.
 * <p>
 * It knows Spring's own {@link StringMessageConverter} and {@link ByteArrayMessageConverter},
 * of exactly those classes (a subclass may convert otherwise), with their defaults: no strict
 * content type match, {@code byte[]} as the serialized form, and no default content type of
 * their resolver; alone, or in a {@link CompositeMessageConverter} where no other converter
 * comes before the one that takes the payload. Anything else (another converter, another
 * setting, another payload type) is left to the converter, and this returns {@code null}. The
 * settings are read again for each payload, since a converter's setters may be called at any
 * time; which of a converter's converters takes each type, and the content type it sets,
 * are kept for the converter asked about last, as long as a composite's list stays as it was.
 */
final class KnownConversions {

	/**
	 * The candidates of the converter asked about last (most applications have one), held
	 * weakly: a converter of a closed application context is not kept alive by this class.
	 */
	private static volatile WeakReference<Candidates> lastCandidates = new WeakReference<>(null);

	private KnownConversions() {
	}

	/**
	 * Returns an envelope builder with the payload in bytes and the content type that the
	 * converter gives a payload of this type without headers, and nothing else.
	 * @param payload the payload
	 * @param converter the converter that would convert it
	 * @return the builder, or {@code null} if the converter is not known to convert the payload
	 * this way
	 */
	static Envelope.Builder builder(Object payload, MessageConverter converter) {
		if (payload instanceof String text) {
			MimeType contentType = contentType(String.class, converter);
			return (contentType != null) ? Envelope.builder()
				.payload(text.getBytes(contentType.getCharset()))
				.contentType(contentType.toString()) : null;
		}
		if (payload instanceof byte[] bytes) {
			MimeType contentType = contentType(byte[].class, converter);
			return (contentType != null) ? Envelope.builder().payload(bytes).contentType(contentType.toString()) : null;
		}
		return null;
	}

	/**
	 * Returns {@link #builder} with the type id that a payload other than {@code byte[]} is
	 * marked with: the full name of its class, as {@code PipeTemplate.doConvert} marks it.
	 * @param payload the payload
	 * @param converter the converter that would convert it
	 * @return the builder, or {@code null} if the converter is not known to convert the payload
	 */
	static Envelope.Builder typedBuilder(Object payload, MessageConverter converter) {
		Envelope.Builder known = builder(payload, converter);
		return (known == null || payload instanceof byte[]) ? known : known.typeId(payload.getClass().getName());
	}

	/**
	 * Returns the text that the converter reads from a message for a {@code String} parameter,
	 * worked out without it: the payload decoded with the charset of its content type, or the
	 * converter's default charset. Only where the converter that takes a {@code String} is a
	 * known one with its defaults, and the message's content type is a parsed {@code text/plain}
	 * (as received messages have it) or absent, which that converter reads so.
	 * @param payload the message's payload
	 * @param headers the message's headers
	 * @param converter the converter that would read it
	 * @return the text, or {@code null} if it is left to the converter
	 */
	static String text(byte[] payload, MessageHeaders headers, MessageConverter converter) {
		MimeType supported = contentType(String.class, converter);
		if (supported == null) {
			return null;
		}
		Object contentType = headers.get(MessageHeaders.CONTENT_TYPE);
		if (contentType == null) {
			return new String(payload, supported.getCharset());
		}
		if (!(contentType instanceof MimeType mimeType) || !supported.getType().equals(mimeType.getType())
				|| !supported.getSubtype().equals(mimeType.getSubtype())) {
			return null;
		}
		return new String(payload, (mimeType.getCharset() != null) ? mimeType.getCharset() : supported.getCharset());
	}

	/**
	 * Returns the content type that the known converter of the type sets, or {@code null} if
	 * the converter that would take the type is not a known one with its defaults.
	 */
	private static MimeType contentType(Class<?> type, MessageConverter converter) {
		Candidates candidates = candidates(converter);
		boolean text = (type == String.class);
		AbstractMessageConverter candidate = text ? candidates.forText() : candidates.forBytes();
		if (candidate == null || candidate.isStrictContentTypeMatch()
				|| candidate.getSerializedPayloadClass() != byte[].class
				|| !resolvesNothing(candidate.getContentTypeResolver())) {
			return null;
		}
		return text ? candidates.textType() : candidates.bytesType();
	}

	/**
	 * Returns the known converters that take a {@code String} and a {@code byte[]}: those of
	 * the converter asked about last, or worked out anew for another one.
	 */
	private static Candidates candidates(MessageConverter converter) {
		Candidates last = lastCandidates.get();
		if (last != null && last.isFor(converter)) {
			return last;
		}
		AbstractMessageConverter forText = null;
		AbstractMessageConverter forBytes = null;
		List<MessageConverter> converters = (converter.getClass() == CompositeMessageConverter.class)
				? ((CompositeMessageConverter) converter).getConverters() : List.of(converter);
		MessageConverter[] members = converters.toArray(new MessageConverter[0]);
		for (MessageConverter candidate : members) {
			Class<?> taken = takes(candidate);
			if (taken == null) {
				// A converter of its own comes first: it may take the payload.
				break;
			}
			if (taken == String.class && forText == null) {
				forText = (AbstractMessageConverter) candidate;
			}
			else if (taken == byte[].class && forBytes == null) {
				forBytes = (AbstractMessageConverter) candidate;
			}
		}
		MimeType textType = firstSupported(forText);
		MimeType bytesType = firstSupported(forBytes);
		Candidates worked = new Candidates(converter, members, (textType != null) ? forText : null, textType,
				(bytesType != null) ? forBytes : null, bytesType);
		lastCandidates = new WeakReference<>(worked);
		return worked;
	}

	/**
	 * Returns the one payload type that a known converter converts, or {@code null} if the
	 * converter is not a known one.
	 */
	private static Class<?> takes(MessageConverter converter) {
		Class<?> type = converter.getClass();
		if (type == StringMessageConverter.class) {
			return String.class;
		}
		return (type == ByteArrayMessageConverter.class) ? byte[].class : null;
	}

	/**
	 * Returns the content type a known converter sets: the first of its supported types, which
	 * for a {@link StringMessageConverter} must carry its default charset; {@code null} if it
	 * has none, or no converter is given.
	 */
	private static MimeType firstSupported(AbstractMessageConverter converter) {
		if (converter == null || converter.getSupportedMimeTypes().isEmpty()) {
			return null;
		}
		MimeType contentType = converter.getSupportedMimeTypes().get(0);
		return (converter instanceof StringMessageConverter && contentType.getCharset() == null) ? null : contentType;
	}

	/**
	 * Returns whether a resolver finds no content type in headers that have none.
	 */
	private static boolean resolvesNothing(ContentTypeResolver resolver) {
		return resolver == null || (resolver.getClass() == DefaultContentTypeResolver.class
				&& ((DefaultContentTypeResolver) resolver).getDefaultMimeType() == null);
	}

	/**
	 * The known converters of one converter that take a {@code String} and a {@code byte[]},
	 * each with the content type it sets, or {@code null} where none does, worked out from the
	 * converter's members as they were then: the converter itself, or a
	 * {@code CompositeMessageConverter}'s list, which can change (its {@code getConverters()}
	 * is the list itself) and is compared with them before each use. The supported types of
	 * Spring's own two converters, of exactly those classes, cannot change; their settings can,
	 * and are read for each payload.
	 */
	private record Candidates(MessageConverter converter, MessageConverter[] members,
			AbstractMessageConverter forText, MimeType textType, AbstractMessageConverter forBytes,
			MimeType bytesType) {

		/**
		 * Returns whether these are the candidates of the converter as it is now: the same one,
		 * with the same members in the same order.
		 */
		boolean isFor(MessageConverter candidate) {
			if (candidate != this.converter) {
				return false;
			}
			if (candidate.getClass() != CompositeMessageConverter.class) {
				return true;
			}
			List<MessageConverter> now = ((CompositeMessageConverter) candidate).getConverters();
			if (now.size() != this.members.length) {
				return false;
			}
			for (int i = 0; i < this.members.length; i++) {
				if (now.get(i) != this.members[i]) {
					return false;
				}
			}
			return true;
		}

	}

}
