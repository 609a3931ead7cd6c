package io.asyncipc.messaging.envelope;

import io.asyncipc.transport.PipeProtocolException;

/**
 * A message that should have been an envelope (or a hello) breaks the envelope format: it is
 * truncated, too large for a limit, not valid UTF-8, of an unknown version or kind, or sets
 * reserved bits. The message names what was wrong and the byte offset where it was found,
 * counted from the start of the transport message.
 */
public class EnvelopeFormatException extends PipeProtocolException {

	private static final long serialVersionUID = 1L;

	private final int offset;

	/**
	 * Creates an exception.
	 * @param message what was wrong, naming the offset
	 * @param offset the offset of the byte where it was found, from the start of the message
	 */
	public EnvelopeFormatException(String message, int offset) {
		super(message);
		this.offset = offset;
	}

	/**
	 * Returns the offset, from the start of the transport message, of the field or byte that was
	 * wrong; the length of the message when it ended too early.
	 * @return the byte offset
	 */
	public int getOffset() {
		return this.offset;
	}

}
