package io.asyncipc.transport.support;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;

import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.SendResult;

/**
 * A message queued on a connection, with the future of its send. It is also its own link in
 * the connection's {@link OutboundBuffer}: the queue holds no node of its own per message.
 */
public final class OutboundMessage {

	private static final VarHandle NEXT;

	static {
		try {
			NEXT = MethodHandles.lookup().findVarHandle(OutboundMessage.class, "next", OutboundMessage.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	/** The bytes to send, until the send completed. */
	private byte[] payload;

	private final int length;

	private final CompletableFuture<SendResult> future;

	/**
	 * The message queued after this one: null until linked, this one once unlinked. A sender
	 * links its message to the one before it with a volatile store of this field, written in
	 * place rather than through a method, so that nothing can fail between its swap of the
	 * queue's tail and the link. A volatile store, not a release one: a sender links its
	 * message and then reads whether a flush is scheduled, and the flush clears that flag
	 * before it looks for messages, so either the sender sees the flag cleared and schedules
	 * another, or the flush sees the link.
	 */
	volatile OutboundMessage next;

	OutboundMessage(byte[] payload, CompletableFuture<SendResult> future) {
		this.payload = payload;
		this.length = payload.length;
		this.future = future;
	}

	/**
	 * Returns the bytes to send. A writer reads them only until it reported them written.
	 * @return the payload, not to be changed
	 */
	public byte[] payload() {
		return this.payload;
	}

	/**
	 * Returns the payload's length, which stays known once the payload is let go.
	 * @return the length in bytes
	 */
	int length() {
		return this.length;
	}

	CompletableFuture<SendResult> future() {
		return this.future;
	}

	long cost() {
		return cost(this.length);
	}

	static long cost(int payloadLength) {
		return (long) payloadLength + PipeOptions.MESSAGE_OVERHEAD;
	}

	/**
	 * Returns the message queued after this one.
	 * @return the next message, {@code null} if none was linked yet, or this message itself
	 * once it was {@link #unlink() unlinked}
	 */
	OutboundMessage next() {
		return this.next;
	}

	/**
	 * Points the link at this message itself, once the writer went past it: a message that
	 * lived long enough to be tenured then keeps no younger one alive after it died.
	 */
	void unlink() {
		NEXT.setRelease(this, this);
	}

	/**
	 * Lets the payload go once the send was settled: the queue keeps its last settled message
	 * as the start of its chain, and an idle connection holds no payload with it.
	 */
	void releasePayload() {
		this.payload = null;
	}

}
