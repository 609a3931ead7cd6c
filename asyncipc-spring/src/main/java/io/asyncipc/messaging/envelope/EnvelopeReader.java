package io.asyncipc.messaging.envelope;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads one envelope or hello from the bytes of one transport message, field by field, with the
 * offset of the next byte. Every length is checked against the limits and against what remains
 * before anything is allocated from it. One reader per message.
 */
final class EnvelopeReader {

	/** The fewest bytes of one user header: two lengths and a key of one byte. */
	private static final int MIN_HEADER_ENTRY_SIZE = 5;

	private final byte[] message;

	private final int maxHeaderSize;

	private final RecentStrings contentTypes;

	private final RecentStrings typeIds;

	private int offset;

	EnvelopeReader(byte[] message, int maxHeaderSize) {
		this(message, maxHeaderSize, null, null);
	}

	/**
	 * Creates a reader that takes the content type and the type id from the last ones its
	 * codec decoded, where the bytes are the same.
	 */
	EnvelopeReader(byte[] message, int maxHeaderSize, RecentStrings contentTypes, RecentStrings typeIds) {
		this.message = message;
		this.maxHeaderSize = maxHeaderSize;
		this.contentTypes = contentTypes;
		this.typeIds = typeIds;
	}

	Envelope readEnvelope() {
		readPrefix(EnvelopeCodec.KIND_MESSAGE);
		int flagsAt = this.offset;
		int flags = readUnsignedByte("flags", this.message.length);
		int known = EnvelopeCodec.FLAG_REPLY | EnvelopeCodec.FLAG_ERROR;
		if ((flags & ~known) != 0) {
			throw new EnvelopeFormatException(String.format("reserved envelope flag bits 0x%02x are set in the flags "
					+ "0x%02x at offset %d; version %d knows only reply (0x01) and error (0x02), and a peer that uses "
					+ "more must send a later version", flags & ~known, flags, flagsAt, EnvelopeCodec.VERSION), flagsAt);
		}
		int lengthAt = this.offset;
		long headerSize = readUnsignedInt("header section length");
		if (headerSize > this.maxHeaderSize) {
			throw new EnvelopeFormatException("envelope header section of " + headerSize + " bytes (length at offset "
					+ lengthAt + ") is larger than the maximum of " + this.maxHeaderSize
					+ " bytes; raise the maximum header size, or have the peer send fewer or shorter headers", lengthAt);
		}
		if (headerSize > this.message.length - this.offset) {
			throw new EnvelopeFormatException("envelope header section of " + headerSize + " bytes (length at offset "
					+ lengthAt + ") runs past the end of the message at offset " + this.message.length + ": only "
					+ (this.message.length - this.offset) + " bytes follow offset " + this.offset, lengthAt);
		}
		int headerStart = this.offset;
		int headerEnd = headerStart + (int) headerSize;
		if (headerSize < EnvelopeCodec.MIN_HEADER_SIZE) {
			throw new EnvelopeFormatException("envelope header section of " + headerSize + " bytes (length at offset "
					+ lengthAt + ") is shorter than the minimum of " + EnvelopeCodec.MIN_HEADER_SIZE
					+ " bytes (three id lengths and a header count)", lengthAt);
		}
		Envelope.Builder builder = Envelope.builder().reply((flags & EnvelopeCodec.FLAG_REPLY) != 0)
			.error((flags & EnvelopeCodec.FLAG_ERROR) != 0);
		builder.contentType(readString("content type", null, EnvelopeCodec.MAX_CONTENT_TYPE_LENGTH, headerEnd,
				this.contentTypes));
		builder.typeId(readString("type id", null, EnvelopeCodec.MAX_TYPE_ID_LENGTH, headerEnd, this.typeIds));
		builder.correlationId(
				readString("correlation id", null, EnvelopeCodec.MAX_CORRELATION_ID_LENGTH, headerEnd, null));
		readHeaders(builder, headerEnd);
		if (this.offset != headerEnd) {
			throw new EnvelopeFormatException("envelope header section from offset " + headerStart + " to "
					+ headerEnd + " has " + bytes(headerEnd - this.offset) + " unused after its last header, at offset "
					+ this.offset + "; its length must be exactly that of its fields", this.offset);
		}
		return builder.payload(Arrays.copyOfRange(this.message, headerEnd, this.message.length)).build();
	}

