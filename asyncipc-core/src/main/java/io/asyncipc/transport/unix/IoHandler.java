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
	 * The loop is shutting down and will close this handler's channel.
	 */
	default void onLoopClosed() {
	}

}
