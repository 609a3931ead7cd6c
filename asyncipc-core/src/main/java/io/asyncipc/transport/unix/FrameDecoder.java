package io.asyncipc.transport.unix;

import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.asyncipc.transport.PipeProtocolException;

/**
 * Cuts a byte stream into messages: each is a 4-byte big-endian signed length, then that many
 * payload bytes. A frame's length is checked against the maximum, but its array is not
 * allocated from it: the array grows as the payload arrives, so that a peer which announces a
 * large frame and then sends nothing holds next to no memory.
 */
final class FrameDecoder {

	static final int HEADER_SIZE = 4;

	private static final byte[] EMPTY = new byte[0];

	/** The first array of a frame whose bytes have not arrived yet. */
	private static final int MIN_CAPACITY = 1024;

	private final int maxMessageSize;

	private int headerBytes;

	private int length;

	private byte[] body;

	private int bodyPosition;

	FrameDecoder(int maxMessageSize) {
		this.maxMessageSize = maxMessageSize;
	}

	/**
	 * Consumes all of {@code buffer}, passing each completed message on.
	 * @param buffer bytes read from the socket, in read mode
	 * @param messages receives each whole message
	 * @throws PipeProtocolException if a frame announces a negative or oversized length
	 */
	void decode(ByteBuffer buffer, Consumer<byte[]> messages) {
		decode(buffer, messages, () -> false);
	}

	/**
	 * Consumes {@code buffer}, passing each completed message on, until it is empty or
	 * {@code stop} says so after a message: what is left stays in the buffer.
	 * @param buffer bytes read from the socket, in read mode
	 * @param messages receives each whole message
	 * @param stop asked after each message whether to stop decoding
	 * @throws PipeProtocolException if a frame announces a negative or oversized length
	 */
	void decode(ByteBuffer buffer, Consumer<byte[]> messages, BooleanSupplier stop) {
		while (buffer.hasRemaining()) {
			if (this.body == null) {
				if (!readHeader(buffer)) {
					return;
				}
				if (this.length == 0) {
					reset();
					messages.accept(EMPTY);
					if (stop.getAsBoolean()) {
						return;
					}
					continue;
				}
				this.body = new byte[Math.min(this.length, Math.max(buffer.remaining(), MIN_CAPACITY))];
			}
			int count = Math.min(buffer.remaining(), this.length - this.bodyPosition);
			if (this.bodyPosition + count > this.body.length) {
				grow(this.bodyPosition + count);
			}
			buffer.get(this.body, this.bodyPosition, count);
			this.bodyPosition += count;
			if (this.bodyPosition == this.length) {
				byte[] message = this.body;
				reset();
				messages.accept(message);
				if (stop.getAsBoolean()) {
					return;
				}
			}
		}
	}

	/**
	 * Returns the bytes that the frame being read holds now: what its array takes.
	 * @return the bytes held, {@code 0} between frames
	 */
	long bufferedBytes() {
		return (this.body != null) ? this.body.length : 0;
	}

	private void grow(int needed) {
		int capacity = (int) Math.min(this.length, Math.max(needed, 2L * this.body.length));
		byte[] grown = new byte[capacity];
		System.arraycopy(this.body, 0, grown, 0, this.bodyPosition);
		this.body = grown;
	}

	/**
	 * Returns whether the stream stopped inside a frame.
	 * @return {@code true} if part of a frame was read
	 */
	boolean isMidFrame() {
		return this.headerBytes > 0;
	}

	/**
	 * Describes how far the current frame got, for the error when the peer goes away.
	 * @return a description of the partial frame
	 */
	String describePartialFrame() {
		if (this.body == null) {
			return this.headerBytes + " of " + HEADER_SIZE + " length bytes";
		}
		return this.bodyPosition + " of " + this.length + " payload bytes";
	}

	private boolean readHeader(ByteBuffer buffer) {
		if (this.headerBytes == 0 && buffer.remaining() >= HEADER_SIZE) {
			this.length = buffer.getInt();
			this.headerBytes = HEADER_SIZE;
		}
		else {
			while (this.headerBytes < HEADER_SIZE && buffer.hasRemaining()) {
				this.length = (this.length << 8) | (buffer.get() & 0xFF);
				this.headerBytes++;
			}
			if (this.headerBytes < HEADER_SIZE) {
				return false;
			}
		}
		checkLength();
		return true;
	}

	private void checkLength() {
		if (this.length < 0) {
			throw new PipeProtocolException("peer sent a frame with negative length " + this.length
					+ "; each frame must start with a 4-byte big-endian length from 0 to " + this.maxMessageSize);
		}
		if (this.length > this.maxMessageSize) {
			throw new PipeProtocolException("peer announced a frame of " + this.length
					+ " bytes, larger than the maximum of " + this.maxMessageSize
					+ " bytes; raise asyncipc.max-message-size (PipeOptions.maxMessageSize) on both ends");
		}
	}

	private void reset() {
		this.headerBytes = 0;
		this.length = 0;
		this.body = null;
		this.bodyPosition = 0;
	}

}