	Map<String, String> readHello() {
		readPrefix(EnvelopeCodec.KIND_HELLO);
		int flagsAt = this.offset;
		int flags = readUnsignedByte("hello flags", this.message.length);
		int reserved = flags & ~EnvelopeCodec.HELLO_FLAG_PARAMETERS;
		if (reserved != 0) {
			throw new EnvelopeFormatException(String.format("reserved hello flag bits 0x%02x are set at offset %d; "
					+ "version %d knows only the parameters flag (0x01), and a peer that uses more must send a "
					+ "later version", reserved, flagsAt, EnvelopeCodec.VERSION), flagsAt);
		}
		if ((flags & EnvelopeCodec.HELLO_FLAG_PARAMETERS) == 0) {
			if (this.offset != this.message.length) {
				throw new EnvelopeFormatException("hello of " + this.message.length + " bytes has "
						+ bytes(this.message.length - this.offset) + " more than expected, from offset " + this.offset
						+ "; a hello of version " + EnvelopeCodec.VERSION + " without the parameters flag is exactly "
						+ EnvelopeCodec.HELLO_SIZE + " bytes", this.offset);
			}
			return Map.of();
		}
		if (this.message.length - this.offset > this.maxHeaderSize) {
			throw new EnvelopeFormatException("hello parameters of " + (this.message.length - this.offset)
					+ " bytes from offset " + this.offset + " are more than the maximum header size of "
					+ this.maxHeaderSize + " bytes", this.offset);
		}
		Map<String, String> parameters = readEntries("hello parameter", this.message.length);
		if (parameters.isEmpty()) {
			throw new EnvelopeFormatException("hello at offset " + flagsAt + " has the parameters flag and no "
					+ "parameters; a hello without parameters has flags 0", flagsAt);
		}
		if (this.offset != this.message.length) {
			throw new EnvelopeFormatException("hello of " + this.message.length + " bytes has "
					+ bytes(this.message.length - this.offset) + " unused after its last parameter, at offset "
					+ this.offset, this.offset);
		}
		return parameters;
	}

	private void readPrefix(int expectedKind) {
		int compared = Math.min(EnvelopeCodec.MAGIC.length, this.message.length);
		for (int i = 0; i < compared; i++) {
			if (this.message[i] != EnvelopeCodec.MAGIC[i]) {
				throw new EnvelopeFormatException("not an envelope: a message of " + this.message.length
						+ " bytes starts with " + hex(0, compared) + " where the magic " + hex(EnvelopeCodec.MAGIC)
						+ " was expected (first difference at offset " + i + "); if the peer sends raw messages, "
						+ "the pipe's format must be raw on this side", i);
			}
		}
		if (compared < EnvelopeCodec.MAGIC.length) {
			throw truncated("the magic", 0, EnvelopeCodec.MAGIC.length);
		}
		this.offset = EnvelopeCodec.MAGIC.length;
		int versionAt = this.offset;
		int version = readUnsignedByte("version", this.message.length);
		if (version != EnvelopeCodec.VERSION) {
			throw new EnvelopeFormatException("envelope version " + version + " at offset " + versionAt
					+ " is not supported: this side speaks version " + EnvelopeCodec.VERSION
					+ "; upgrade AsyncIPC on this side, or have the peer send version " + EnvelopeCodec.VERSION,
					versionAt);
		}
		int kindAt = this.offset;
		int kind = readUnsignedByte("kind", this.message.length);
		if (kind != expectedKind) {
			throw new EnvelopeFormatException("envelope kind " + kind + " (" + kindName(kind) + ") at offset " + kindAt
					+ " where " + kindName(expectedKind) + " (" + expectedKind + ") was expected", kindAt);
		}
	}

	private void readHeaders(Envelope.Builder builder, int headerEnd) {
		Map<String, String> headers = readEntries("header", headerEnd);
		if (!headers.isEmpty()) {
			builder.headers(headers);
		}
	}

	/**
	 * Reads a 2-byte count and that many keys and values: an envelope's headers, or a hello's
	 * parameters, which are laid out alike.
	 * @param what what an entry is called in an error
	 */
	private Map<String, String> readEntries(String what, int end) {
		int countAt = this.offset;
		int count = readUnsignedShort(what + " count", end);
		if (count == 0) {
			return Map.of();
		}
		// Checked before the map is sized from it: each entry takes at least five bytes.
		if ((long) count * MIN_HEADER_ENTRY_SIZE > end - this.offset) {
			throw new EnvelopeFormatException("envelope " + what + " count " + count + " at offset " + countAt
					+ " does not fit in the " + section(what) + ": " + count + " " + what
					+ ((count == 1) ? " takes" : "s take") + " at least " + (long) count * MIN_HEADER_ENTRY_SIZE + " bytes, and only " + (end - this.offset)
					+ " remain before its end at offset " + end, countAt);
		}
		Map<String, String> entries = new LinkedHashMap<>(count * 2);
		for (int i = 0; i < count; i++) {
			int keyAt = this.offset;
			String key = readString(what + " key", null, EnvelopeCodec.MAX_HEADER_KEY_LENGTH, end, null);
			if (key == null) {
				throw new EnvelopeFormatException("envelope " + what + " key at offset " + keyAt + " is empty", keyAt);
			}
			String value = readString("value of " + what, key, EnvelopeCodec.MAX_HEADER_VALUE_LENGTH, end, null);
			if (entries.putIfAbsent(key, (value != null) ? value : "") != null) {
				throw new EnvelopeFormatException("envelope " + what + " '" + key + "' at offset " + keyAt
						+ " appears twice; a key may appear once", keyAt);
			}
		}
		return entries;
	}

