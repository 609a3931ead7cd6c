package io.asyncipc.messaging;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.asyncipc.messaging.envelope.Envelope;
import io.asyncipc.messaging.envelope.EnvelopeCodec;
import org.junit.jupiter.api.Test;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.converter.CompositeMessageConverter;
import org.springframework.messaging.converter.DefaultContentTypeResolver;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.converter.StringMessageConverter;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.MimeType;
import org.springframework.util.MimeTypeUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link KnownConversions} against the converters it stands in for: where it answers, the
 * envelope goes out in the same bytes, and the text is the same, as through the converter;
 * where a converter or a setting could convert otherwise, it leaves the payload to them.
 */
class KnownConversionsTests {

	private static final String TEXT = "héllo, pipe ✓";

	private final EnvelopeCodec codec = new EnvelopeCodec();

	@Test
	void textGoesOutAsTheDefaultConvertersSendIt() {
		MessageConverter converter = defaults();
		Envelope.Builder known = KnownConversions.builder(TEXT, converter);
		assertThat(known).isNotNull();
		Envelope envelope = known.typeId(String.class.getName()).build();
		assertThat(envelope.getContentType()).isEqualTo("text/plain;charset=UTF-8");
		assertThat(this.codec.encode(envelope)).isEqualTo(this.codec.encode(throughConverter(TEXT, converter)));
	}

	@Test
	void bytesGoOutAsTheDefaultConvertersSendThem() {
		MessageConverter converter = defaults();
		byte[] bytes = { 1, 2, 3 };
		Envelope envelope = KnownConversions.builder(bytes, converter).build();
		assertThat(envelope.getContentType()).isEqualTo("application/octet-stream");
		assertThat(this.codec.encode(envelope)).isEqualTo(this.codec.encode(throughConverter(bytes, converter)));
	}

	@Test
	void textTakesTheCharsetOfTheStringConverter() {
		MessageConverter converter = new StringMessageConverter(StandardCharsets.ISO_8859_1);
		Envelope envelope = KnownConversions.builder("café", converter).typeId(String.class.getName()).build();
		assertThat(envelope.getContentType()).isEqualTo("text/plain;charset=ISO-8859-1");
		assertThat(envelope.getPayload()).containsExactly('c', 'a', 'f', 0xE9);
		assertThat(this.codec.encode(envelope)).isEqualTo(this.codec.encode(throughConverter("café", converter)));
	}

	@Test
	void aConverterOfItsOwnBeforeTheKnownOneTakesThePayload() {
		MessageConverter converter = new CompositeMessageConverter(
				List.of(new JacksonJsonMessageConverter(), new StringMessageConverter()));
		assertThat(KnownConversions.builder(TEXT, converter)).isNull();
		assertThat(KnownConversions.builder(new byte[] { 1 }, converter)).isNull();
	}

	@Test
	void aSubclassOfAKnownConverterTakesThePayload() {
		MessageConverter converter = new StringMessageConverter() {
		};
		assertThat(KnownConversions.builder(TEXT, converter)).isNull();
	}

	@Test
	void settingsOtherThanTheDefaultsLeaveThePayloadToTheConverter() {
		StringMessageConverter strict = new StringMessageConverter();
		strict.setStrictContentTypeMatch(true);
		StringMessageConverter asString = new StringMessageConverter();
		asString.setSerializedPayloadClass(String.class);
		StringMessageConverter defaultType = new StringMessageConverter();
		DefaultContentTypeResolver resolver = new DefaultContentTypeResolver();
		resolver.setDefaultMimeType(MimeTypeUtils.TEXT_HTML);
		defaultType.setContentTypeResolver(resolver);
		StringMessageConverter ownResolver = new StringMessageConverter();
		ownResolver.setContentTypeResolver((headers) -> MimeTypeUtils.TEXT_HTML);
		for (StringMessageConverter converter : List.of(strict, asString, defaultType, ownResolver)) {
			assertThat(KnownConversions.builder(TEXT, converter)).isNull();
			assertThat(KnownConversions.builder(TEXT, new CompositeMessageConverter(List.of(converter)))).isNull();
			assertThat(KnownConversions.text(bytes(TEXT), headers(null), converter)).isNull();
		}
	}

