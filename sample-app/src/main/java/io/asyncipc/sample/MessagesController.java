package io.asyncipc.sample;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.sample.console.ConsoleSender;
import io.asyncipc.transport.PipeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /messages} sends the text body to the peer (or to one connection);
 * {@code GET /messages} lists what was received.
 */
@RestController
public class MessagesController {

	private static final Logger logger = LoggerFactory.getLogger(MessagesController.class);

	private final PipeTemplate template;

	private final MessageLog log;

	private final ConsoleSender console;

	MessagesController(PipeTemplate template, MessageLog log, ConsoleSender console) {
		this.template = template;
		this.log = log;
		this.console = console;
	}

	@PostMapping("/messages")
	CompletableFuture<ResponseEntity<Map<String, Object>>> send(@RequestBody String text,
			@RequestParam(name = "connection", defaultValue = PipeTemplate.PEER) String connection) {
		return this.template.convertAndSendAsync(connection, text).handle((result, error) -> {
			if (error != null) {
				Throwable cause = (error.getCause() != null) ? error.getCause() : error;
				logger.warn("Could not send '{}': {}", text, cause.getMessage());
				this.console.failed(this.template.getPipeId(), PipeTemplate.PEER.equals(connection) ? null : connection,
						cause);
				HttpStatus status = (cause instanceof PipeException) ? HttpStatus.SERVICE_UNAVAILABLE
						: HttpStatus.INTERNAL_SERVER_ERROR;
				return ResponseEntity.status(status).body(Map.of("error", String.valueOf(cause.getMessage())));
			}
			logger.info("Sent to {} ({} bytes): {}", result.connectionId(), result.bytes(), text);
			this.console.sent(this.template.getPipeId(), result, text);
			return ResponseEntity.accepted().body(Map.of("connection", result.connectionId(), "bytes", result.bytes()));
		});
	}

	@GetMapping("/messages")
	List<ReceivedMessage> received() {
		return this.log.all();
	}

}
