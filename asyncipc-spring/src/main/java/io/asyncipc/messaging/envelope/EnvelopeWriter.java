package io.asyncipc.messaging.envelope;

import java.util.Map;

/**
 * Writes one envelope: sizes every field first, checks the limits, then fills one array of
 * exactly the right size. Strings are encoded to UTF-8 straight into that array, so that an
 * envelope allocates that array and nothing else: with 64-byte messages, a
 * {@code CharsetEncoder} and its buffers for the content type and type id of each message were
 * most of what the envelope cost the sender ({@code EnvelopeBenchmarks}). The content type and
 * the type id, which repeat from envelope to envelope, are copied from their codec's
 * {@link RecentEncodings} when they are the ones encoded last: checking and encoding them char
 * by char was 14 % of a sending thread ({@code ComparisonOneWayBenchmarks}). One writer per
 * envelope.
 */
final class EnvelopeWriter {

	private static final int[] NO_LENGTHS = new int[0];

	private final int maxHeaderSize;

	private final RecentEncodings contentTypes;

	private final RecentEncodings typeIds;

	EnvelopeWriter(int maxHeaderSize) {
		this(maxHeaderSize, new RecentEncodings(), new RecentEncodings());
	}

	/**
	 * Creates a writer that takes the content type and the type id from, and leaves them in,
	 * its codec's recent encodings.
	 */
	EnvelopeWriter(int maxHeaderSize, RecentEncodings contentTypes, RecentEncodings typeIds) {
		this.maxHeaderSize = maxHeaderSize;
		this.contentTypes = contentTypes;
		this.typeIds = typeIds;
	}

	byte[] write(Envelope envelope) {
		byte[] contentType = encoded(envelope.getContentType(), EnvelopeCodec.MAX_CONTENT_TYPE_LENGTH, "content type",
				this.contentTypes);
		byte[] typeId = encoded(envelope.getTypeId(), EnvelopeCodec.MAX_TYPE_ID_LENGTH, "type id", this.typeIds);
		String correlationId = envelope.getCorrelationId();
		int contentTypeLength = (contentType != null) ? contentType.length : 0;
		int typeIdLength = (typeId != null) ? typeId.length : 0;
		int correlationIdLength = utf8Length(correlationId, EnvelopeCodec.MAX_CORRELATION_ID_LENGTH,
				"correlation id", null);
		Map<String, String> headers = envelope.getHeaders();
		if (headers.size() > EnvelopeCodec.MAX_HEADER_COUNT) {
			throw new IllegalArgumentException("an envelope carries at most " + EnvelopeCodec.MAX_HEADER_COUNT
					+ " headers, got " + headers.size());
		}
		int[] headerLengths = headers.isEmpty() ? NO_LENGTHS : new int[2 * headers.size()];
		long headerSize = EnvelopeCodec.MIN_HEADER_SIZE + contentTypeLength + typeIdLength + correlationIdLength;
		int i = 0;
		for (Map.Entry<String, String> header : headers.entrySet()) {
			String key = header.getKey();
			int keyLength = utf8Length(key, EnvelopeCodec.MAX_HEADER_KEY_LENGTH, "header key", key);
			int valueLength = utf8Length(header.getValue(), EnvelopeCodec.MAX_HEADER_VALUE_LENGTH, "value of header",
					key);
			headerLengths[i++] = keyLength;
			headerLengths[i++] = valueLength;
			headerSize += 4 + keyLength + valueLength;
		}
		if (headerSize > this.maxHeaderSize) {
			throw new IllegalArgumentException("the headers of this envelope take " + headerSize
					+ " bytes, more than the maximum header size of " + this.maxHeaderSize
					+ " bytes; send fewer or shorter headers, or raise the maximum on both sides");
		}
		byte[] payload = envelope.getPayload();
		long size = EnvelopeCodec.MESSAGE_PREFIX_SIZE + headerSize + payload.length;
		if (size > Integer.MAX_VALUE - 8) {
			throw new IllegalArgumentException("an envelope of " + size + " bytes does not fit in a Java array; "
					+ "send a smaller payload");
		}
		byte[] out = new byte[(int) size];
		System.arraycopy(EnvelopeCodec.MAGIC, 0, out, 0, EnvelopeCodec.MAGIC.length);
		int at = EnvelopeCodec.MAGIC.length;
		out[at++] = EnvelopeCodec.VERSION;
		out[at++] = EnvelopeCodec.KIND_MESSAGE;
		out[at++] = (byte) ((envelope.isReply() ? EnvelopeCodec.FLAG_REPLY : 0)
				| (envelope.isError() ? EnvelopeCodec.FLAG_ERROR : 0));
		at = putInt(out, at, (int) headerSize);
		at = putBytes(out, at, contentType);
		at = putBytes(out, at, typeId);
		at = putString(out, at, correlationId, correlationIdLength);
		at = putShort(out, at, headers.size());
		i = 0;
		for (Map.Entry<String, String> header : headers.entrySet()) {
			at = putString(out, at, header.getKey(), headerLengths[i++]);
			at = putString(out, at, header.getValue(), headerLengths[i++]);
		}
		System.arraycopy(payload, 0, out, at, payload.length);
		return out;
	}

