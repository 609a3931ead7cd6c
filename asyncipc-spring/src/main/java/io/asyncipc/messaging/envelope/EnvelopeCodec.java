package io.asyncipc.messaging.envelope;

import java.util.Map;

/**
 * Encodes an {@link Envelope} into the bytes of one transport message and decodes it back, and
 * encodes and decodes the hello that an envelope peer sends first on a connection. The layout is
 * documented byte by byte in {@code docs/wire-format.md} ("The envelope"), for native peers.
 * <p>The transport frames messages already (a length prefix on Unix, message mode on Windows),
 * so an envelope has no length of its own: its payload runs to the end of the message. Every
 * message starts with the magic {@code 89 41 49 50} ({@code \x89AIP}), a version and a kind.
 * <p>Decoding is strict, so that anything it accepts encodes back to the same bytes: a later
 * version, an unknown kind, reserved bits, a truncated field, a field over its limit, a header
 * section over {@link #getMaxHeaderSize()}, bytes that are not UTF-8, an empty or repeated header
 * key and unused bytes in the header section are all refused with an
 * {@link EnvelopeFormatException} naming the offset. Nothing is allocated from a length before it
 * is checked against the bytes that remain and the limits. Instances are thread-safe; besides
 * their limit, they keep the last content type and type id they decoded and encoded, which
 * messages on a pipe mostly repeat, so that these are compared rather than decoded again, and
 * copied rather than encoded again.
 */
public final class EnvelopeCodec {

	/** The version this codec reads and writes. */
	public static final int VERSION = 1;

	/** The default of the largest header section (content type, type id, correlation id, user headers), 64 KiB. */
	public static final int DEFAULT_MAX_HEADER_SIZE = 64 * 1024;

	/** The smallest header section: the lengths of the three ids and the header count, all zero. */
	public static final int MIN_HEADER_SIZE = 8;

	/** The longest content type, in UTF-8 bytes. */
	public static final int MAX_CONTENT_TYPE_LENGTH = 255;

	/** The longest type id, in UTF-8 bytes: a class name with its package fits. */
	public static final int MAX_TYPE_ID_LENGTH = 1024;

	/** The longest correlation id, in UTF-8 bytes. */
	public static final int MAX_CORRELATION_ID_LENGTH = 255;

	/** The longest header key, in UTF-8 bytes. */
	public static final int MAX_HEADER_KEY_LENGTH = 255;

	/** The longest header value, in UTF-8 bytes (what its 2-byte length can say). */
	public static final int MAX_HEADER_VALUE_LENGTH = 0xFFFF;

	/** The most user headers in one envelope (what the 2-byte count can say). */
	public static final int MAX_HEADER_COUNT = 0xFFFF;

	static final byte[] MAGIC = { (byte) 0x89, 'A', 'I', 'P' };

	static final int KIND_MESSAGE = 1;

	static final int KIND_HELLO = 2;

	static final int FLAG_REPLY = 0x01;

	static final int FLAG_ERROR = 0x02;

	/** Magic, version, kind, flags and the header section's length. */
	static final int MESSAGE_PREFIX_SIZE = 11;

	/** Magic, version, kind and flags: the whole hello without parameters. */
	static final int HELLO_SIZE = 7;

	/** The hello's flag that says parameters follow its first seven bytes. */
	static final byte HELLO_FLAG_PARAMETERS = 0x01;

	/**
	 * The hello parameter that tells the largest transport message its sender accepts, in
	 * bytes, as decimal digits: a peer sends nothing larger, and fails such a send instead.
	 */
	public static final String MAX_MESSAGE_SIZE_PARAMETER = "max-message-size";

	/**
	 * The hello parameter with which a server tells the client the id it gave the connection,
	 * so that both ends name it alike. A client does not send it.
	 */
	public static final String CONNECTION_ID_PARAMETER = "connection-id";

	private static final byte[] HELLO = { (byte) 0x89, 'A', 'I', 'P', VERSION, KIND_HELLO, 0 };

	private final int maxHeaderSize;

	private final RecentStrings contentTypes = new RecentStrings();

	private final RecentStrings typeIds = new RecentStrings();

	private final RecentEncodings encodedContentTypes = new RecentEncodings();

	private final RecentEncodings encodedTypeIds = new RecentEncodings();

	/**
	 * Creates a codec with the default maximum header size, {@value #DEFAULT_MAX_HEADER_SIZE} bytes.
	 */
	public EnvelopeCodec() {
		this(DEFAULT_MAX_HEADER_SIZE);
	}

