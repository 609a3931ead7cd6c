package io.asyncipc.messaging;

import java.util.concurrent.CompletableFuture;

import io.asyncipc.messaging.envelope.Envelope;
import io.asyncipc.transport.PeerIdentity;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.SendResult;

/**
 * The connection that listeners see: what they send on it, and the replies they return, go out
 * in the connection's wire format, as an envelope around the bytes where the peer speaks
 * envelopes, so that a listener never has to know the format.
 */
final class EnvelopeConnection implements PipeConnection {

	private final PipeConnection connection;

	private final WireFormats formats;

	EnvelopeConnection(PipeConnection connection, WireFormats formats) {
		this.connection = connection;
		this.formats = formats;
	}

	@Override
	public String id() {
		return this.connection.id();
	}

	@Override
	public PeerIdentity peer() {
		return this.connection.peer();
	}

	@Override
	public String pipeName() {
		return this.connection.pipeName();
	}

	@Override
	public boolean isOpen() {
		return this.connection.isOpen();
	}

	@Override
	public CompletableFuture<SendResult> send(byte[] message) {
		return send(Envelope.of(message));
	}

	/**
	 * Sends an envelope in the connection's format: as it is, or its payload alone.
	 */
	CompletableFuture<SendResult> send(Envelope envelope) {
		try {
			return this.formats.send(this.connection, envelope);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	@Override
	public long queuedBytes() {
		return this.connection.queuedBytes();
	}

	@Override
	public boolean isWritable() {
		return this.connection.isWritable();
	}

	@Override
	public void close() {
		this.connection.close();
	}

	@Override
	public String toString() {
		return this.connection.toString();
	}

}