	@Test
	void aSettingChangedAfterTheFirstPayloadCountsFromTheNext() {
		StringMessageConverter converter = new StringMessageConverter();
		assertThat(KnownConversions.builder(TEXT, converter)).isNotNull();
		converter.setStrictContentTypeMatch(true);
		assertThat(KnownConversions.builder(TEXT, converter)).isNull();
		assertThat(KnownConversions.text(bytes(TEXT), headers(null), converter)).isNull();
		converter.setStrictContentTypeMatch(false);
		assertThat(KnownConversions.builder(TEXT, converter)).isNotNull();
	}

	@Test
	void aConverterPutInFrontInACompositesListAfterTheFirstPayloadTakesTheNext() {
		CompositeMessageConverter converter = (CompositeMessageConverter) defaults();
		assertThat(KnownConversions.builder(TEXT, converter)).isNotNull();
		converter.getConverters().add(0, new JacksonJsonMessageConverter());
		assertThat(KnownConversions.builder(TEXT, converter)).isNull();
		assertThat(KnownConversions.text(bytes(TEXT), headers(null), converter)).isNull();
		converter.getConverters().remove(0);
		assertThat(KnownConversions.builder(TEXT, converter)).isNotNull();
	}

	@Test
	void convertersAskedAboutInTurnAreEachAnsweredForThemselves() {
		MessageConverter known = defaults();
		MessageConverter own = new CompositeMessageConverter(
				List.of(new JacksonJsonMessageConverter(), new StringMessageConverter()));
		MessageConverter latin = new StringMessageConverter(StandardCharsets.ISO_8859_1);
		for (int round = 0; round < 2; round++) {
			assertThat(KnownConversions.builder(TEXT, known).build().getContentType())
				.isEqualTo("text/plain;charset=UTF-8");
			assertThat(KnownConversions.builder(new byte[] { 1 }, known).build().getContentType())
				.isEqualTo("application/octet-stream");
			assertThat(KnownConversions.builder(TEXT, own)).isNull();
			assertThat(KnownConversions.builder("café", latin).build().getContentType())
				.isEqualTo("text/plain;charset=ISO-8859-1");
			assertThat(KnownConversions.builder(new byte[] { 1 }, latin)).isNull();
		}
	}

	@Test
	void otherPayloadsAreLeftToTheConverter() {
		assertThat(KnownConversions.builder(42, defaults())).isNull();
		assertThat(KnownConversions.builder(null, defaults())).isNull();
	}

	@Test
	void textIsReadAsTheStringConverterReadsIt() {
		MessageConverter converter = defaults();
		for (Object contentType : new Object[] { null, MimeTypeUtils.parseMimeType("text/plain;charset=UTF-8"),
				MimeTypeUtils.TEXT_PLAIN, new MimeType("text", "plain", StandardCharsets.ISO_8859_1) }) {
			byte[] payload = "café ✓".getBytes((contentType instanceof MimeType type && type.getCharset() != null)
					? type.getCharset() : StandardCharsets.UTF_8);
			Message<byte[]> message = message(payload, contentType);
			String known = KnownConversions.text(payload, message.getHeaders(), converter);
			assertThat(known).as("content type %s", contentType)
				.isNotNull()
				.isEqualTo(converter.fromMessage(message, String.class));
		}
	}

	@Test
	void textOfAnotherContentTypeIsLeftToTheConverter() {
		MessageConverter converter = defaults();
		assertThat(KnownConversions.text(bytes("{}"), headers(MimeTypeUtils.APPLICATION_JSON), converter)).isNull();
		assertThat(KnownConversions.text(bytes("x"), headers("text/plain"), converter)).isNull();
		assertThat(KnownConversions.text(bytes("x"), headers(null), new JacksonJsonMessageConverter())).isNull();
	}

	private static MessageConverter defaults() {
		return new CompositeMessageConverter(List.of(new ByteArrayMessageConverter(), new StringMessageConverter(),
				new JacksonJsonMessageConverter()));
	}

	/**
	 * The envelope of a payload as the template made it before it knew the converters: through
	 * the converter, with the type id among the headers, then {@link OutboundEnvelopes}.
	 */
	private static Envelope throughConverter(Object payload, MessageConverter converter) {
		MessageHeaders headers = (payload instanceof byte[]) ? null
				: new MessageHeaders(Map.of(PipeHeaders.TYPE_ID, payload.getClass().getName()));
		return OutboundEnvelopes.of(converter.toMessage(payload, headers), converter);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static MessageHeaders headers(Object contentType) {
		return message(new byte[0], contentType).getHeaders();
	}

	private static Message<byte[]> message(byte[] payload, Object contentType) {
		return MessageBuilder.withPayload(payload).setHeader(MessageHeaders.CONTENT_TYPE, contentType).build();
	}

}
