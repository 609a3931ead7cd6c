package io.asyncipc.transport;

import java.util.concurrent.CompletableFuture;

/**
 * One live, two-way connection between a server and a client.
 * <p>
 * All methods are thread-safe.
 */
public interface PipeConnection {

	/**
	 * Returns the id of this connection, unique within its endpoint.
	 * @return the connection id
	 */
	String id();

	/**
	 * Returns the identity of the process on the other end.
	 * @return the peer's identity
	 */
	PeerIdentity peer();

	/**
	 * Returns the name of the endpoint this connection belongs to.
	 * @return the pipe name
	 */
	String pipeName();

	/**
	 * Returns whether the connection is still open.
	 * @return {@code true} until the connection is closed from either side
	 */
	boolean isOpen();

	/**
	 * Queues one message for the peer. This never blocks on I/O.
	 * <p>
	 * The connection takes ownership of {@code message}: do not change the array until the
	 * returned future completes.
	 * <p>
	 * The future completes on the connection's I/O thread. A message that the sender's own
	 * thread could write at once may have its future completed at the I/O thread's next
	 * wake-up rather than at once, within a few milliseconds; waiting for the future or
	 * chaining on it before then makes it complete without delay.
	 * @param message the message; may be empty
	 * @return a future that completes once the whole message is handed to the OS, or fails
	 * with {@link PipeClosedException}, {@link MessageTooLargeException} or
	 * {@link OutboundQueueFullException}
	 */
	CompletableFuture<SendResult> send(byte[] message);

	/**
	 * Returns the bytes queued on this connection and not yet handed to the OS.
	 * @return the queued bytes, each message counted with {@link PipeOptions#MESSAGE_OVERHEAD}
	 */
	long queuedBytes();

	/**
	 * Returns whether sends are welcome: {@code false} once the queued bytes rose above the
	 * high watermark (half of {@link PipeOptions#maxQueuedBytes()}), {@code true} again once
	 * they fell below the low watermark (a quarter of it). A change is reported through
	 * {@link PipeHandler#onWritabilityChanged(PipeConnection, boolean)}. Sends still succeed
	 * while not writable, until the queue is full.
	 * @return whether the outbound queue is below its high watermark
	 */
	boolean isWritable();

	/**
	 * Closes the connection. Queued messages that were not written yet fail with
	 * {@link PipeClosedException}. The handler sees {@link DisconnectReason#LOCAL_CLOSE}.
	 */
	void close();

}
