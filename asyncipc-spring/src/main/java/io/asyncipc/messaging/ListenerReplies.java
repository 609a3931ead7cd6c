package io.asyncipc.messaging;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import io.asyncipc.messaging.envelope.Envelope;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.SendResult;

import org.springframework.messaging.converter.MessageConverter;

/**
 * What a listener sends back, as {@code docs/wire-format.md} describes it: its return value
 * as an ordinary message, or as the reply to a request (the reply flag and the request's
 * correlation id); or its exception as an error reply (the reply and error flags, the
 * exception's class name as the type id, its message as UTF-8 text).
 */
final class ListenerReplies {

	/** The content type of an error reply's payload. */
	static final String ERROR_CONTENT_TYPE = "text/plain;charset=UTF-8";

	private ListenerReplies() {
	}

	/**
	 * Turns a return value into what goes back.
	 * @param correlationId the request's correlation id, or {@code null} if the message was no
	 * request
	 */
	static Envelope reply(Object result, MessageConverter converter, String correlationId) {
		return (correlationId != null) ? OutboundEnvelopes.reply(result, converter, correlationId)
				: OutboundEnvelopes.of(result, converter);
	}

	/**
	 * Turns a listener's exception into the error reply to a request.
	 */
	static Envelope error(String correlationId, Throwable failure) {
		String message = (failure.getMessage() != null) ? failure.getMessage() : "";
		return Envelope.builder()
			.correlationId(correlationId)
			.reply(true)
			.error(true)
			.typeId(failure.getClass().getName())
			.contentType(ERROR_CONTENT_TYPE)
			.payload(message.getBytes(StandardCharsets.UTF_8))
			.build();
	}

	/**
	 * Sends an envelope on the connection a listener got: in its format, the payload alone on
	 * a raw one.
	 */
	static CompletableFuture<SendResult> send(PipeConnection connection, Envelope envelope) {
		try {
			return (connection instanceof EnvelopeConnection enveloped) ? enveloped.send(envelope)
					: connection.send(envelope.getPayload());
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

}
