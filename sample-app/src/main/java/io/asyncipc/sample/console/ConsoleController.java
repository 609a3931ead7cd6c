package io.asyncipc.sample.console;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.asyncipc.transport.PipeException;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The live console's endpoints; the page itself is {@code static/index.html}, which Spring
 * Boot serves at {@code GET /}.
 * <ul>
 * <li>{@code GET /console/events}: server-sent events, {@code state} (the pipes, their
 * connections and meters) and {@code event} (connected, disconnected, in, out, ...);</li>
 * <li>{@code GET /console/state}: the same state, once;</li>
 * <li>{@code POST /console/send}: {@code {"pipe": "default", "connection": "*", "text": "hi"}}
 * sends text to one connection, or to all with {@code "*"}.</li>
 * </ul>
 */
@RestController
public class ConsoleController {

	private final ConsolePipes pipes;

	private final ConsoleFeed feed;

	private final ConsoleSender sender;

	ConsoleController(ConsolePipes pipes, ConsoleFeed feed, ConsoleSender sender) {
		this.pipes = pipes;
		this.feed = feed;
		this.sender = sender;
	}

	@GetMapping(path = "/console/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	SseEmitter events() {
		return this.feed.subscribe(this.pipes.snapshot());
	}

	@GetMapping("/console/state")
	ConsoleState state() {
		return this.pipes.snapshot();
	}

	@PostMapping("/console/send")
	CompletableFuture<ResponseEntity<Object>> send(@RequestBody SendRequest request) {
		if (request.text() == null) {
			return badRequest("no text to send");
		}
		String pipe = (request.pipe() != null) ? request.pipe() : "default";
		String connection = (request.connection() != null && !request.connection().isEmpty()) ? request.connection()
				: ConsoleSender.ALL;
		CompletableFuture<ConsoleSender.Outcome> sending;
		try {
			sending = this.sender.send(pipe, connection, request.text());
		}
		catch (IllegalArgumentException ex) {
			return badRequest(ex.getMessage());
		}
		return sending.handle((outcome, error) -> {
			if (error == null) {
				return ResponseEntity.accepted().body(outcome);
			}
			Throwable cause = ConsoleSender.unwrap(error);
			HttpStatus status = (cause instanceof PipeException) ? HttpStatus.SERVICE_UNAVAILABLE
					: HttpStatus.INTERNAL_SERVER_ERROR;
			return ResponseEntity.status(status).body(Map.of("error", String.valueOf(cause.getMessage())));
		});
	}

	private static CompletableFuture<ResponseEntity<Object>> badRequest(String error) {
		return CompletableFuture.completedFuture(ResponseEntity.badRequest().body(Map.of("error", error)));
	}

	/**
	 * A message typed into the console.
	 *
	 * @param pipe the pipe's id; {@code default} if absent
	 * @param connection a connection id, or {@code "*"} (or absent) for every connection
	 * @param text the text
	 */
	record SendRequest(String pipe, String connection, String text) {
	}

}
