package io.asyncipc.transport;

/**
 * Receives what happens on an endpoint: the original library's {@code OnCreate},
 * {@code OnConnected}, {@code OnRecv} and {@code OnDisconnected}. ({@code OnSend} is the
 * future returned by {@link PipeConnection#send(byte[])}.)
 * <p>
 * For one connection, {@link #onConnected}, {@link #onMessage} and {@link #onDisconnected}
 * are called in order and never at the same time. Where they run depends on
 * {@link PipeOptions#dispatchExecutor()}: inline on the I/O thread, or on that executor.
 * An exception thrown here is logged and the connection stays up.
 */
public interface PipeHandler {

	/**
	 * The endpoint is created: a server is listening, or a client has started.
	 * @param endpoint the endpoint
	 */
	default void onCreated(PipeEndpoint endpoint) {
	}

	/**
	 * A connection is established.
	 * @param connection the new connection, with its id and peer identity
	 */
	default void onConnected(PipeConnection connection) {
	}

	/**
	 * One whole message arrived.
	 * @param connection the connection it came on
	 * @param message the message bytes, owned by the handler from now on
	 */
	void onMessage(PipeConnection connection, byte[] message);

	/**
	 * One whole message arrived, read at the given time: the time of the read that completed
	 * it, before it waited for its turn on the dispatch executor, if any. Calls
	 * {@link #onMessage(PipeConnection, byte[])} unless overridden; the transport calls this
	 * one.
	 * @param connection the connection it came on
	 * @param message the message bytes, owned by the handler from now on
	 * @param receivedAt when it was read, in milliseconds since the epoch
	 */
	default void onMessage(PipeConnection connection, byte[] message, long receivedAt) {
		onMessage(connection, message);
	}

	/**
	 * Offers a message to the handler on the thread that read it, before it is dispatched:
	 * a handler that can finish with it at once takes it here, and it then never reaches
	 * {@link #onMessage}. That spares the hand-off to the dispatch executor where a message
	 * only completes something another thread waits for, such as the reply to a request.
	 * <p>
	 * Called only when {@link PipeOptions#dispatchExecutor() messages are dispatched} to an
	 * executor, for each message as it is read. A message taken here overtakes the messages
	 * read before it that still wait for {@link #onMessage}. It must not block, and should do
	 * little: it holds up the reading of every connection of its I/O thread. The thread that
	 * read it is the I/O thread, or a caller that waits for a reply in
	 * {@link PipeConnection#readWhileWaiting}. An exception thrown here is logged, and the
	 * message is dispatched as if not taken.
	 * @param connection the connection it came on
	 * @param message the message bytes, owned by the handler if it takes them
	 * @return {@code true} if the handler took the message
	 */
	default boolean takeOnIoThread(PipeConnection connection, byte[] message) {
		return false;
	}

	/**
	 * A connection ended.
	 * @param connection the connection
	 * @param reason why it ended
	 * @param cause the error behind it, or {@code null} for an orderly close
	 */
	default void onDisconnected(PipeConnection connection, DisconnectReason reason, Throwable cause) {
	}

	/**
	 * A connection's outbound queue crossed a watermark: see {@link PipeConnection#isWritable()}.
	 * Called like {@link #onMessage}, in order with the connection's other calls.
	 * @param connection the connection
	 * @param writable whether it is writable now
	 */
	default void onWritabilityChanged(PipeConnection connection, boolean writable) {
	}

	/**
	 * The endpoint changed state. Called on the endpoint's own thread.
	 * @param endpoint the endpoint
	 * @param state the new state
	 * @param cause the error that caused the change, or {@code null}
	 */
	default void onStateChanged(PipeEndpoint endpoint, EndpointState state, Throwable cause) {
	}

	/**
	 * A peer was refused before it became a connection, for example because it runs as
	 * another OS user. Called on the endpoint's own thread.
	 * @param endpoint the endpoint
	 * @param peer the peer that was refused, as far as it is known
	 * @param reason why it was refused
	 */
	default void onPeerRejected(PipeEndpoint endpoint, PeerIdentity peer, String reason) {
	}

}
