package io.asyncipc.transport;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

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
	 * Waits on the calling thread for a future that a message from the peer completes, such as
	 * the reply to a request, reading the connection meanwhile where it can. A reply read here
	 * wakes no other thread: a parked caller waits for its I/O thread to read the reply and
	 * wake it, and on one CPU that second wake-up is most of what a round trip costs over a raw
	 * blocking socket.
	 * <p>
	 * Returns once {@code until} is done, once {@code timeout} has passed, or at once where the
	 * calling thread cannot read this connection: on an I/O thread, on a transport that does
	 * not read on callers' threads (Windows named pipes), with inline dispatch (no
	 * {@link PipeOptions#dispatchExecutor()}), or while reading is paused or a message is
	 * partly read. The caller then waits for {@code until} as it would have; nothing read here
	 * is lost or dispatched differently. A caller that finds another one reading waits for
	 * {@code until} here, and reads in its place if it stops first.
	 * <p>
	 * While a caller reads, messages read here are offered to
	 * {@link PipeHandler#takeOnIoThread} on the calling thread, and the others go to the
	 * dispatch executor as usual, in order. For one to three milliseconds after, the I/O
	 * thread leaves the reading to the next caller: a message that arrives when no caller
	 * waits is read then, that much later. A send's future that waits for the I/O thread's
	 * next wake-up (see {@link #send}) may complete after a reply read here.
	 * @param until the future to wait for
	 * @param timeout how long to read at most
	 * @throws InterruptedException if the thread was interrupted while it waited
	 */
	default void readWhileWaiting(Future<?> until, Duration timeout) throws InterruptedException {
	}

	/**
	 * Closes the connection. Queued messages that were not written yet fail with
	 * {@link PipeClosedException}. The handler sees {@link DisconnectReason#LOCAL_CLOSE}.
	 */
	void close();

}
