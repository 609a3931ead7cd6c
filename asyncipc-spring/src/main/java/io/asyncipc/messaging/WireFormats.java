package io.asyncipc.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.asyncipc.messaging.envelope.Envelope;
import io.asyncipc.messaging.envelope.EnvelopeCodec;
import io.asyncipc.messaging.envelope.EnvelopeFormatException;
import io.asyncipc.transport.MessageTooLargeException;
import io.asyncipc.transport.PipeClosedException;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeException;
import io.asyncipc.transport.PipeRole;
import io.asyncipc.transport.PipeStatistics;
import io.asyncipc.transport.SendFailureReason;
import io.asyncipc.transport.SendResult;
import io.asyncipc.transport.support.ConnectionIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wire format of each connection of one pipe, told apart as {@code docs/wire-format.md}
 * says: a client of an envelope pipe sends the hello first and waits a second for the server's;
 * a server of an envelope pipe reads the first message of each connection, answers a hello and
 * serves anything else in the raw format; until that first message, or for a second, it holds
 * what it sends to the connection. The hellos carry parameters where both ends are AsyncIPC:
 * each end's largest message, so that a sender refuses what its peer would close the connection
 * for, and the server's id of the connection, which the client takes, so that both ends name
 * it alike; a client's connection is announced once its server's hello came (or did not). The
 * state lives here, one entry per open connection, removed when it closes.
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

	private final long maxMessageSize;

	private final Consumer<PipeConnection> announcer;

	private final PipeStatistics statistics;

	/** By connection, not by id: a client's connection takes its server's id from the hello. */
	private final Map<PipeConnection, State> states = new ConcurrentHashMap<>();

	/**
	 * Creates the formats of one pipe.
	 * @param maxMessageSize the largest message this end accepts, which its hello tells the peer
	 * @param announcer told of a client's connection once its server's hello came, or it is
	 * known that none comes; a server's connections, and those of a raw pipe, are announced at
	 * once, by the caller of {@link #onConnected}
	 * @param statistics counts the sends refused here, before the transport saw them
	 */
	WireFormats(String pipeName, PipeRole role, PipeFormat format, String formatProperty, long maxMessageSize,
			Consumer<PipeConnection> announcer, PipeStatistics statistics) {
		this.pipeName = pipeName;
		this.role = role;
		this.format = format;
		this.formatProperty = formatProperty;
		this.maxMessageSize = maxMessageSize;
		this.announcer = announcer;
		this.statistics = statistics;
	}

	PipeFormat format() {
		return this.format;
	}

	/**
	 * Starts a connection: a client of an envelope pipe sends its hello.
	 * @return whether the connection is to be announced now; if not, the announcer is told
	 * later, unless it closes first
	 */
	boolean onConnected(PipeConnection connection) {
		if (this.format == PipeFormat.RAW) {
			return true;
		}
		State state = state(connection);
		if (this.role == PipeRole.CLIENT) {
			sendHello(connection, state);
		}
		CompletableFuture.delayedExecutor(HELLO_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
			.execute(() -> helloTimedOut(connection, state));
		return this.role == PipeRole.SERVER;
	}

	/**
	 * Ends a connection: what was held for it fails.
	 * @return whether it had been announced
	 */
	boolean onDisconnected(PipeConnection connection) {
		State state = this.states.remove(connection);
		if (state == null) {
			return true;
		}
		synchronized (state) {
			for (Held held : state.held) {
				this.statistics.sendFailed(SendFailureReason.CLOSED);
				held.future.completeExceptionally(new PipeClosedException("connection " + connection.id()
						+ " of pipe '" + this.pipeName + "' closed before the message was sent"));
			}
			state.held.clear();
			boolean announced = state.announced || this.role == PipeRole.SERVER;
			// A hello that comes no more must not announce it afterwards.
			state.announced = true;
			return announced;
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
		Envelope envelope;
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
					envelope = first(connection, state, bytes);
			}
		}
		announceIfDue(connection, state);
		return envelope;
	}

	/**
	 * Reads a received message as a reply if it is one on a connection settled on the envelope,
	 * without a lock and without creating any state: the I/O thread asks this of every message,
	 * so that a reply completes its request at once instead of waiting its turn for a listener
	 * thread.
	 * @return the reply, or {@code null} if the message is not a valid reply, or the
	 * connection's format is not settled yet (the message then takes the ordinary path, which
	 * reports what is wrong with it)
	 */
	Envelope settledReply(PipeConnection connection, byte[] bytes) {
		if (this.format == PipeFormat.RAW || !EnvelopeCodec.looksLikeReply(bytes)) {
			return null;
		}
		State state = this.states.get(connection);
		if (state == null || state.kind != Kind.ENVELOPE) {
			return null;
		}
		try {
			return this.codec.decode(bytes);
		}
		catch (EnvelopeFormatException ex) {
			return null;
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
			return request ? refused(SendFailureReason.OTHER, new PipeException(rawPipeMessage()))
					: connection.send(envelope.getPayload());
		}
		State state = state(connection);
		if (state.kind == Kind.ENVELOPE) {
			// Settled for good, and published only once the hello and the held messages were handed to the
			// connection: what goes out here goes out after them, without a lock per message.
			return sendEnvelope(connection, state, envelope);
		}
		synchronized (state) {
			if (this.role == PipeRole.CLIENT) {
				if (state.kind == Kind.MISMATCH) {
					return refused(SendFailureReason.OTHER,
							new PipeClosedException(mismatchMessage() + "; the message was not sent"));
				}
				sendHello(connection, state);
				return sendEnvelope(connection, state, envelope);
			}
			if (state.kind == Kind.UNKNOWN) {
				if (!connection.isOpen()) {
					// Its entry is gone with onDisconnected: nothing would ever release the message.
					return refused(SendFailureReason.CLOSED, new PipeClosedException("connection " + connection.id()
							+ " of pipe '" + this.pipeName + "' is closed; the message was not sent"));
				}
				CompletableFuture<SendResult> held = new CompletableFuture<>();
				state.held.add(new Held(envelope, request, held));
				return held;
			}
			if (request && state.kind == Kind.RAW) {
				return refused(SendFailureReason.OTHER, new PipeException(rawConnectionMessage(connection)));
			}
			return (state.kind == Kind.ENVELOPE) ? sendEnvelope(connection, state, envelope)
					: connection.send(envelope.getPayload());
		}
	}

	/**
	 * Sends an envelope, unless it is larger than the peer said it accepts: the peer would close
	 * the connection for it, and only its own log would say why.
	 */
	private CompletableFuture<SendResult> sendEnvelope(PipeConnection connection, State state, Envelope envelope) {
		byte[] bytes = this.codec.encode(envelope);
		if (bytes.length > state.peerMaxMessageSize) {
			return refused(SendFailureReason.TOO_LARGE, new MessageTooLargeException("message of " + bytes.length
					+ " bytes is larger than the maximum of " + state.peerMaxMessageSize + " bytes that the peer of "
					+ "connection " + connection.id() + " on pipe '" + this.pipeName + "' accepts, as its hello said; "
					+ "raise max-message-size there (asyncipc.max-message-size or asyncipc.pipes.<id>.max-message-size "
					+ "on an AsyncIPC peer), or send less; the message was not sent"));
		}
		return connection.send(bytes);
	}

	/** Fails a send refused here, before the transport saw it, and counts it. */
	private <T> CompletableFuture<T> refused(SendFailureReason reason, Throwable failure) {
		this.statistics.sendFailed(reason);
		return CompletableFuture.failedFuture(failure);
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

	/** Sends what a server held for a connection, now that its format is known. */
	private void release(PipeConnection connection, State state, Kind kind) {
		for (Held held : state.held) {
			if (held.request && kind == Kind.RAW) {
				this.statistics.sendFailed(SendFailureReason.OTHER);
				held.future.completeExceptionally(new PipeException(rawConnectionMessage(connection)));
				continue;
			}
			try {
				CompletableFuture<SendResult> sent = (kind == Kind.ENVELOPE)
						? sendEnvelope(connection, state, held.envelope) : connection.send(held.envelope.getPayload());
				sent.whenComplete((result, error) -> {
					if (error != null) {
						held.future.completeExceptionally(error);
					}
					else {
						held.future.complete(result);
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
		// A later version or a malformed hello: the codec's error names it, and closes the connection.
		HelloParameters parameters = hello ? HelloParameters.of(this.codec.decodeHello(bytes)) : null;
		if (this.role == PipeRole.CLIENT) {
			if (hello) {
				takeParameters(connection, state, parameters);
				state.kind = Kind.ENVELOPE;
				state.announceDue = true;
				return null;
			}
			mismatch(connection, state);
			return null;
		}
		if (hello) {
			state.peerMaxMessageSize = parameters.maxMessageSize();
			// A client whose hello had no parameters may refuse a hello with some: it gets the plain one.
			connection.send(parameters.present() ? this.codec.encodeHello(serverParameters(connection))
					: this.codec.encodeHello());
			release(connection, state, Kind.ENVELOPE);
			// Published last: a send that sees it skips the lock, and must go out after the hello and what was held.
			state.kind = Kind.ENVELOPE;
			return null;
		}
		release(connection, state, Kind.RAW);
		state.kind = Kind.RAW;
		return Envelope.of(bytes);
	}

	private void takeParameters(PipeConnection connection, State state, HelloParameters parameters) {
		state.peerMaxMessageSize = parameters.maxMessageSize();
		String serverId = parameters.connectionId();
		if (serverId != null) {
			String ownId = connection.id();
			if (ConnectionIds.adopt(connection, serverId)) {
				logger.debug("Pipe '{}': connection {} takes the id {} that its server gave it", this.pipeName, ownId,
						serverId);
			}
			else {
				logger.debug("Pipe '{}': connection {} keeps its id: another connection has its server's id {}",
						this.pipeName, ownId, serverId);
			}
		}
	}

	private Map<String, String> serverParameters(PipeConnection connection) {
		Map<String, String> parameters = new LinkedHashMap<>();
		parameters.put(EnvelopeCodec.CONNECTION_ID_PARAMETER, connection.id());
		parameters.put(EnvelopeCodec.MAX_MESSAGE_SIZE_PARAMETER, Long.toString(this.maxMessageSize));
		return parameters;
	}

	/** Tells the announcer of a client's connection once, outside the state's lock. */
	private void announceIfDue(PipeConnection connection, State state) {
		synchronized (state) {
			if (!state.announceDue || state.announced) {
				return;
			}
			state.announced = true;
		}
		this.announcer.accept(connection);
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
		announceIfDue(connection, state);
	}

	private void mismatch(PipeConnection connection, State state) {
		state.kind = Kind.MISMATCH;
		state.announceDue = true;
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
				connection.send(this.codec.encodeHello(
						Map.of(EnvelopeCodec.MAX_MESSAGE_SIZE_PARAMETER, Long.toString(this.maxMessageSize))));
			}
		}
	}

	private State state(PipeConnection connection) {
		// A connection that closed keeps no entry: its entry went with onDisconnected.
		return connection.isOpen() ? this.states.computeIfAbsent(connection, (key) -> new State()) : new State();
	}

	private enum Kind {

		UNKNOWN, ENVELOPE, RAW, MISMATCH

	}

	private static final class State {

		/** Written under the state's lock, read without it on the paths of a settled connection. */
		private volatile Kind kind = Kind.UNKNOWN;

		/**
		 * The largest message the peer said it accepts. Written before {@link #kind} turns
		 * {@code ENVELOPE}, so that the sends that read it after the kind see it.
		 */
		private long peerMaxMessageSize = Long.MAX_VALUE;

		private boolean helloSent;

		/** A client's connection is to be announced: its server's hello came, or it is known that none comes. */
		private boolean announceDue;

		private boolean announced;

		private final List<Held> held = new ArrayList<>();

	}

	private record Held(Envelope envelope, boolean request, CompletableFuture<SendResult> future) {
	}

}
