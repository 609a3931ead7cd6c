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

	/**
	 * Where the message ends in the connection's outbound byte stream, set by the transport
	 * that frames it.
	 */
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

	/**
	 * Returns where the message ends in the outbound stream.
	 * @return the end position set by {@link #endPosition(long)}
	 */
	public long endPosition() {
		return this.endPosition;
	}

	/**
	 * Records where the message ends in the outbound stream.
	 * @param position the stream position just after the message's last byte
	 */
	public void endPosition(long position) {
		this.endPosition = position;
	}

}
