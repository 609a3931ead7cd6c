package io.asyncipc.messaging.envelope;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

import io.asyncipc.transport.PipeProtocolException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link EnvelopeCodec}: round trips of every field, the limits at and one above,
 * every malformed message with its error and offset, the hello, and the worked example of
 * {@code docs/wire-format.md}, read from the doc itself.
 */
class EnvelopeCodecTests {

	private static final String PREFIX = "89 41 49 50 01 01 00";

	private final EnvelopeCodec codec = new EnvelopeCodec();

	@Test
	void roundTripsEveryField() {
		Envelope envelope = Envelope.builder()
			.contentType("application/json; charset=utf-8")
			.typeId("com.example.Ordre€")
			.correlationId("9b2f-😀")
			.reply(true)
			.error(true)
			.header("tenant", "acme")
			.header("ünïcode", "värde ✓")
			.header("empty", "")
			.payload(allByteValues())
			.build();
		Envelope decoded = roundTrip(envelope);
		assertThat(decoded.getContentType()).isEqualTo("application/json; charset=utf-8");
		assertThat(decoded.getTypeId()).isEqualTo("com.example.Ordre€");
		assertThat(decoded.getCorrelationId()).isEqualTo("9b2f-😀");
		assertThat(decoded.isReply()).isTrue();
		assertThat(decoded.isError()).isTrue();
		assertThat(decoded.getHeaders()).containsExactly(entry("tenant", "acme"), entry("ünïcode", "värde ✓"),
				entry("empty", ""));
		assertThat(decoded.getPayload()).isEqualTo(allByteValues());
	}

	@Test
	void roundTripsEachFlagAlone() {
		Envelope reply = roundTrip(Envelope.builder().reply(true).build());
		assertThat(reply.isReply()).isTrue();
		assertThat(reply.isError()).isFalse();
		assertThat(this.codec.encode(reply)[6]).isEqualTo((byte) 0x01);
		Envelope error = roundTrip(Envelope.builder().error(true).build());
		assertThat(error.isReply()).isFalse();
		assertThat(error.isError()).isTrue();
		assertThat(this.codec.encode(error)[6]).isEqualTo((byte) 0x02);
	}

	@Test
	void encodesAnEmptyEnvelopeInNineteenBytes() {
		byte[] bytes = this.codec.encode(Envelope.of(new byte[0]));
		assertThat(bytes).isEqualTo(hex(PREFIX + " 00 00 00 08  00 00  00 00  00 00  00 00"));
		Envelope decoded = this.codec.decode(bytes);
		assertThat(decoded.getContentType()).isNull();
		assertThat(decoded.getTypeId()).isNull();
		assertThat(decoded.getCorrelationId()).isNull();
		assertThat(decoded.isReply()).isFalse();
		assertThat(decoded.isError()).isFalse();
		assertThat(decoded.getHeaders()).isEmpty();
		assertThat(decoded.getPayload()).isEmpty();
	}

	@Test
	void emptyIdsAreAbsent() {
		Envelope envelope = Envelope.builder().contentType("").typeId("").correlationId("").payload(null).build();
		assertThat(envelope).isEqualTo(Envelope.of(new byte[0]));
		assertThat(this.codec.encode(envelope)).isEqualTo(this.codec.encode(Envelope.of(null)));
	}

	@Test
	void headersKeepTheirOrder() {
		Envelope envelope = Envelope.builder().header("z", "1").header("a", "2").header("m", "3").header("a", "4")
			.build();
		assertThat(roundTrip(envelope).getHeaders()).containsExactly(entry("z", "1"), entry("a", "4"),
				entry("m", "3"));
		Envelope reordered = Envelope.builder().header("a", "4").header("z", "1").header("m", "3").build();
		assertThat(reordered).isNotEqualTo(envelope);
		assertThat(this.codec.encode(reordered)).isNotEqualTo(this.codec.encode(envelope));
	}

	@Test
	void decodedPayloadIsACopy() {
		byte[] bytes = this.codec.encode(Envelope.of(new byte[] { 1, 2, 3 }));
		Envelope decoded = this.codec.decode(bytes);
		bytes[bytes.length - 1] = 9;
		assertThat(decoded.getPayload()).containsExactly(1, 2, 3);
	}

