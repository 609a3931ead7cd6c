package io.asyncipc.transport.unix;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.asyncipc.transport.PipeProtocolException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz tests for {@link FrameDecoder}: a peer controls every byte the decoder sees, and the
 * kernel decides where reads cut them, so the decoder must give the same answer however the
 * same bytes arrive.
 * <p>Run as a normal test, this replays the committed inputs in
 * {@code src/test/resources/io/asyncipc/transport/unix/FrameDecoderFuzzTestsInputs/<method>}
 * (regression mode). {@code .ci/fuzz} runs it with {@code JAZZER_FUZZ=1} to search for new
 * inputs.
 * <p>How the fuzzer's bytes are used (Jazzer's {@link FuzzedDataProvider} takes numbers from the
 * end of its input and the remaining bytes from the start), so that an input can be written by
 * hand: the last 3 bytes are the maximum message size (little-endian, 1 to 1 MiB), the byte
 * before them the kind of read buffer (even: heap, odd: direct), the byte before that the
 * number of cuts {@code n} (0 to 32), then {@code n} bytes of chunk lengths (the first chunk's
 * length nearest the end); everything before is the byte stream. A stream longer than the
 * chunks goes in one last read. A number out of its range wraps around into it.
 */
class FrameDecoderFuzzTests {

	/**
	 * Largest maximum message size the fuzzer picks. Small enough that a frame allocated from its
	 * announced length does not slow the fuzzer down, large enough that such an allocation stands
	 * far above {@link #MEMORY_SLACK}.
	 */
	private static final int MAX_MESSAGE_SIZE_LIMIT = 1 << 20;

	private static final int MAX_CUTS = 32;

	/**
	 * Memory a decoder may hold beyond twice the bytes it received of the frame in progress:
	 * the first array of a body whose bytes have not arrived yet. The committed input
	 * {@code headerOfOneMebibyteThenSilence} guards it.
	 */
	static final int MEMORY_SLACK = 1024;

	private static final HexFormat HEX = HexFormat.of();

	private static ByteBuffer directReadBuffer = ByteBuffer.allocateDirect(0);

	@FuzzTest
	void decodesAnyStreamHoweverItIsCut(FuzzedDataProvider data) {
		int maxMessageSize = data.consumeInt(1, MAX_MESSAGE_SIZE_LIMIT);
		boolean direct = data.consumeInt(0, 1) == 1;
		int[] chunkLengths = new int[data.consumeInt(0, MAX_CUTS)];
		for (int i = 0; i < chunkLengths.length; i++) {
			chunkLengths[i] = data.consumeInt(0, 255);
		}
		byte[] stream = data.consumeRemainingAsBytes();

		Outcome inOneRead = decode(stream, maxMessageSize, new int[0], direct);
		assertIsTheFramingOf(inOneRead, stream, maxMessageSize);
		assertThat(decode(stream, maxMessageSize, chunkLengths, direct))
			.as(() -> "outcome when the stream is cut into reads of " + Arrays.toString(chunkLengths) + " bytes")
			.isEqualTo(inOneRead);
		assertThat(decode(stream, maxMessageSize, oneByteReads(stream.length), direct))
			.as("outcome when the stream arrives one byte per read")
			.isEqualTo(inOneRead);
	}

	/**
	 * Feeds {@code stream} to a new decoder in reads of the given lengths (then the rest in one
	 * read), through one reused read buffer as {@link EventLoop} does, until the decoder refuses
	 * the stream.
	 */
	private static Outcome decode(byte[] stream, int maxMessageSize, int[] chunkLengths, boolean direct) {
		FrameDecoder decoder = new FrameDecoder(maxMessageSize);
		List<byte[]> messages = new ArrayList<>();
		int[] framedLength = new int[1];
		ByteBuffer readBuffer = readBuffer(stream.length, direct);
		int offset = 0;
		int read = 0;
		String error = null;
		while (error == null && (offset < stream.length || read == 0)) {
			int length = (read < chunkLengths.length) ? Math.min(chunkLengths[read], stream.length - offset)
					: stream.length - offset;
			readBuffer.clear();
			readBuffer.put(stream, offset, length).flip();
			offset += length;
			read++;
			try {
				decoder.decode(readBuffer, (message) -> {
					assertThat(message.length).as("length of a message, with a maximum of %s", maxMessageSize)
						.isLessThanOrEqualTo(maxMessageSize);
					messages.add(message);
					framedLength[0] += FrameDecoder.HEADER_SIZE + message.length;
				});
			}
			catch (PipeProtocolException ex) {
				error = ex.getMessage();
				continue;
			}
			catch (RuntimeException ex) {
				throw new AssertionError("only PipeProtocolException may leave the decoder, got " + ex, ex);
			}
			assertThat(readBuffer.hasRemaining()).as("bytes the decoder left in the read buffer").isFalse();
			assertHoldsLittleMoreThanItReceived(decoder, offset - framedLength[0]);
		}
		overwrite(readBuffer);
		return new Outcome(hex(messages), error, (error != null) ? null : decoder.isMidFrame(),
				(error != null) ? null : decoder.describePartialFrame());
	}

