package io.asyncipc.transport.support;

import io.asyncipc.transport.PipeConnection;

/**
 * Lets the layer above the transport give a client's connection the id that its server gave
 * the same connection, exchanged when the connection opened, so that logs, events and send
 * results at both ends can be matched. The transport itself exchanges nothing: what a
 * connection's first messages mean belongs to the layer above.
 */
public final class ConnectionIds {

	private ConnectionIds() {
	}

	/**
	 * Gives a connection the id its peer gave it.
	 * @param connection a connection of this transport
	 * @param peerId the peer's id for it
	 * @return whether the connection took it: not if another connection of its endpoint has
	 * that id, or the connection is not one of this transport's
	 */
	public static boolean adopt(PipeConnection connection, String peerId) {
		return (connection instanceof AbstractPipeConnection transportConnection) && transportConnection.adoptId(peerId);
	}

}