	/**
	 * Creates a codec.
	 * @param maxHeaderSize the largest header section it encodes or accepts, in bytes, at least
	 * {@value #MIN_HEADER_SIZE}
	 */
	public EnvelopeCodec(int maxHeaderSize) {
		if (maxHeaderSize < MIN_HEADER_SIZE) {
			throw new IllegalArgumentException("the maximum header size of an envelope must be at least "
					+ MIN_HEADER_SIZE + " bytes (an envelope with no ids and no headers), got " + maxHeaderSize);
		}
		this.maxHeaderSize = maxHeaderSize;
	}

	/**
	 * Returns the largest header section this codec encodes or accepts.
	 * @return the maximum, in bytes
	 */
	public int getMaxHeaderSize() {
		return this.maxHeaderSize;
	}

	/**
	 * Encodes an envelope into the bytes of one transport message.
	 * @param envelope the envelope
	 * @return a new array: the prefix, the header section and the payload
	 * @throws IllegalArgumentException if a field is over its limit, a string is not valid
	 * Unicode (an unpaired surrogate), or the header section is over the maximum header size
	 */
	public byte[] encode(Envelope envelope) {
		return new EnvelopeWriter(this.maxHeaderSize, this.encodedContentTypes, this.encodedTypeIds).write(envelope);
	}

	/**
	 * Decodes the bytes of one transport message into an envelope.
	 * @param message the whole message
	 * @return the envelope; its payload is a copy
	 * @throws EnvelopeFormatException if the message is not an envelope of this version within the limits
	 */
	public Envelope decode(byte[] message) {
		return new EnvelopeReader(message, this.maxHeaderSize, this.contentTypes, this.typeIds).readEnvelope();
	}

	/**
	 * Returns the hello without parameters that an envelope peer sends as the first message on
	 * a connection, and that a server answers to a client's hello without parameters.
	 * @return a new array of {@value #HELLO_SIZE} bytes
	 */
	public byte[] encodeHello() {
		return plainHello();
	}

	/**
	 * Returns a hello with parameters, such as {@link #MAX_MESSAGE_SIZE_PARAMETER}: the
	 * parameters flag is set, and the parameters follow, laid out as an envelope's headers are.
	 * Without parameters it is the plain hello of {@link #encodeHello()}.
	 * @param parameters the parameters, in the order they are written
	 * @return a new array
	 * @throws IllegalArgumentException if a key is empty, a key or value is over its limit or not
	 * valid Unicode, or the parameters take more than the maximum header size
	 */
	public byte[] encodeHello(Map<String, String> parameters) {
		return new EnvelopeWriter(this.maxHeaderSize).writeHello(parameters);
	}

	/**
	 * Checks that a message is a hello of this version, and returns its parameters.
	 * @param message the whole message
	 * @return its parameters in the order they came, empty for a hello without any
	 * @throws EnvelopeFormatException if it is not a hello of this version within the limits
	 */
	public Map<String, String> decodeHello(byte[] message) {
		return new EnvelopeReader(message, this.maxHeaderSize).readHello();
	}

	static byte[] plainHello() {
		return HELLO.clone();
	}

	/**
	 * Returns whether a message looks like a reply: the magic, this version, the message kind
	 * and the reply flag, without reading the rest. Cheap enough for every message on an I/O
	 * thread; whether the rest is a valid envelope is for {@link #decode(byte[])} to say.
	 * @param message the whole message
	 * @return whether its prefix is that of a reply of this version
	 */
	public static boolean looksLikeReply(byte[] message) {
		return message.length >= MESSAGE_PREFIX_SIZE && startsWithMagic(message) && message[4] == VERSION
				&& message[5] == KIND_MESSAGE && (message[6] & FLAG_REPLY) != 0;
	}

	/**
	 * Returns whether a message starts with the envelope magic, so that it is meant as an envelope
	 * or a hello (of any version) rather than a raw payload. The magic starts with {@code 0x89},
	 * which no UTF-8 text, JSON or pickle starts with.
	 * @param message the whole message
	 * @return whether its first four bytes are the magic
	 */
	public static boolean startsWithMagic(byte[] message) {
		if (message.length < MAGIC.length) {
			return false;
		}
		for (int i = 0; i < MAGIC.length; i++) {
			if (message[i] != MAGIC[i]) {
				return false;
			}
		}
		return true;
	}

}
