package io.asyncipc.transport.support;

import java.util.concurrent.CompletableFuture;

import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.SendResult;

/**
 * A message queued on a connection, with the future of its send.
 */
public final class OutboundMessage {

	private final byte[] payload;

	private final CompletableFuture<SendResult> future;

	/** Where the message ends in the connection's outbound byte stream. */
	private long endPosition;

	OutboundMessage(byte[] payload, CompletableFuture<SendResult> future) {
		this.payload = payload;
		this.future = future;
	}

	/**
	 * Returns the bytes to send.
	 * @return the payload, not to be changed
	 */
	public byte[] payload() {
		return this.payload;
	}

	CompletableFuture<SendResult> future() {
		return this.future;
	}

	long cost() {
		return cost(this.payload.length);
	}

	static long cost(int payloadLength) {
		return (long) payloadLength + PipeOptions.MESSAGE_OVERHEAD;
	}

	long endPosition() {
		return this.endPosition;
	}

	void endPosition(long position) {
		this.endPosition = position;
	}

}