	/**
	 * Returns the UTF-8 of a field's string, checked against its limit: the one encoded last
	 * if it is the same string, else encoded now, and kept for the next envelope.
	 * @return the bytes, not to be changed, or {@code null} for none
	 */
	private static byte[] encoded(String value, int limit, String field, RecentEncodings recent) {
		if (value == null) {
			return null;
		}
		byte[] utf8 = recent.get(value);
		if (utf8 == null) {
			int length = utf8Length(value, limit, field, null);
			utf8 = new byte[length];
			putChars(utf8, 0, value, length);
			recent.put(value, utf8);
		}
		return utf8;
	}

	/**
	 * Returns the length of a string in UTF-8, checked against its limit.
	 * @param value the string, or {@code null} for none
	 * @param field what it is, for errors
	 * @param key the header it belongs to, or {@code null}; named in errors after the field
	 * @throws IllegalArgumentException if it holds an unpaired surrogate, which
	 * {@link String#getBytes} would silently send as {@code '?'}, or is over its limit
	 */
	private static int utf8Length(String value, int limit, String field, String key) {
		if (value == null) {
			return 0;
		}
		int chars = value.length();
		long length = chars;
		for (int i = 0; i < chars; i++) {
			char c = value.charAt(i);
			if (c < 0x80) {
				continue;
			}
			if (c < 0x800) {
				length += 1;
			}
			else if (!Character.isSurrogate(c)) {
				length += 2;
			}
			else if (Character.isHighSurrogate(c) && i + 1 < chars && Character.isLowSurrogate(value.charAt(i + 1))) {
				// Two chars, four bytes.
				length += 2;
				i++;
			}
			else {
				throw new IllegalArgumentException("the " + name(field, key) + " of an envelope is not valid "
						+ "Unicode: it holds an unpaired surrogate, which UTF-8 cannot carry");
			}
		}
		if (length > limit) {
			throw new IllegalArgumentException("the " + name(field, key) + " of an envelope takes " + length
					+ " bytes of UTF-8, more than the limit of " + limit + " bytes");
		}
		return (int) length;
	}