	private static String section(String what) {
		return "header".equals(what) ? "header section" : "hello";
	}

	/**
	 * Reads a 2-byte length and that many bytes of UTF-8; {@code null} for a length of zero. The
	 * field's name, with the key of the header it belongs to if any, is put together only for
	 * an error, since this runs for every field of every message.
	 * @param recent the last string of this field, taken again where its bytes are the same, or
	 * {@code null}
	 */
	private String readString(String field, String key, int limit, int end, RecentStrings recent) {
		int lengthAt = this.offset;
		if (end - this.offset < 2) {
			need(name(field, key) + " length", 2, end);
		}
		int length = ((this.message[this.offset] & 0xFF) << 8) | (this.message[this.offset + 1] & 0xFF);
		this.offset += 2;
		if (length > limit) {
			throw new EnvelopeFormatException("envelope " + name(field, key) + " of " + length
					+ " bytes (length at offset " + lengthAt + ") is longer than the limit of " + limit + " bytes",
					lengthAt);
		}
		if (length > end - this.offset) {
			throw new EnvelopeFormatException("envelope " + name(field, key) + " of " + length
					+ " bytes (length at offset " + lengthAt + ") runs past the end of the header section at offset "
					+ end + ": only " + (end - this.offset) + " bytes remain", lengthAt);
		}
		int start = this.offset;
		this.offset += length;
		if (length == 0) {
			return null;
		}
		if (recent == null) {
			return utf8(field, key, start, length);
		}
		String value = recent.get(this.message, start, length);
		if (value == null) {
			value = utf8(field, key, start, length);
			recent.put(this.message, start, length, value);
		}
		return value;
	}

	private static String name(String field, String key) {
		return (key != null) ? field + " '" + key + "'" : field;
	}

	private String utf8(String field, String key, int start, int length) {
		int end = start + length;
		int i = start;
		while (i < end && this.message[i] >= 0) {
			i++;
		}
		if (i == end) {
			return new String(this.message, start, length, StandardCharsets.US_ASCII);
		}
		// new String(bytes, UTF_8) would replace bad bytes, and then the envelope would not encode to what came.
		CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
		ByteBuffer in = ByteBuffer.wrap(this.message, start, length);
		CharBuffer out = CharBuffer.allocate(length);
		CoderResult result = decoder.decode(in, out, true);
		if (!result.isError()) {
			result = decoder.flush(out);
		}
		if (result.isError()) {
			int bad = in.position();
			throw new EnvelopeFormatException("envelope " + name(field, key) + " at offset " + start
					+ " is not valid UTF-8: "
					+ "malformed input " + hex(bad, Math.min(end, bad + Math.max(result.length(), 1))) + " at offset " + bad,
					bad);
		}
		return out.flip().toString();
	}

	private int readUnsignedByte(String field, int end) {
		need(field, 1, end);
		return this.message[this.offset++] & 0xFF;
	}

	private int readUnsignedShort(String field, int end) {
		need(field, 2, end);
		int value = ((this.message[this.offset] & 0xFF) << 8) | (this.message[this.offset + 1] & 0xFF);
		this.offset += 2;
		return value;
	}

	private long readUnsignedInt(String field) {
		need(field, 4, this.message.length);
		long value = 0;
		for (int i = 0; i < 4; i++) {
			value = (value << 8) | (this.message[this.offset++] & 0xFF);
		}
		return value;
	}

	private void need(String field, int width, int end) {
		if (end - this.offset < width) {
			if (end == this.message.length) {
				throw truncated("the " + field, this.offset, width);
			}
			throw new EnvelopeFormatException("envelope header section ends at offset " + end + ", inside the "
					+ field + " (" + bytes(width) + ") at offset " + this.offset, this.offset);
		}
	}

	private EnvelopeFormatException truncated(String field, int at, int width) {
		return new EnvelopeFormatException("envelope truncated: the message ends at offset " + this.message.length
				+ ", inside " + field + " (" + bytes(width) + ") at offset " + at, this.message.length);
	}

	private static String bytes(long count) {
		return count + ((count == 1) ? " byte" : " bytes");
	}

	private String hex(int from, int to) {
		return hex(Arrays.copyOfRange(this.message, from, to));
	}

	private static String hex(byte[] bytes) {
		return HexFormat.ofDelimiter(" ").formatHex(bytes);
	}

	private static String kindName(int kind) {
		return switch (kind) {
			case EnvelopeCodec.KIND_MESSAGE -> "a message";
			case EnvelopeCodec.KIND_HELLO -> "a hello";
			default -> "unknown";
		};
	}

}
