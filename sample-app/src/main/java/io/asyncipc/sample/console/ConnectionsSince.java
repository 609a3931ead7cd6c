package io.asyncipc.sample.console;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * When each open connection opened, from its {@code PipeConnectedEvent}: the library keeps no
 * such time, so the sample does.
 */
@Component
public class ConnectionsSince {

	private final Map<String, Instant> since = new ConcurrentHashMap<>();

	void opened(String pipeId, String connectionId, Instant time) {
		this.since.put(key(pipeId, connectionId), time);
	}

	void closed(String pipeId, String connectionId) {
		this.since.remove(key(pipeId, connectionId));
	}

	/**
	 * Returns when a connection opened.
	 * @param pipeId the pipe's id
	 * @param connectionId the connection's id
	 * @return the time, or {@code null} if the connection opened before the console listened
	 */
	public Instant get(String pipeId, String connectionId) {
		return this.since.get(key(pipeId, connectionId));
	}

	private static String key(String pipeId, String connectionId) {
		return pipeId + '\n' + connectionId;
	}

}
