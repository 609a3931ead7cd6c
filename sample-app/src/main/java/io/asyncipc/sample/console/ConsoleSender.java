package io.asyncipc.sample.console;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.messaging.PipeTemplates;
import io.asyncipc.transport.SendResult;

import org.springframework.stereotype.Component;

/**
 * Sends text on a pipe, to one connection or to all, and shows each message on the console as
 * it goes out (or as it fails). The sample's other senders report theirs through
 * {@link #sent} and {@link #failed}.
 */
@Component
public class ConsoleSender {

	/** The target that means every connection of the pipe. */
	public static final String ALL = PipeTemplate.PEER;

	private final PipeTemplates templates;

	private final ConsoleFeed feed;

	ConsoleSender(PipeTemplates templates, ConsoleFeed feed) {
		this.templates = templates;
		this.feed = feed;
	}

	/**
	 * Sends text to one connection of a pipe, or to all of them.
	 * @param pipeId the pipe's id
	 * @param connection a connection id, or {@link #ALL}
	 * @param text the text, sent as UTF-8
	 * @return the future of what became of it; it fails if the text went nowhere
	 * @throws IllegalArgumentException if the application has no pipe of that id
	 */
	public CompletableFuture<Outcome> send(String pipeId, String connection, String text) {
		PipeTemplate template = this.templates.get(pipeId);
		if (!ALL.equals(connection)) {
			return template.convertAndSendAsync(connection, text).whenComplete((result, error) -> {
				if (error != null) {
					failed(pipeId, connection, unwrap(error));
				}
				else {
					sent(pipeId, result, text);
				}
			}).thenApply((result) -> new Outcome(1, result.bytes(), List.of()));
		}
		return template.convertAndBroadcastAsync(text).whenComplete((result, error) -> {
			if (error != null) {
				failed(pipeId, null, unwrap(error));
				return;
			}
			result.delivered().forEach((delivered) -> sent(pipeId, delivered, text));
			result.failed().forEach((failure) -> failed(pipeId, failure.connectionId(), failure.cause()));
		}).thenApply((result) -> new Outcome(result.delivered().size(), result.bytes(), result.failed()
			.stream()
			.map((failure) -> failure.connectionId() + ": " + failure.cause().getMessage())
			.toList()));
	}

	/**
	 * Shows a message that went out, with the size of its payload (as the console shows a
	 * received one; the envelope around it is not counted).
	 * @param pipeId the pipe's id
	 * @param result the connection that took it
	 * @param text the text sent
	 */
	public void sent(String pipeId, SendResult result, String text) {
		this.feed.publish("out", pipeId, result.connectionId(), text.getBytes(StandardCharsets.UTF_8).length, text);
	}

	/**
	 * Shows a message that could not go out.
	 * @param pipeId the pipe's id
	 * @param connection the connection, or {@code null} if the send failed before choosing one
	 * @param cause why
	 */
	public void failed(String pipeId, String connection, Throwable cause) {
		this.feed.publish("send-failed", pipeId, connection, null, String.valueOf(cause.getMessage()));
	}

	static Throwable unwrap(Throwable error) {
		return (error instanceof CompletionException && error.getCause() != null) ? error.getCause() : error;
	}

	/**
	 * What became of a message sent from the console.
	 *
	 * @param delivered the connections that took it
	 * @param bytes the bytes handed to the OS, summed over them
	 * @param failures the connections that did not, each with why
	 */
	public record Outcome(int delivered, int bytes, List<String> failures) {
	}

}
