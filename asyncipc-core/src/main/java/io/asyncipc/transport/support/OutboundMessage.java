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

	private final byte[] payload;

	private final CompletableFuture<SendResult> future;

	/** The message queued after this one: null until linked, this one once unlinked. */
	private volatile OutboundMessage next;

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
	 * Returns the message queued after this one.
	 * @return the next message, {@code null} if none was linked yet, or this message itself
	 * once it was {@link #unlink() unlinked}
	 */
	OutboundMessage next() {
		return this.next;
	}

	/**
	 * Links the message queued after this one, for the writer to see with {@link #next()}.
	 * A volatile store, not a release one: a sender links its message and then reads whether a
	 * flush is scheduled, and the flush clears that flag before it looks for messages, so
	 * either the sender sees the flag cleared and schedules another, or the flush sees the link.
	 */
	void link(OutboundMessage message) {
		this.next = message;
	}

	/**
	 * Points the link at this message itself, once the writer went past it: a message that
	 * lived long enough to be tenured then keeps no younger one alive after it died.
	 */
	void unlink() {
		NEXT.setRelease(this, this);
	}

	int frameLength(int frameOverhead) {
		return this.payload.length + frameOverhead;
	}

}
