package io.asyncipc.messaging.envelope;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes one envelope: sizes every field first, checks the limits, then fills one array of
 * exactly the right size. One writer per envelope.
 */
final class EnvelopeWriter {

	private final int maxHeaderSize;

	EnvelopeWriter(int maxHeaderSize) {
		this.maxHeaderSize = maxHeaderSize;
	}

	byte[] write(Envelope envelope) {
		byte[] contentType = utf8("content type", envelope.getContentType(), EnvelopeCodec.MAX_CONTENT_TYPE_LENGTH);
		byte[] typeId = utf8("type id", envelope.getTypeId(), EnvelopeCodec.MAX_TYPE_ID_LENGTH);
		byte[] correlationId = utf8("correlation id", envelope.getCorrelationId(),
				EnvelopeCodec.MAX_CORRELATION_ID_LENGTH);
		Map<String, String> headers = envelope.getHeaders();
		if (headers.size() > EnvelopeCodec.MAX_HEADER_COUNT) {
			throw new IllegalArgumentException("an envelope carries at most " + EnvelopeCodec.MAX_HEADER_COUNT
					+ " headers, got " + headers.size());
		}
		byte[][] keysAndValues = new byte[2 * headers.size()][];
		long headerSize = EnvelopeCodec.MIN_HEADER_SIZE + contentType.length + typeId.length + correlationId.length;
		int i = 0;
		for (Map.Entry<String, String> header : headers.entrySet()) {
			byte[] key = utf8("header key '" + header.getKey() + "'", header.getKey(),
					EnvelopeCodec.MAX_HEADER_KEY_LENGTH);
			byte[] value = utf8("value of header '" + header.getKey() + "'", header.getValue(),
					EnvelopeCodec.MAX_HEADER_VALUE_LENGTH);
			keysAndValues[i++] = key;
			keysAndValues[i++] = value;
			headerSize += 4 + key.length + value.length;
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
		ByteBuffer out = ByteBuffer.allocate((int) size);
		out.put(EnvelopeCodec.MAGIC).put((byte) EnvelopeCodec.VERSION).put((byte) EnvelopeCodec.KIND_MESSAGE);
		out.put((byte) ((envelope.isReply() ? EnvelopeCodec.FLAG_REPLY : 0)
				| (envelope.isError() ? EnvelopeCodec.FLAG_ERROR : 0)));
		out.putInt((int) headerSize);
		putString(out, contentType);
		putString(out, typeId);
		putString(out, correlationId);
		out.putShort((short) headers.size());
		for (byte[] field : keysAndValues) {
			putString(out, field);
		}
		out.put(payload);
		return out.array();
	}

	private static void putString(ByteBuffer out, byte[] utf8) {
		out.putShort((short) utf8.length);
		out.put(utf8);
	}

	private static byte[] utf8(String field, String value, int limit) {
		if (value == null) {
			return new byte[0];
		}
		byte[] bytes;
		try {
			ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(value));
			bytes = new byte[encoded.remaining()];
			encoded.get(bytes);
		}
		catch (CharacterCodingException ex) {
			// String.getBytes would silently send '?' for an unpaired surrogate.
			throw new IllegalArgumentException("the " + field + " of an envelope is not valid Unicode: it holds an "
					+ "unpaired surrogate, which UTF-8 cannot carry", ex);
		}
		if (bytes.length > limit) {
			throw new IllegalArgumentException("the " + field + " of an envelope takes " + bytes.length
					+ " bytes of UTF-8, more than the limit of " + limit + " bytes");
		}
		return bytes;
	}

}
