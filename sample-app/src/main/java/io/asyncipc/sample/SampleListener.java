package io.asyncipc.sample;

import java.time.Instant;

import io.asyncipc.messaging.PipeHeaders;
import io.asyncipc.messaging.PipeListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.messaging.handler.annotation.Header;
import org.springframework.stereotype.Component;

/**
 * Logs and records every message the sample receives.
 */
@Component
public class SampleListener {

	private static final Logger logger = LoggerFactory.getLogger(SampleListener.class);

	private final MessageLog log;

	SampleListener(MessageLog log) {
		this.log = log;
	}

	@PipeListener
	void onMessage(String text, @Header(PipeHeaders.CONNECTION_ID) String connectionId) {
		logger.info("Received on {}: {}", connectionId, text);
		this.log.add(new ReceivedMessage(connectionId, Instant.now(), text));
	}

}
