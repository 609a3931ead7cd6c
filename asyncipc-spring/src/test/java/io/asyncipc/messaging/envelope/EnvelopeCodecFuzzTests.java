package io.asyncipc.messaging.envelope;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Fuzzes {@link EnvelopeCodec} both ways. Decoding any bytes either gives an envelope that
 * encodes back to exactly those bytes, or throws {@link EnvelopeFormatException} naming an
 * offset inside the message, never another exception; a hello is accepted only if its
 * parameters encode back to exactly those bytes. Encoding any envelope the fuzzer builds succeeds exactly when it is within the limits
 * (checked here against the documented layout, not the codec's own arithmetic), and decodes back
 * to an equal envelope. Pure Java; replayed from the committed inputs by {@code ./mvnw verify},
 * fuzzed by {@code .ci/fuzz}.
 * <p>How the fuzzer's bytes are used: the last byte chooses. Even: the rest of the input is one
 * message to decode (so a committed input is a message followed by {@code 00}). Odd: the
 * envelope is built from the input (a maximum header size, the ids, the flags, up to six headers,
 * and what remains as the payload).
 */
class EnvelopeCodecFuzzTests {

	/** A header section larger than this is refused by the narrow codec and accepted by the wide one. */
	private static final int NARROW_MAX_HEADER_SIZE = 32;

	private static final EnvelopeCodec WIDE = new EnvelopeCodec();

	private static final EnvelopeCodec NARROW = new EnvelopeCodec(NARROW_MAX_HEADER_SIZE);

	@FuzzTest
	void decodesOnlyWhatItEncodes(FuzzedDataProvider data) {
		if (data.consumeBoolean()) {
			encodesWithinTheLimitsAndDecodesBack(data);
		}
		else {
			decodesOrRefuses(data.consumeRemainingAsBytes());
		}
	}

	private static void decodesOrRefuses(byte[] message) {
		Envelope wide = decodeOrNull(WIDE, message);
		Envelope narrow = decodeOrNull(NARROW, message);
		if (wide != null) {
			assertThat(WIDE.encode(wide)).as("re-encoded").isEqualTo(message);
			long headerSize = ((message[7] & 0xFFL) << 24) | ((message[8] & 0xFF) << 16) | ((message[9] & 0xFF) << 8)
					| (message[10] & 0xFF);
			assertThat(narrow != null).as("accepted under a maximum header size of %s with a header section of %s",
					NARROW_MAX_HEADER_SIZE, headerSize)
				.isEqualTo(headerSize <= NARROW_MAX_HEADER_SIZE);
		}
		if (narrow != null) {
			assertThat(narrow).isEqualTo(wide);
		}
		try {
			Map<String, String> parameters = WIDE.decodeHello(message);
			assertThat(WIDE.encodeHello(parameters)).as("accepted hello, encoded again").isEqualTo(message);
		}
		catch (EnvelopeFormatException ex) {
			assertOffsetWithin(ex, message);
			assertThat(message).isNotEqualTo(WIDE.encodeHello());
		}
	}

	private static Envelope decodeOrNull(EnvelopeCodec codec, byte[] message) {
		try {
			return codec.decode(message);
		}
		catch (EnvelopeFormatException ex) {
			assertOffsetWithin(ex, message);
			return null;
		}
	}

	private static void assertOffsetWithin(EnvelopeFormatException ex, byte[] message) {
		assertThat(ex.getOffset()).as("offset of '%s'", ex.getMessage()).isBetween(0, message.length);
		assertThat(ex.getMessage()).contains("offset " + ex.getOffset());
	}

	private static void encodesWithinTheLimitsAndDecodesBack(FuzzedDataProvider data) {
		int maxHeaderSize = data.consumeInt(EnvelopeCodec.MIN_HEADER_SIZE, 4096);
		EnvelopeCodec codec = new EnvelopeCodec(maxHeaderSize);
		String contentType = data.consumeString(300);
		String typeId = data.consumeString(1100);
		String correlationId = data.consumeString(300);
		Envelope.Builder builder = Envelope.builder()
			.contentType(contentType)
			.typeId(typeId)
			.correlationId(correlationId)
			.reply(data.consumeBoolean())
			.error(data.consumeBoolean());
		boolean fits = fits(contentType, EnvelopeCodec.MAX_CONTENT_TYPE_LENGTH)
				&& fits(typeId, EnvelopeCodec.MAX_TYPE_ID_LENGTH)
				&& fits(correlationId, EnvelopeCodec.MAX_CORRELATION_ID_LENGTH);
		Map<String, String> headers = new LinkedHashMap<>();
		int count = data.consumeInt(0, 6);
		for (int i = 0; i < count; i++) {
			String key = data.consumeString(300);
			String value = data.consumeString(300);
			if (key.isEmpty()) {
				assertThatIllegalArgumentException().isThrownBy(() -> builder.header(key, value));
				continue;
			}
			builder.header(key, value);
			headers.put(key, value);
		}
		long headerSize = EnvelopeCodec.MIN_HEADER_SIZE + utf8Length(contentType) + utf8Length(typeId)
				+ utf8Length(correlationId);
		for (Map.Entry<String, String> header : headers.entrySet()) {
			fits = fits && fits(header.getKey(), EnvelopeCodec.MAX_HEADER_KEY_LENGTH)
					&& fits(header.getValue(), EnvelopeCodec.MAX_HEADER_VALUE_LENGTH);
			headerSize += 4 + utf8Length(header.getKey()) + utf8Length(header.getValue());
		}
		fits = fits && headerSize <= maxHeaderSize;
		Envelope envelope = builder.payload(data.consumeRemainingAsBytes()).build();
		if (!fits) {
			assertThatIllegalArgumentException().isThrownBy(() -> codec.encode(envelope));
			return;
		}
		byte[] bytes = codec.encode(envelope);
		assertThat(bytes).hasSize(EnvelopeCodec.MESSAGE_PREFIX_SIZE + (int) headerSize + envelope.getPayload().length);
		Envelope decoded = codec.decode(bytes);
		assertThat(decoded).isEqualTo(envelope);
		assertThat(decoded.getHeaders()).containsExactlyEntriesOf(headers);
		assertThat(codec.encode(decoded)).isEqualTo(bytes);
	}

	/** Whether a string is valid Unicode (UTF-8 cannot carry a lone surrogate) and its UTF-8 fits. */
	private static boolean fits(String value, int limit) {
		return value.codePoints().noneMatch((codePoint) -> codePoint >= 0xD800 && codePoint <= 0xDFFF)
				&& utf8Length(value) <= limit;
	}

	private static int utf8Length(String value) {
		return value.getBytes(StandardCharsets.UTF_8).length;
	}

}