	@Test
	void matchesTheWorkedExampleOfTheWireFormatDoc() throws IOException {
		byte[] documented = documentedExample();
		Envelope example = Envelope.builder()
			.contentType("application/json")
			.typeId("Order")
			.correlationId("r-7")
			.header("tenant", "acme")
			.payload("{\"id\":42}".getBytes(StandardCharsets.UTF_8))
			.build();
		assertThat(documented).hasSize(66);
		assertThat(this.codec.encode(example)).isEqualTo(documented);
		assertThat(this.codec.decode(documented)).isEqualTo(example);
	}

	@Test
	void encodesAndChecksTheHello() {
		byte[] hello = this.codec.encodeHello();
		assertThat(hello).isEqualTo(hex("89 41 49 50 01 02 00"));
		this.codec.decodeHello(hello);
		assertThat(EnvelopeCodec.startsWithMagic(hello)).isTrue();
		assertThat(EnvelopeCodec.startsWithMagic(this.codec.encode(Envelope.of(null)))).isTrue();
		assertThat(EnvelopeCodec.startsWithMagic("{\"id\":42}".getBytes(StandardCharsets.UTF_8))).isFalse();
		assertThat(EnvelopeCodec.startsWithMagic(hex("89 41 49"))).isFalse();
	}

	@Test
	void stringFieldsAtTheirLimitsPassAndOneByteAboveAreRefused() {
		assertFieldLimit("content type", EnvelopeCodec.MAX_CONTENT_TYPE_LENGTH,
				(builder, value) -> builder.contentType(value));
		assertFieldLimit("type id", EnvelopeCodec.MAX_TYPE_ID_LENGTH, (builder, value) -> builder.typeId(value));
		assertFieldLimit("correlation id", EnvelopeCodec.MAX_CORRELATION_ID_LENGTH,
				(builder, value) -> builder.correlationId(value));
		assertFieldLimit("header key", EnvelopeCodec.MAX_HEADER_KEY_LENGTH, (builder, value) -> builder.header(value, "v"));
	}

