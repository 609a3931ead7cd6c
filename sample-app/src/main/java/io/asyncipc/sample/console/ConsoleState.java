package io.asyncipc.sample.console;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the console shows of this process and its pipes at one moment.
 *
 * @param pid this process's id
 * @param time when the snapshot was taken
 * @param pipes every pipe of the application
 */
public record ConsoleState(long pid, Instant time, List<Pipe> pipes) {

	/**
	 * One pipe.
	 *
	 * @param id its id ({@code default} for {@code asyncipc.name})
	 * @param name its name
	 * @param role {@code server} or {@code client}
	 * @param mode the transport, such as {@code unix} or {@code overlapped}
	 * @param address the OS address, or {@code null} before the pipe started
	 * @param state the endpoint's state, such as {@code LISTENING} or {@code RECONNECTING}
	 * @param health {@code UP}, {@code DOWN}, or {@code null} where health is off
	 * @param problem the health's error or last connection error, or {@code null}
	 * @param connections the open connections
	 * @param meters the pipe's meters that exist, by name
	 */
	public record Pipe(String id, String name, String role, String mode, String address, String state, String health,
			String problem, List<Connection> connections, Map<String, MeterValue> meters) {
	}

	/**
	 * One open connection.
	 *
	 * @param id its id
	 * @param user the peer's OS user
	 * @param pid the peer's process id, or {@code null} where the OS does not tell
	 * @param since when it opened, or {@code null} if it opened before the console saw it
	 * @param queuedBytes the bytes waiting to be written to it
	 */
	public record Connection(String id, String user, Long pid, Instant since, long queuedBytes) {
	}

	/**
	 * A meter's value, summed over the meters of that name and pipe.
	 *
	 * @param value the count, or the gauge's value
	 * @param meanMs a timer's mean in milliseconds, else {@code null}
	 * @param maxMs a timer's maximum in milliseconds (over Micrometer's recent window), else
	 * {@code null}
	 * @param byTag the value by the meter's distinguishing tag (the failure {@code reason}),
	 * or {@code null}
	 */
	public record MeterValue(double value, Double meanMs, Double maxMs, Map<String, Double> byTag) {
	}

}
