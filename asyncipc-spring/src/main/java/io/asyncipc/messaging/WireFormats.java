package io.asyncipc.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.asyncipc.messaging.envelope.Envelope;
import io.asyncipc.messaging.envelope.EnvelopeCodec;
import io.asyncipc.messaging.envelope.EnvelopeFormatException;
import io.asyncipc.transport.PipeClosedException;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeException;
import io.asyncipc.transport.PipeRole;
import io.asyncipc.transport.SendResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wire format of each connection of one pipe, told apart as {@code docs/wire-format.md}
 * says: a client of an envelope pipe sends the hello first and waits a second for the server's;
 * a server of an envelope pipe reads the first message of each connection, answers a hello and
 * serves anything else in the raw format; until that first message, or for a second, it holds
 * what it sends to the connection. The state lives here, one entry per open connection,
 * removed when it closes.
 */
final class WireFormats {

	/** How long a client waits for the server's hello before it warns. */
	static final long HELLO_TIMEOUT_MILLIS = 1000;

	private static final Logger logger = LoggerFactory.getLogger(WireFormats.class);

	private final EnvelopeCodec codec = new EnvelopeCodec();

	private final String pipeName;

	private final PipeRole role;

	private final PipeFormat format;

	private final String formatProperty;

	private final Map<String, State> states = new ConcurrentHashMap<>();

	WireFormats(String pipeName, PipeRole role, PipeFormat format, String formatProperty) {
		this.pipeName = pipeName;
		this.role = role;
		this.format = format;
		this.formatProperty = formatProperty;
	}

	PipeFormat format() {
		return this.format;
	}