	/**
	 * Checks an outcome against the wire format: the messages, framed again, are the start of
	 * the stream; what follows them is a frame that has not finished, or the header that the
	 * decoder refused.
	 */
	private static void assertIsTheFramingOf(Outcome outcome, byte[] stream, int maxMessageSize) {
		List<byte[]> messages = outcome.messages().stream().map(HEX::parseHex).toList();
		ByteBuffer framed = ByteBuffer.allocate(encodedLength(messages));
		for (byte[] message : messages) {
			framed.putInt(message.length).put(message);
		}
		assertThat(framed.position()).as("bytes of the messages, framed again").isLessThanOrEqualTo(stream.length);
		assertThat(HEX.formatHex(stream, 0, framed.position())).as("start of the stream")
			.isEqualTo(HEX.formatHex(framed.array()));
		ByteBuffer rest = ByteBuffer.wrap(stream, framed.position(), stream.length - framed.position());
		int restLength = rest.remaining();
		if (restLength < FrameDecoder.HEADER_SIZE) {
			assertThat(outcome.error()).as("error for a stream ending in %s header bytes", restLength).isNull();
			assertThat(outcome.midFrame()).isEqualTo(restLength > 0);
			assertThat(outcome.partialFrame()).isEqualTo(restLength + " of 4 length bytes");
			return;
		}
		int length = rest.getInt();
		if (length < 0 || length > maxMessageSize) {
			assertThat(outcome.error()).as("error for a header announcing %s bytes", length)
				.isNotNull()
				.contains(Integer.toString(length))
				.contains((length < 0) ? "negative" : "maximum of " + maxMessageSize);
			return;
		}
		assertThat(outcome.error()).as("error after a valid header of %s bytes", length).isNull();
		assertThat(rest.remaining()).as("payload bytes after the last message's header").isLessThan(length);
		assertThat(outcome.midFrame()).isTrue();
		assertThat(outcome.partialFrame()).isEqualTo(rest.remaining() + " of " + length + " payload bytes");
	}

	/**
	 * Asserts that the decoder holds not much more memory than the bytes it has received of the
	 * frame in progress, so that a header announcing a large frame, then silence, costs a peer
	 * as much as it costs the server.
	 * @param decoder the decoder after a read
	 * @param receivedOfPartialFrame bytes received since the last whole message, header included
	 */
	static void assertHoldsLittleMoreThanItReceived(FrameDecoder decoder, long receivedOfPartialFrame) {
		assertThat(bytesHeldBy(decoder))
			.as("bytes held by the decoder after receiving %s bytes of a frame", receivedOfPartialFrame)
			.isLessThanOrEqualTo(2 * receivedOfPartialFrame + MEMORY_SLACK);
	}

	/**
	 * Counts the array and buffer bytes reachable from the decoder's own fields, following
	 * objects of this project's classes (a growable body, say) but not shared JDK objects.
	 */
	static long bytesHeldBy(Object decoder) {
		return bytesHeldBy(decoder, new IdentityHashMap<>());
	}

	private static long bytesHeldBy(Object object, Map<Object, Boolean> seen) {
		if (object == null || seen.put(object, Boolean.TRUE) != null) {
			return 0;
		}
		Class<?> type = object.getClass();
		if (type.isArray()) {
			if (type.getComponentType().isPrimitive()) {
				return (long) Array.getLength(object) * primitiveSize(type.getComponentType());
			}
			long total = 0;
			for (int i = 0; i < Array.getLength(object); i++) {
				total += bytesHeldBy(Array.get(object, i), seen);
			}
			return total;
		}
		if (object instanceof ByteBuffer buffer) {
			return buffer.capacity();
		}
		if (!type.getName().startsWith("io.asyncipc.")) {
			return 0;
		}
		long total = 0;
		for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
			for (Field field : c.getDeclaredFields()) {
				if (!Modifier.isStatic(field.getModifiers()) && !field.getType().isPrimitive()) {
					field.setAccessible(true);
					try {
						total += bytesHeldBy(field.get(object), seen);
					}
					catch (IllegalAccessException ex) {
						throw new IllegalStateException("cannot read " + field, ex);
					}
				}
			}
		}
		return total;
	}

	private static int primitiveSize(Class<?> type) {
		if (type == byte.class || type == boolean.class) {
			return 1;
		}
		if (type == char.class || type == short.class) {
			return 2;
		}
		return (type == long.class || type == double.class) ? 8 : 4;
	}

	private static ByteBuffer readBuffer(int capacity, boolean direct) {
		if (!direct) {
			return ByteBuffer.allocate(capacity);
		}
		if (directReadBuffer.capacity() < capacity) {
			directReadBuffer = ByteBuffer.allocateDirect(Math.max(capacity, 2 * directReadBuffer.capacity()));
		}
		return directReadBuffer;
	}

	/**
	 * Fills the read buffer with other bytes, as the next read would: a message that still
	 * points into it no longer matches the stream.
	 */
	private static void overwrite(ByteBuffer readBuffer) {
		readBuffer.clear();
		while (readBuffer.hasRemaining()) {
			readBuffer.put((byte) 0xA5);
		}
	}

	private static int[] oneByteReads(int count) {
		int[] lengths = new int[count];
		Arrays.fill(lengths, 1);
		return lengths;
	}

	private static int encodedLength(List<byte[]> messages) {
		int total = 0;
		for (byte[] message : messages) {
			total += FrameDecoder.HEADER_SIZE + message.length;
		}
		return total;
	}

	private static List<String> hex(List<byte[]> messages) {
		List<String> hex = new ArrayList<>(messages.size());
		for (byte[] message : messages) {
			hex.add(HEX.formatHex(message));
		}
		return hex;
	}

	/**
	 * What a decoder made of a whole stream.
	 * @param messages each message, in hex
	 * @param error the message of the {@link PipeProtocolException} that stopped it, or {@code null}
	 * @param midFrame whether it stopped inside a frame, or {@code null} after an error
	 * @param partialFrame its description of that frame, or {@code null} after an error
	 */
	record Outcome(List<String> messages, String error, Boolean midFrame, String partialFrame) {
	}

}