	@Test
	void limitsCountUtf8BytesNotCharacters() {
		String euros = "€".repeat(85);
		assertThat(roundTrip(Envelope.builder().contentType(euros).build()).getContentType()).isEqualTo(euros);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.codec.encode(Envelope.builder().contentType(euros + "€").build()))
			.withMessage("the content type of an envelope takes 258 bytes of UTF-8, more than the limit of 255 bytes");
	}

	@Test
	void headerValueOfTheLargestLengthPassesAndOneMoreIsRefused() {
		EnvelopeCodec wide = new EnvelopeCodec(1 << 20);
		String largest = "v".repeat(EnvelopeCodec.MAX_HEADER_VALUE_LENGTH);
		assertThat(wide.decode(wide.encode(Envelope.builder().header("k", largest).build())).getHeaders())
			.containsEntry("k", largest);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> wide.encode(Envelope.builder().header("k", largest + "v").build()))
			.withMessage("the value of header 'k' of an envelope takes 65536 bytes of UTF-8, more than the limit of "
					+ "65535 bytes");
	}

	@Test
	void headerSectionAtTheMaximumPassesAndOneByteAboveIsRefused() {
		EnvelopeCodec small = new EnvelopeCodec(100);
		// 8 bytes of lengths and count, then one header of 4 + 1 + 87 bytes: 100 in all.
		Envelope atLimit = Envelope.builder().header("k", "v".repeat(87)).build();
		Envelope aboveLimit = Envelope.builder().header("k", "v".repeat(88)).build();
		assertThat(small.decode(small.encode(atLimit))).isEqualTo(atLimit);
		assertThatIllegalArgumentException().isThrownBy(() -> small.encode(aboveLimit))
			.withMessage("the headers of this envelope take 101 bytes, more than the maximum header size of 100 "
					+ "bytes; send fewer or shorter headers, or raise the maximum on both sides");
		byte[] encodedAbove = new EnvelopeCodec(101).encode(aboveLimit);
		assertRefused(small, encodedAbove, 7, "envelope header section of 101 bytes (length at offset 7) is larger "
				+ "than the maximum of 100 bytes; raise the maximum header size, or have the peer send fewer or "
				+ "shorter headers");
	}

	@Test
	void refusesAHeaderSectionLengthOfFourGibibytes() {
		assertRefused(hex(PREFIX + " ff ff ff ff"), 7, "envelope header section of 4294967295 bytes (length at "
				+ "offset 7) is larger than the maximum of 65536 bytes");
	}

	@Test
	void refusesAMaximumHeaderSizeBelowTheSmallestEnvelope() {
		assertThat(new EnvelopeCodec(EnvelopeCodec.MIN_HEADER_SIZE).getMaxHeaderSize()).isEqualTo(8);
		assertThatIllegalArgumentException().isThrownBy(() -> new EnvelopeCodec(7))
			.withMessage("the maximum header size of an envelope must be at least 8 bytes (an envelope with no ids "
					+ "and no headers), got 7");
	}

	@Test
	void refusesARawPayload() {
		assertRefused("{\"id\":42}".getBytes(StandardCharsets.UTF_8), 0,
				"not an envelope: a message of 9 bytes starts with 7b 22 69 64 where the magic 89 41 49 50 was "
						+ "expected (first difference at offset 0); if the peer sends raw messages, the pipe's format "
						+ "must be raw on this side");
		assertRefused(hex("89 41 00"), 2, "not an envelope: a message of 3 bytes starts with 89 41 00");
	}

	@Test
	void refusesEveryTruncationOfAnEnvelope() throws IOException {
		byte[] whole = documentedExample();
		for (int length = 0; length < whole.length - 9; length++) {
			byte[] cut = Arrays.copyOf(whole, length);
			assertThatExceptionOfType(EnvelopeFormatException.class).as("cut to %d bytes", length)
				.isThrownBy(() -> this.codec.decode(cut))
				.satisfies((ex) -> assertThat(ex.getOffset()).isBetween(0, cut.length));
		}
		// Cut inside the payload, what remains is a shorter payload.
		assertThat(this.codec.decode(Arrays.copyOf(whole, whole.length - 9)).getPayload()).isEmpty();
	}

	@Test
	void namesWhereATruncatedEnvelopeEnds() {
		assertRefused(new byte[0], 0, "envelope truncated: the message ends at offset 0, inside the magic (4 bytes) "
				+ "at offset 0");
		assertRefused(hex("89 41 49 50 01"), 5, "envelope truncated: the message ends at offset 5, inside the kind "
				+ "(1 byte) at offset 5");
		assertRefused(hex(PREFIX + " 00 00"), 9, "envelope truncated: the message ends at offset 9, inside the "
				+ "header section length (4 bytes) at offset 7");
		assertRefused(hex(PREFIX + " 00 00 00 2e 00 10"), 7, "envelope header section of 46 bytes (length at "
				+ "offset 7) runs past the end of the message at offset 13: only 2 bytes follow offset 11");
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 2, 255 })
	void refusesAnotherVersion(int version) {
		byte[] message = this.codec.encode(Envelope.of(null));
		message[4] = (byte) version;
		assertRefused(message, 4, "envelope version " + version + " at offset 4 is not supported: this side speaks "
				+ "version 1; upgrade AsyncIPC on this side, or have the peer send version 1");
		byte[] hello = this.codec.encodeHello();
		hello[4] = (byte) version;
		assertHelloRefused(hello, 4, "envelope version " + version + " at offset 4 is not supported");
	}

	@Test
	void refusesAnUnknownKindAndAHelloWhereAMessageBelongsAndTheOtherWayRound() {
		assertRefused(hex("89 41 49 50 01 03 00 00 00 00 08 00 00 00 00 00 00 00 00"), 5,
				"envelope kind 3 (unknown) at offset 5 where a message (1) was expected");
		assertRefused(this.codec.encodeHello(), 5, "envelope kind 2 (a hello) at offset 5 where a message (1) was "
				+ "expected");
		assertHelloRefused(this.codec.encode(Envelope.of(null)), 5,
				"envelope kind 1 (a message) at offset 5 where a hello (2) was expected");
	}

	@ParameterizedTest
	@ValueSource(ints = { 0x04, 0x08, 0x10, 0x20, 0x40, 0x80 })
	void refusesReservedFlagBits(int bit) {
		byte[] message = this.codec.encode(Envelope.builder().reply(true).build());
		message[6] |= (byte) bit;
		assertRefused(message, 6, String.format("reserved envelope flag bits 0x%02x are set in the flags 0x%02x at "
				+ "offset 6; version 1 knows only reply (0x01) and error (0x02), and a peer that uses more must send "
				+ "a later version", bit, bit | 1));
		byte[] hello = this.codec.encodeHello();
		hello[6] = (byte) bit;
		assertHelloRefused(hello, 6, String.format("reserved hello flag bits 0x%02x are set at offset 6", bit));
	}

	@Test
	void encodesAndDecodesAHelloWithParametersAsDocumented() {
		Map<String, String> parameters = new LinkedHashMap<>();
		parameters.put(EnvelopeCodec.CONNECTION_ID_PARAMETER, "9c1e-3");
		parameters.put(EnvelopeCodec.MAX_MESSAGE_SIZE_PARAMETER, "1024");
		// docs/wire-format.md, "The hello": the server's answer of its example, byte for byte.
		byte[] documented = hex("89 41 49 50 01 02 01 00 02 00 0d 63 6f 6e 6e 65 63 74 69 6f 6e 2d 69 64 00 06 39 63 31 "
				+ "65 2d 33 00 10 6d 61 78 2d 6d 65 73 73 61 67 65 2d 73 69 7a 65 00 04 31 30 32 34");
		assertThat(this.codec.encodeHello(parameters)).isEqualTo(documented);
		assertThat(this.codec.decodeHello(documented)).containsExactlyEntriesOf(parameters);
		assertThat(this.codec.decodeHello(this.codec.encodeHello())).isEmpty();
		assertThat(this.codec.encodeHello(Map.of())).isEqualTo(this.codec.encodeHello());
	}

	@Test
	void readsAHelloParameterItDoesNotKnowSoThatALaterPeerMayAddOne() {
		byte[] hello = this.codec.encodeHello(Map.of("compression", "zstd"));
		assertThat(this.codec.decodeHello(hello)).containsExactly(Map.entry("compression", "zstd"));
	}

	@Test
	void refusesMalformedHelloParameters() {
		assertHelloRefused(hex("89 41 49 50 01 02 01"), 7, "envelope truncated: the message ends at offset 7, inside "
				+ "the hello parameter count (2 bytes) at offset 7");
		assertHelloRefused(hex("89 41 49 50 01 02 01 00 00"), 6,
				"hello at offset 6 has the parameters flag and no parameters");
		assertHelloRefused(hex("89 41 49 50 01 02 01 00 02 00 01 61 00 00"), 7,
				"envelope hello parameter count 2 at offset 7 does not fit in the hello: 2 hello parameters take at "
						+ "least 10 bytes, and only 5 remain");
		assertHelloRefused(hex("89 41 49 50 01 02 01 00 01 00 00 00 01 61"), 9,
				"envelope hello parameter key at offset 9 is empty");
		assertHelloRefused(hex("89 41 49 50 01 02 01 00 02 00 01 61 00 00 00 01 61 00 00"), 14,
				"envelope hello parameter 'a' at offset 14 appears twice");
		assertHelloRefused(hex("89 41 49 50 01 02 01 00 01 00 01 61 00 00 ff"), 14,
				"hello of 15 bytes has 1 byte unused after its last parameter, at offset 14");
		assertHelloRefused(hex("89 41 49 50 01 02 01 00 01 00 01 61 00 02 c3 28"), 14,
				"envelope value of hello parameter 'a' at offset 14 is not valid UTF-8");
		EnvelopeCodec small = new EnvelopeCodec(16);
		byte[] large = this.codec.encodeHello(Map.of("k", "x".repeat(20)));
		assertFormatError(() -> small.decodeHello(large), 7,
				"hello parameters of 27 bytes from offset 7 are more than the maximum header size of 16 bytes");
		assertThatIllegalArgumentException().isThrownBy(() -> small.encodeHello(Map.of("k", "x".repeat(20))))
			.withMessageContaining("more than the maximum header size of 16 bytes");
		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.encodeHello(Map.of("", "x")))
			.withMessage("a hello parameter key is empty");
	}

	@Test
	void refusesAHelloWithMoreBytes() {
		assertHelloRefused(hex("89 41 49 50 01 02 00 00"), 7, "hello of 8 bytes has 1 byte more than expected, "
				+ "from offset 7; a hello of version 1 without the parameters flag is exactly 7 bytes");
		assertHelloRefused(hex("89 41 49 50 01 02"), 6, "envelope truncated: the message ends at offset 6, inside "
				+ "the hello flags (1 byte) at offset 6");
	}

	@Test
	void refusesMalformedUtf8() {
		// c3 28: a lead byte without its continuation.
		assertRefused(hex(PREFIX + " 00 00 00 0a  00 02 c3 28  00 00  00 00  00 00"), 13,
				"envelope content type at offset 13 is not valid UTF-8: malformed input c3 at offset 13");
		// c0 af: an overlong '/'.
		assertRefused(hex(PREFIX + " 00 00 00 0b  00 00  00 03 41 c0 af  00 00  00 00"), 16,
				"envelope type id at offset 15 is not valid UTF-8: malformed input c0 at offset 16");
		// ed a0 80: the surrogate U+D800, which UTF-8 may not carry.
		assertRefused(hex(PREFIX + " 00 00 00 0b  00 00  00 00  00 03 ed a0 80  00 00"), 17,
				"envelope correlation id at offset 17 is not valid UTF-8: malformed input ed a0 80 at offset 17");
		// e2 82: the start of '€', cut by the end of the field.
		assertRefused(hex(PREFIX + " 00 00 00 0f  00 00  00 00  00 00  00 01  00 01 6b  00 02 e2 82"), 24,
				"envelope value of header 'k' at offset 24 is not valid UTF-8: malformed input e2 82 at offset 24");
	}

	@Test
	void refusesAnEmptyHeaderKey() {
		// A key of no bytes and a value of one: as long as the smallest header, so the count fits.
		assertRefused(hex(PREFIX + " 00 00 00 0d  00 00  00 00  00 00  00 01  00 00  00 01 61"), 19,
				"envelope header key at offset 19 is empty");
	}

	@Test
	void refusesARepeatedHeaderKey() {
		assertRefused(hex(PREFIX + " 00 00 00 12  00 00  00 00  00 00  00 02  00 01 61 00 00  00 01 61 00 00"), 24,
				"envelope header 'a' at offset 24 appears twice; a key may appear once");
	}

	@Test
	void refusesUnusedBytesInTheHeaderSection() {
		assertRefused(hex(PREFIX + " 00 00 00 09  00 00  00 00  00 00  00 00  ff  01 02"), 19,
				"envelope header section from offset 11 to 20 has 1 byte unused after its last header, at offset 19; "
						+ "its length must be exactly that of its fields");
	}

	@Test
	void refusesAHeaderSectionShorterThanItsFixedFields() {
		assertRefused(hex(PREFIX + " 00 00 00 07  00 00  00 00  00 00  00"), 7, "envelope header section of 7 bytes "
				+ "(length at offset 7) is shorter than the minimum of 8 bytes (three id lengths and a header count)");
	}

	@Test
	void refusesAFieldThatRunsPastTheHeaderSection() {
		// The content type claims 10 bytes; the header section ends 6 bytes after its length.
		assertRefused(hex(PREFIX + " 00 00 00 08  00 0a  00 00  00 00  00 00  61 62 63 64 65 66 67 68 69 6a"), 11,
				"envelope content type of 10 bytes (length at offset 11) runs past the end of the header section at "
						+ "offset 19: only 6 bytes remain");
		// The ids take the whole section, so the header count would be read from the payload.
		assertRefused(hex(PREFIX + " 00 00 00 08  00 02 61 62  00 00  00 00  00 00"), 19,
				"envelope header section ends at offset 19, inside the header count (2 bytes) at offset 19");
	}

	@Test
	void refusesAHeaderCountThatCannotFitBeforeSizingAnything() {
		assertRefused(hex(PREFIX + " 00 00 00 0d  00 00  00 00  00 00  ff ff  00 01 61 00 00"), 17,
				"envelope header count 65535 at offset 17 does not fit in the header section: 65535 headers take at "
						+ "least 327675 bytes, and only 5 remain before its end at offset 24");
	}

	@Test
	void refusesToEncodeWhatUtf8CannotCarry() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.codec.encode(Envelope.builder().typeId("Order\uD800").build()))
			.withMessage("the type id of an envelope is not valid Unicode: it holds an unpaired surrogate, which UTF-8 "
					+ "cannot carry");
	}

	@ParameterizedTest
	@ValueSource(strings = { "Order", "\u007f\u0080", "\u07ff\u0800", "\uffff", "\ud800\udc00",
			"\udbff\udfff", "a\u00e9\u20ac\ud83d\ude00z", "\ud83d\ude00\ud83d\ude00" })
	void encodesStringsAsTheJdkDoesAtEveryUtf8Width(String typeId) {
		byte[] expected = typeId.getBytes(StandardCharsets.UTF_8);
		byte[] bytes = this.codec.encode(Envelope.builder().typeId(typeId).build());
		// Offset 13: the type id's length, after the prefix and an empty content type.
		assertThat((((bytes[13] & 0xFF) << 8) | (bytes[14] & 0xFF))).isEqualTo(expected.length);
		assertThat(Arrays.copyOfRange(bytes, 15, 15 + expected.length)).isEqualTo(expected);
		assertThat(this.codec.decode(bytes).getTypeId()).isEqualTo(typeId);
	}

	@ParameterizedTest
	@ValueSource(strings = { "\udc00", "a\ud800", "\ud800a", "\udc00\ud800", "\ud800\ud800\udc00" })
	void refusesToEncodeAnUnpairedSurrogateWhereverItIs(String value) {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.codec.encode(Envelope.builder().header("k", value).build()))
			.withMessage("the value of header 'k' of an envelope is not valid Unicode: it holds an unpaired surrogate, "
					+ "which UTF-8 cannot carry");
	}

	@Test
	void limitsCountFourBytesForASurrogatePair() {
		String faces = "\ud83d\ude00".repeat(63);
		assertThat(roundTrip(Envelope.builder().correlationId(faces).build()).getCorrelationId()).isEqualTo(faces);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.codec.encode(Envelope.builder().correlationId(faces + "\ud83d\ude00").build()))
			.withMessage("the correlation id of an envelope takes 256 bytes of UTF-8, more than the limit of 255 bytes");
	}

	@Test
	void readsEachMessagesOwnContentTypeAndTypeIdWhenTheyRepeatOrChange() {
		// Same bytes again, same length but other bytes, other lengths, and back: the codec keeps the last of each.
		List<String> typeIds = List.of("Order", "Order", "Ordes", "com.example.Invoice", "Order", "\u20acuro", "Order");
		for (String typeId : typeIds) {
			Envelope envelope = Envelope.builder()
				.contentType(typeId.startsWith("Order") ? "application/json" : "text/plain")
				.typeId(typeId)
				.payload(typeId.getBytes(StandardCharsets.UTF_8))
				.build();
			assertThat(this.codec.decode(this.codec.encode(envelope))).isEqualTo(envelope);
		}
	}

	@Test
	void threadsThatShareACodecEachReadTheirOwnTypeId() throws InterruptedException {
		int threads = 4;
		CountDownLatch start = new CountDownLatch(1);
		Queue<String> wrong = new ConcurrentLinkedQueue<>();
		List<Thread> readers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			String typeId = "com.example.Type" + t;
			String contentType = "text/type-" + t;
			byte[] message = this.codec.encode(Envelope.builder().typeId(typeId).contentType(contentType).build());
			Thread reader = new Thread(() -> {
				awaitQuietly(start);
				for (int i = 0; i < 20_000; i++) {
					Envelope decoded = this.codec.decode(message);
					if (!decoded.getTypeId().equals(typeId) || !decoded.getContentType().equals(contentType)) {
						wrong.add(decoded.getTypeId() + " and " + decoded.getContentType() + " for " + typeId);
					}
				}
			});
			reader.start();
			readers.add(reader);
		}
		start.countDown();
		for (Thread reader : readers) {
			reader.join(30_000);
		}
		assertThat(readers).noneMatch(Thread::isAlive);
		assertThat(wrong).isEmpty();
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Test
	void refusesHeadersWithoutAKeyOrAValue() {
		assertThatIllegalArgumentException().isThrownBy(() -> Envelope.builder().header("", "v"))
			.withMessage("an envelope header needs a key that is not empty, got '' (with the value 'v')");
		assertThatIllegalArgumentException().isThrownBy(() -> Envelope.builder().header("k", null))
			.withMessage("envelope header 'k' has the value null; send an empty string, or leave the header out");
	}

	@Test
	void formatErrorsArePipeProtocolErrors() {
		assertThatExceptionOfType(PipeProtocolException.class).isThrownBy(() -> this.codec.decode(new byte[0]))
			.isInstanceOf(EnvelopeFormatException.class);
	}

	private Envelope roundTrip(Envelope envelope) {
		byte[] bytes = this.codec.encode(envelope);
		Envelope decoded = this.codec.decode(bytes);
		assertThat(decoded).isEqualTo(envelope);
		assertThat(this.codec.encode(decoded)).isEqualTo(bytes);
		return decoded;
	}

	private void assertFieldLimit(String field, int limit, FieldSetter setter) {
		Envelope atLimit = setter.set(Envelope.builder(), "x".repeat(limit)).build();
		assertThat(roundTrip(atLimit)).isEqualTo(atLimit);
		Envelope aboveLimit = setter.set(Envelope.builder(), "x".repeat(limit + 1)).build();
		assertThatIllegalArgumentException().as(field).isThrownBy(() -> this.codec.encode(aboveLimit))
			.withMessageContaining(field)
			.withMessageEndingWith("takes " + (limit + 1) + " bytes of UTF-8, more than the limit of " + limit
					+ " bytes");
		// A peer that sends one byte more: the same envelope with the field one byte longer on the wire.
		byte[] onWire = new EnvelopeCodec(1 << 20).encode(setter.set(Envelope.builder(), "x".repeat(limit)).build());
		int lengthAt = indexOfLength(onWire, limit);
		byte[] tampered = insertAfterLength(onWire, lengthAt, limit + 1);
		assertRefused(tampered, lengthAt, "envelope " + field + " of " + (limit + 1) + " bytes (length at offset "
				+ lengthAt + ") is longer than the limit of " + limit + " bytes");
	}

	/** The offset of the first 2-byte length with this value in the header section. */
	private static int indexOfLength(byte[] message, int length) {
		for (int i = EnvelopeCodec.MESSAGE_PREFIX_SIZE; i < message.length - 1; i++) {
			if ((((message[i] & 0xFF) << 8) | (message[i + 1] & 0xFF)) == length) {
				return i;
			}
		}
		throw new AssertionError("no length " + length);
	}

	/** The message with the field at that length one byte longer, and the header section length to match. */
	private static byte[] insertAfterLength(byte[] message, int lengthAt, int newLength) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(message, 0, lengthAt);
		out.write(newLength >> 8);
		out.write(newLength);
		out.write('x');
		out.write(message, lengthAt + 2, message.length - lengthAt - 2);
		byte[] bytes = out.toByteArray();
		bytes[10]++;
		if (bytes[10] == 0) {
			bytes[9]++;
		}
		return bytes;
	}

	private void assertRefused(byte[] message, int offset, String error) {
		assertRefused(this.codec, message, offset, error);
	}

	private static void assertRefused(EnvelopeCodec codec, byte[] message, int offset, String error) {
		assertFormatError(() -> codec.decode(message), offset, error);
	}

	private void assertHelloRefused(byte[] message, int offset, String error) {
		assertFormatError(() -> this.codec.decodeHello(message), offset, error);
	}

	private static void assertFormatError(ThrowingCallable call, int offset, String error) {
		assertThatExceptionOfType(EnvelopeFormatException.class).isThrownBy(call)
			.withMessageStartingWith(error)
			.satisfies((ex) -> assertThat(ex.getOffset()).as("offset").isEqualTo(offset));
	}

	/** The hex block of the worked example in docs/wire-format.md, with its offsets checked on the way. */
	static byte[] documentedExample() throws IOException {
		List<String> lines = Files.readAllLines(Path.of("../docs/wire-format.md"));
		int marker = lines.indexOf("<!-- envelope-example: EnvelopeCodecTests checks this block byte for byte -->");
		assertThat(marker).as("the example's marker in docs/wire-format.md").isNotNegative();
		assertThat(lines.get(marker + 1)).isEqualTo("```text");
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		for (String line : lines.subList(marker + 3, lines.size())) {
			if (line.equals("```")) {
				return bytes.toByteArray();
			}
			String[] columns = line.substring(0, line.indexOf('|')).trim().split("\\s+", 2);
			assertThat(Integer.parseInt(columns[0])).as("offset of '%s'", line).isEqualTo(bytes.size());
			bytes.writeBytes(hex(columns[1]));
		}
		throw new AssertionError("the example in docs/wire-format.md has no end");
	}

	private static byte[] hex(String spaced) {
		return HexFormat.of().parseHex(spaced.replace(" ", ""));
	}

	private static byte[] allByteValues() {
		byte[] bytes = new byte[256];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = (byte) i;
		}
		return bytes;
	}

	private static Map.Entry<String, String> entry(String key, String value) {
		return Map.entry(key, value);
	}

	@FunctionalInterface
	private interface FieldSetter {

		Envelope.Builder set(Envelope.Builder builder, String value);

	}

}
