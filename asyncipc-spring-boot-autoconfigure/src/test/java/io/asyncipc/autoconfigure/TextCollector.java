package io.asyncipc.autoconfigure;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import io.asyncipc.messaging.PipeListener;

import org.springframework.context.annotation.Configuration;

/**
 * A listener that keeps every text message it receives, for tests to poll.
 */
@Configuration(proxyBeanMethods = false)
class TextCollector {

	final BlockingQueue<String> texts = new LinkedBlockingQueue<>();

	@PipeListener
	void collect(String text) {
		this.texts.add(text);
	}

}