	void onConnected(PipeConnection connection) {
		if (this.format == PipeFormat.RAW) {
			return;
		}
		State state = state(connection);
		if (this.role == PipeRole.CLIENT) {
			sendHello(connection, state);
		}
		CompletableFuture.delayedExecutor(HELLO_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
			.execute(() -> helloTimedOut(connection, state));
	}

	void onDisconnected(PipeConnection connection) {
		State state = this.states.remove(connection.id());
		if (state != null) {
			synchronized (state) {
				for (Held held : state.held) {
					held.future.completeExceptionally(new PipeClosedException("connection " + connection.id()
							+ " of pipe '" + this.pipeName + "' closed before the message was sent"));
				}
				state.held.clear();
			}
		}
	}

	/**
	 * Reads one received message.
	 * @return the message as an envelope (a raw one has only a payload), or {@code null} if it
	 * is the hello or must not reach a listener
	 * @throws EnvelopeFormatException if an envelope connection sent something that is not one
	 */
	Envelope inbound(PipeConnection connection, byte[] bytes) {
		if (this.format == PipeFormat.RAW) {
			return Envelope.of(bytes);
		}
		State state = state(connection);
		if (state.kind == Kind.ENVELOPE) {
			// Settled for good: no lock per message.
			return this.codec.decode(bytes);
		}
		synchronized (state) {
			switch (state.kind) {
				case ENVELOPE:
					return this.codec.decode(bytes);
				case RAW:
					return Envelope.of(bytes);
				case MISMATCH:
					logger.debug("Pipe '{}': dropped a message of {} bytes from a server that does not speak the "
							+ "envelope", this.pipeName, bytes.length);
					return null;
				default:
					return first(connection, state, bytes);
			}
		}
	}

	/**
	 * Sends a message on a connection in its format: the envelope, or its payload alone on a
	 * raw connection. A server holds what it sends to a connection whose first message has not
	 * arrived yet, since that message tells the format, and sends it once it did, or in the raw
	 * format if the peer said nothing for {@value #HELLO_TIMEOUT_MILLIS} ms.
	 * @return the future of the send; it fails on a client whose server does not speak the
	 * envelope, or if the envelope cannot be encoded
	 */
	CompletableFuture<SendResult> send(PipeConnection connection, Envelope envelope) {
		return send(connection, envelope, false);
	}

	/**
	 * Sends a message, or a request that waits for a reply, on a connection in its format. A
	 * request fails instead of going out where the connection speaks the raw format, which has
	 * no correlation id for a reply to carry back.
	 * @param request whether the envelope is a request of request-reply
	 * @return the future of the send
	 */
	CompletableFuture<SendResult> send(PipeConnection connection, Envelope envelope, boolean request) {
		if (this.format == PipeFormat.RAW) {
			return request ? CompletableFuture.failedFuture(new PipeException(rawPipeMessage()))
					: connection.send(envelope.getPayload());
		}
		State state = state(connection);
		if (state.kind == Kind.ENVELOPE) {
			// Settled for good, and published only once the hello and the held messages were handed to the
			// connection: what goes out here goes out after them, without a lock per message.
			return connection.send(this.codec.encode(envelope));
		}
		synchronized (state) {
			if (this.role == PipeRole.CLIENT) {
				if (state.kind == Kind.MISMATCH) {
					return CompletableFuture
						.failedFuture(new PipeClosedException(mismatchMessage() + "; the message was not sent"));
				}
				sendHello(connection, state);
				return connection.send(this.codec.encode(envelope));
			}
			if (state.kind == Kind.UNKNOWN) {
				if (!connection.isOpen()) {
					// Its entry is gone with onDisconnected: nothing would ever release the message.
					return CompletableFuture.failedFuture(new PipeClosedException("connection " + connection.id()
							+ " of pipe '" + this.pipeName + "' is closed; the message was not sent"));
				}
				CompletableFuture<SendResult> held = new CompletableFuture<>();
				state.held.add(new Held(envelope, request, held));
				return held;
			}
			if (request && state.kind == Kind.RAW) {
				return CompletableFuture.failedFuture(new PipeException(rawConnectionMessage(connection)));
			}
			return connection.send(bytes(state, envelope));
		}
	}

	String rawPipeMessage() {
		return "pipe '" + this.pipeName + "' speaks the raw format (" + this.formatProperty + "=raw), which carries "
				+ "no correlation id, so a reply could not find its request; set " + this.formatProperty
				+ "=envelope for request-reply, or send with convertAndSend; the request was not sent";
	}

	private String rawConnectionMessage(PipeConnection connection) {
		return "connection " + connection.id() + " of pipe '" + this.pipeName + "' speaks the raw format (its peer "
				+ "sent no envelope hello), which carries no correlation id, so a reply could not find its request; "
				+ "the request was not sent";
	}

	private byte[] bytes(State state, Envelope envelope) {
		return bytes(state.kind, envelope);
	}

	private byte[] bytes(Kind kind, Envelope envelope) {
		return (kind == Kind.ENVELOPE) ? this.codec.encode(envelope) : envelope.getPayload();
	}

	/** Sends what a server held for a connection, now that its format is known. */
	private void release(PipeConnection connection, State state, Kind kind) {
		for (Held held : state.held) {
			if (held.request && kind == Kind.RAW) {
				held.future.completeExceptionally(new PipeException(rawConnectionMessage(connection)));
				continue;
			}
			try {
				connection.send(bytes(kind, held.envelope)).whenComplete((sent, error) -> {
					if (error != null) {
						held.future.completeExceptionally(error);
					}
					else {
						held.future.complete(sent);
					}
				});
			}
			catch (RuntimeException ex) {
				held.future.completeExceptionally(ex);
			}
		}
		state.held.clear();
	}

	private Envelope first(PipeConnection connection, State state, byte[] bytes) {
		boolean hello = EnvelopeCodec.startsWithMagic(bytes);
		if (hello) {
			// A later version or a malformed hello: the codec's error names it, and closes the connection.
			this.codec.decodeHello(bytes);
		}
		if (this.role == PipeRole.CLIENT) {
			if (hello) {
				state.kind = Kind.ENVELOPE;
				return null;
			}
			mismatch(connection, state);
			return null;
		}
		if (hello) {
			connection.send(this.codec.encodeHello());
			release(connection, state, Kind.ENVELOPE);
			// Published last: a send that sees it skips the lock, and must go out after the hello and what was held.
			state.kind = Kind.ENVELOPE;
			return null;
		}
		release(connection, state, Kind.RAW);
		state.kind = Kind.RAW;
		return Envelope.of(bytes);
	}

	private void helloTimedOut(PipeConnection connection, State state) {
		synchronized (state) {
			if (state.kind != Kind.UNKNOWN || !connection.isOpen()) {
				return;
			}
			if (this.role == PipeRole.CLIENT) {
				mismatch(connection, state);
			}
			else {
				// A peer that says nothing first is a raw one: only an envelope peer must speak first.
				release(connection, state, Kind.RAW);
				state.kind = Kind.RAW;
			}
		}
	}

	private void mismatch(PipeConnection connection, State state) {
		state.kind = Kind.MISMATCH;
		logger.warn("{}; connection {} delivers nothing to listeners", mismatchMessage(), connection.id());
	}

	private String mismatchMessage() {
		return "Pipe '" + this.pipeName + "': the server does not speak the envelope (no hello within "
				+ HELLO_TIMEOUT_MILLIS + " ms, or other bytes first); set " + this.formatProperty
				+ "=raw to talk to it";
	}

	private void sendHello(PipeConnection connection, State state) {
		synchronized (state) {
			if (!state.helloSent) {
				state.helloSent = true;
				connection.send(this.codec.encodeHello());
			}
		}
	}

	private State state(PipeConnection connection) {
		// A connection that closed keeps no entry: its entry went with onDisconnected.
		return connection.isOpen() ? this.states.computeIfAbsent(connection.id(), (id) -> new State()) : new State();
	}

	private enum Kind {

		UNKNOWN, ENVELOPE, RAW, MISMATCH

	}

	private static final class State {

		/** Written under the state's lock, read without it on the paths of a settled connection. */
		private volatile Kind kind = Kind.UNKNOWN;

		private boolean helloSent;

		private final List<Held> held = new ArrayList<>();

	}

	private record Held(Envelope envelope, boolean request, CompletableFuture<SendResult> future) {
	}

}
