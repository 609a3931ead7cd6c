package io.asyncipc.transport.unix;

import java.nio.channels.SelectionKey;

/**
 * What an {@link EventLoop} calls when a channel registered with it is ready.
 */
interface IoHandler {

	/**
	 * Handles the ready operations of the key. Runs on the loop's thread.
	 * @param key the selected key
	 */
	void onReady(SelectionKey key);

	/**
	 * Handling this handler's ready operations threw; the loop goes on. A connection closes.
	 * @param error what was thrown
	 */
	default void onFailure(RuntimeException error) {
	}

	/**
	 * The loop is shutting down, or died, and will close this handler's channel.
	 * @param failure what killed the loop, or {@code null} for an orderly shutdown
	 */
	default void onLoopClosed(Throwable failure) {
	}

}
