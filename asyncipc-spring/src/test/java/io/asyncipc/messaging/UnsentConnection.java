package io.asyncipc.messaging;

import java.util.concurrent.CompletableFuture;

import io.asyncipc.transport.PeerIdentity;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.SendResult;

/**
 * A connection of pipe {@code orders} that is only looked at: an id and a peer, open, writable,
 * and never sent on, so that a test can drive what it checks by hand. Where a real connection
 * would add nothing but a socket to the unit under test.
 * @param id the connection's id
 * @param peer its peer, or {@code null} where the test never asks
 */
record UnsentConnection(String id, PeerIdentity peer) implements PipeConnection {

	@Override
	public PeerIdentity peer() {
		if (this.peer == null) {
			throw new UnsupportedOperationException("no peer in this test");
		}
		return this.peer;
	}

	@Override
	public String pipeName() {
		return "orders";
	}

	@Override
	public boolean isOpen() {
		return true;
	}

	@Override
	public CompletableFuture<SendResult> send(byte[] message) {
		throw new UnsupportedOperationException("not sent in these tests");
	}

	@Override
	public long queuedBytes() {
		return 0;
	}

	@Override
	public boolean isWritable() {
		return true;
	}

	@Override
	public void close() {
	}

}
