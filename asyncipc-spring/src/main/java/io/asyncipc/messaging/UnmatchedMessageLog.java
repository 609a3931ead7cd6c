package io.asyncipc.messaging;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.messaging.Message;

/**
 * Logs a message that no listener of its pipe accepts: once at WARN, without a stack trace,
 * for each pipe and type, since a peer that sends one unexpected type usually sends many. A
 * peer inventing type ids cannot grow it without bound: after {@value #MAX_TYPES} types one
 * last line says that further ones go unlogged.
 */
final class UnmatchedMessageLog {

	static final int MAX_TYPES = 256;

	private static final Logger logger = LoggerFactory.getLogger(PipeListenerEndpointRegistry.class);

	private final Set<String> logged = ConcurrentHashMap.newKeySet();

	private volatile boolean full;

	void unmatched(Message<byte[]> message) {
		if (this.full) {
			return;
		}
		Object pipe = message.getHeaders().get(PipeHeaders.PIPE_NAME);
		Object typeId = message.getHeaders().get(PipeHeaders.TYPE_ID);
		String type = (typeId != null) ? "type '" + typeId + "'" : "no type id";
		if (this.logged.size() >= MAX_TYPES) {
			this.full = true;
			logger.warn("Pipe '{}': more messages that no @PipeListener accepts; {} types were logged already, so "
					+ "others are dropped without a word from now on", pipe, MAX_TYPES);
			return;
		}
		if (this.logged.add(pipe + "\u0000" + type)) {
			logger.warn("Pipe '{}': no @PipeListener accepts a message with {} (connection {}), so it is dropped; "
					+ "add a listener or a @PipeHandler for that type, or a @PipeHandler(isDefault = true). "
					+ "Further such messages are not logged", pipe, type,
					message.getHeaders().get(PipeHeaders.CONNECTION_ID));
		}
	}

}
