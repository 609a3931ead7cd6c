package io.asyncipc.sample;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.springframework.stereotype.Component;

/**
 * The last messages the sample received, for {@code GET /messages}.
 */
@Component
public class MessageLog {

	private static final int CAPACITY = 1000;

	private final Deque<ReceivedMessage> messages = new ArrayDeque<>();

	/**
	 * Records a message, forgetting the oldest beyond the capacity.
	 * @param message the message
	 */
	public synchronized void add(ReceivedMessage message) {
		if (this.messages.size() == CAPACITY) {
			this.messages.removeFirst();
		}
		this.messages.addLast(message);
	}

	/**
	 * Returns the recorded messages, oldest first.
	 * @return the messages
	 */
	public synchronized List<ReceivedMessage> all() {
		return List.copyOf(this.messages);
	}

}
