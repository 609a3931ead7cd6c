package io.asyncipc.sample;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import io.asyncipc.messaging.PipeHeaders;
import io.asyncipc.messaging.PipeListener;
import io.asyncipc.sample.console.ConsoleFeed;
import io.asyncipc.sample.console.ConsolePipes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.messaging.handler.annotation.Header;
import org.springframework.stereotype.Component;

/**
 * Logs and records every message the sample receives, and shows it on the live console.
 */
@Component
public class SampleListener {

	private static final Logger logger = LoggerFactory.getLogger(SampleListener.class);

	private final MessageLog log;

	private final ConsoleFeed console;

	private final ConsolePipes pipes;

	SampleListener(MessageLog log, ConsoleFeed console, ConsolePipes pipes) {
		this.log = log;
		this.console = console;
		this.pipes = pipes;
	}

	@PipeListener
	void onMessage(String text, @Header(PipeHeaders.CONNECTION_ID) String connectionId,
			@Header(PipeHeaders.PIPE_NAME) String pipeName) {
		logger.info("Received on {}: {}", connectionId, text);
		this.log.add(new ReceivedMessage(connectionId, Instant.now(), text));
		this.console.publish("in", this.pipes.idOf(pipeName), connectionId,
				text.getBytes(StandardCharsets.UTF_8).length, text);
	}

}