	/**
	 * Writes a hello: the plain one of {@value EnvelopeCodec#HELLO_SIZE} bytes without
	 * parameters, else the parameters flag and the parameters, laid out as the headers of an
	 * envelope are.
	 */
	byte[] writeHello(Map<String, String> parameters) {
		if (parameters.isEmpty()) {
			return EnvelopeCodec.plainHello();
		}
		if (parameters.size() > EnvelopeCodec.MAX_HEADER_COUNT) {
			throw new IllegalArgumentException("a hello carries at most " + EnvelopeCodec.MAX_HEADER_COUNT
					+ " parameters, got " + parameters.size());
		}
		int[] lengths = new int[2 * parameters.size()];
		long size = 2;
		int i = 0;
		for (Map.Entry<String, String> parameter : parameters.entrySet()) {
			String key = parameter.getKey();
			int keyLength = utf8Length(key, EnvelopeCodec.MAX_HEADER_KEY_LENGTH, "hello parameter key", key);
			if (keyLength == 0) {
				throw new IllegalArgumentException("a hello parameter key is empty");
			}
			int valueLength = utf8Length(parameter.getValue(), EnvelopeCodec.MAX_HEADER_VALUE_LENGTH,
					"value of hello parameter", key);
			lengths[i++] = keyLength;
			lengths[i++] = valueLength;
			size += 4 + keyLength + valueLength;
		}
		if (size > this.maxHeaderSize) {
			throw new IllegalArgumentException("the parameters of this hello take " + size
					+ " bytes, more than the maximum header size of " + this.maxHeaderSize + " bytes");
		}
		byte[] out = new byte[EnvelopeCodec.HELLO_SIZE + (int) size];
		System.arraycopy(EnvelopeCodec.plainHello(), 0, out, 0, EnvelopeCodec.HELLO_SIZE);
		out[EnvelopeCodec.HELLO_SIZE - 1] = EnvelopeCodec.HELLO_FLAG_PARAMETERS;
		int at = putShort(out, EnvelopeCodec.HELLO_SIZE, parameters.size());
		i = 0;
		for (Map.Entry<String, String> parameter : parameters.entrySet()) {
			at = putString(out, at, parameter.getKey(), lengths[i++]);
			at = putString(out, at, parameter.getValue(), lengths[i++]);
		}
		return out;
	}

	private static String name(String field, String key) {
		return (key != null) ? field + " '" + key + "'" : field;
	}

	/**
	 * Writes a string's 2-byte length and its UTF-8, which {@link #utf8Length} checked: it holds
	 * no unpaired surrogate, and takes {@code length} bytes.
	 */
	private static int putString(byte[] out, int at, String value, int length) {
		at = putShort(out, at, length);
		if (value == null) {
			return at;
		}
		return putChars(out, at, value, length);
	}

	/**
	 * Writes a field's UTF-8 from {@link #encoded} with its 2-byte length.
	 */
	private static int putBytes(byte[] out, int at, byte[] utf8) {
		if (utf8 == null) {
			return putShort(out, at, 0);
		}
		at = putShort(out, at, utf8.length);
		System.arraycopy(utf8, 0, out, at, utf8.length);
		return at + utf8.length;
	}

	/**
	 * Writes a string's UTF-8, which {@link #utf8Length} checked: it holds no unpaired
	 * surrogate, and takes {@code length} bytes.
	 */
	private static int putChars(byte[] out, int at, String value, int length) {
		int chars = value.length();
		if (length == chars) {
			for (int i = 0; i < chars; i++) {
				out[at++] = (byte) value.charAt(i);
			}
			return at;
		}
		for (int i = 0; i < chars; i++) {
			char c = value.charAt(i);
			if (c < 0x80) {
				out[at++] = (byte) c;
			}
			else if (c < 0x800) {
				out[at++] = (byte) (0xC0 | (c >> 6));
				out[at++] = (byte) (0x80 | (c & 0x3F));
			}
			else if (!Character.isSurrogate(c)) {
				out[at++] = (byte) (0xE0 | (c >> 12));
				out[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
				out[at++] = (byte) (0x80 | (c & 0x3F));
			}
			else {
				int codePoint = Character.toCodePoint(c, value.charAt(++i));
				out[at++] = (byte) (0xF0 | (codePoint >> 18));
				out[at++] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
				out[at++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
				out[at++] = (byte) (0x80 | (codePoint & 0x3F));
			}
		}
		return at;
	}

	private static int putShort(byte[] out, int at, int value) {
		out[at] = (byte) (value >> 8);
		out[at + 1] = (byte) value;
		return at + 2;
	}

	private static int putInt(byte[] out, int at, int value) {
		out[at] = (byte) (value >> 24);
		out[at + 1] = (byte) (value >> 16);
		out[at + 2] = (byte) (value >> 8);
		out[at + 3] = (byte) value;
		return at + 4;
	}

}
