package io.asyncipc.transport.windows;

import java.nio.ByteBuffer;
import java.util.Arrays;

import io.asyncipc.transport.PipeProtocolException;

/**
 * Puts a pipe message back together from the chunks that reads return: a read into a buffer
 * smaller than the message ends with {@code ERROR_MORE_DATA}, and the next reads return the
 * rest. The array grows as the bytes arrive, by doubling up to the maximum message size, and
 * is never sized from what the pipe announces: a peer that starts a huge message and then
 * stops costs only what it sent (and at most as much again, unused).
 * <p>
 * Pure Java and deterministic: the same chunks give the same messages and the same errors,
 * which a fuzz target relies on. Not thread-safe; a connection uses it on its I/O thread.
 */
final class MessageAssembler {

	private static final byte[] EMPTY = new byte[0];

	/** The first array for a message that spans chunks, unless the message is smaller. */
	private static final int INITIAL_CAPACITY = 1024;

	private final int maxMessageSize;

	private byte[] partial = EMPTY;

	private int length;

	private boolean inMessage;

	/**
	 * Creates an assembler.
	 * @param maxMessageSize the largest message accepted, in bytes
	 */
	MessageAssembler(int maxMessageSize) {
		if (maxMessageSize < 0) {
			throw new IllegalArgumentException("maxMessageSize must not be negative, got " + maxMessageSize);
		}
		this.maxMessageSize = maxMessageSize;
	}

	/**
	 * Takes the next chunk of the current message.
	 * @param chunk the bytes read, from its position to its limit; they are copied, and the
	 * buffer's position moves to its limit
	 * @param more whether the message goes on after this chunk (the read ended with
	 * {@code ERROR_MORE_DATA})
	 * @return the whole message if this chunk ended it, else {@code null}
	 * @throws PipeProtocolException if the message grew larger than the maximum; what was
	 * held of it is dropped
	 */
	byte[] feed(ByteBuffer chunk, boolean more) {
		int bytes = chunk.remaining();
		long total = (long) this.length + bytes;
		if (total > this.maxMessageSize) {
			clear();
			throw new PipeProtocolException("peer sent a message of at least " + total
					+ " bytes, larger than the maximum of " + this.maxMessageSize
					+ " bytes; raise asyncipc.max-message-size (PipeOptions.maxMessageSize) on both ends");
		}
		if (!more && this.length == 0) {
			// The whole message in one chunk: one array of its exact size, nothing held.
			this.inMessage = false;
			if (bytes == 0) {
				return EMPTY;
			}
			byte[] message = new byte[bytes];
			chunk.get(message);
			return message;
		}
		ensureCapacity((int) total);
		chunk.get(this.partial, this.length, bytes);
		this.length = (int) total;
		if (more) {
			this.inMessage = true;
			return null;
		}
		byte[] message = (this.partial.length == this.length) ? this.partial
				: Arrays.copyOf(this.partial, this.length);
		clear();
		return message;
	}

	/**
	 * Takes the next chunk of the current message.
	 * @param chunk the bytes read
	 * @param more whether the message goes on after this chunk
	 * @return the whole message if this chunk ended it, else {@code null}
	 * @throws PipeProtocolException if the message grew larger than the maximum
	 * @see #feed(ByteBuffer, boolean)
	 */
	byte[] feed(byte[] chunk, boolean more) {
		return feed(ByteBuffer.wrap(chunk), more);
	}

	/**
	 * Returns whether a message was started and not finished: the next read must take its
	 * rest, into a buffer.
	 * @return {@code true} between a chunk with more data and the chunk that ends its message
	 */
	boolean inMessage() {
		return this.inMessage;
	}

	/**
	 * Returns how many bytes of the unfinished message were received.
	 * @return the bytes received, 0 between messages
	 */
	int bufferedBytes() {
		return this.length;
	}

	/**
	 * Returns how many bytes of heap the unfinished message holds: its array, which may be
	 * up to twice what was received.
	 * @return the size of the array held, 0 between messages
	 */
	int heldBytes() {
		return this.partial.length;
	}

	/**
	 * Drops what is held of an unfinished message.
	 */
	void clear() {
		this.partial = EMPTY;
		this.length = 0;
		this.inMessage = false;
	}

	/**
	 * Grows the array to hold {@code needed} bytes: doubling, so that a message of many
	 * chunks is copied a logarithmic number of times, but never beyond the maximum message
	 * size, nor beyond twice what arrived (or 1 KiB).
	 */
	private void ensureCapacity(int needed) {
		if (needed <= this.partial.length) {
			return;
		}
		long doubled = Math.max((long) this.partial.length * 2, INITIAL_CAPACITY);
		int capacity = (int) Math.max(needed, Math.min(doubled, this.maxMessageSize));
		this.partial = Arrays.copyOf(this.partial, capacity);
	}

}
