package io.asyncipc.autoconfigure;

import java.time.Duration;

import io.asyncipc.messaging.PipeEndpointContainer;

import org.springframework.util.unit.DataSize;

/**
 * The settings of one pipe, each with the full name of the property it came from, so that an
 * error names the property the user set: {@code asyncipc.pipes.orders.role} for a pipe of the
 * map, {@code asyncipc.role} for the single pipe and for the settings a pipe of the map takes
 * from the top level.
 *
 * @param id the pipe's id
 * @param name the pipe name
 * @param role the role
 * @param mode the I/O mode
 * @param format the wire format
 * @param maxMessageSize the largest message
 * @param maxQueuedBytes the bytes a connection may queue
 * @param ioThreads the I/O threads of a server
 * @param backlog the Unix accept backlog
 * @param maxConnections the connections a server holds
 * @param frameTimeout the frame-completion timeout
 * @param idleTimeout the idle timeout
 * @param replyTimeout how long a request waits for its reply
 * @param minBackoff the first reconnect wait
 * @param maxBackoff the longest reconnect wait
 * @param failFast whether a client must reach its server at startup
 * @param startupTimeout how long a fail-fast client waits
 * @param templateObservation whether the template's sends are observed
 * @param listenerObservation whether listener invocations are observed
 */
record PipeDefinition(String id, Setting<String> name, Setting<String> role, Setting<String> mode,
		Setting<String> format, Setting<DataSize> maxMessageSize, Setting<DataSize> maxQueuedBytes, Setting<Integer> ioThreads,
		Setting<Integer> backlog, Setting<Integer> maxConnections, Setting<Duration> frameTimeout,
		Setting<Duration> idleTimeout, Setting<Duration> replyTimeout, Setting<Duration> minBackoff, Setting<Duration> maxBackoff,
		Setting<Boolean> failFast, Setting<Duration> startupTimeout, Setting<Boolean> templateObservation,
		Setting<Boolean> listenerObservation) {

	private static final String TOP = "asyncipc.";

	/**
	 * Returns the single pipe of the top-level {@code asyncipc.name}, {@code role} and
	 * {@code mode}.
	 */
	static PipeDefinition single(AsyncIpcProperties p) {
		return new PipeDefinition(PipeEndpointContainer.DEFAULT_ID, top("name", p.getName()), top("role", p.getRole()),
				top("mode", p.getMode()), top("format", p.getFormat()), top("max-message-size", p.getMaxMessageSize()),
				top("max-queued-bytes", p.getMaxQueuedBytes()), top("io-threads", p.getIoThreads()),
				top("backlog", p.getBacklog()), top("max-connections", p.getMaxConnections()),
				top("frame-timeout", p.getFrameTimeout()), top("idle-timeout", p.getIdleTimeout()),
				top("reply-timeout", p.getReplyTimeout()),
				top("reconnect.min-backoff", p.getReconnect().getMinBackoff()),
				top("reconnect.max-backoff", p.getReconnect().getMaxBackoff()),
				top("client.fail-fast", p.getClient().isFailFast()),
				top("client.startup-timeout", p.getClient().getStartupTimeout()),
				top("template.observation-enabled", p.getTemplate().isObservationEnabled()),
				top("listener.observation-enabled", p.getListener().isObservationEnabled()));
	}

	/**
	 * Returns the pipe {@code asyncipc.pipes.<id>}: its own settings, and the top-level ones
	 * that it does not set. Its name defaults to its id, its role to server, its mode to auto.
	 */
	static PipeDefinition of(String id, AsyncIpcProperties p) {
		AsyncIpcProperties.Pipe pipe = p.getPipes().get(id);
		Resolver r = new Resolver(id);
		return new PipeDefinition(id, r.own("name", pipe.getName(), id), r.own("role", pipe.getRole(), "server"),
				r.own("mode", pipe.getMode(), "auto"), r.or("format", pipe.getFormat(), p.getFormat()),
				r.or("max-message-size", pipe.getMaxMessageSize(), p.getMaxMessageSize()),
				r.or("max-queued-bytes", pipe.getMaxQueuedBytes(), p.getMaxQueuedBytes()),
				r.or("io-threads", pipe.getIoThreads(), p.getIoThreads()),
				r.or("backlog", pipe.getBacklog(), p.getBacklog()),
				r.or("max-connections", pipe.getMaxConnections(), p.getMaxConnections()),
				r.or("frame-timeout", pipe.getFrameTimeout(), p.getFrameTimeout()),
				r.or("idle-timeout", pipe.getIdleTimeout(), p.getIdleTimeout()),
				r.or("reply-timeout", pipe.getReplyTimeout(), p.getReplyTimeout()),
				r.or("reconnect.min-backoff", pipe.getReconnect().getMinBackoff(), p.getReconnect().getMinBackoff()),
				r.or("reconnect.max-backoff", pipe.getReconnect().getMaxBackoff(), p.getReconnect().getMaxBackoff()),
				r.or("client.fail-fast", pipe.getClient().getFailFast(), p.getClient().isFailFast()),
				r.or("client.startup-timeout", pipe.getClient().getStartupTimeout(),
						p.getClient().getStartupTimeout()),
				r.or("template.observation-enabled", pipe.getTemplate().getObservationEnabled(),
						p.getTemplate().isObservationEnabled()),
				r.or("listener.observation-enabled", pipe.getListener().getObservationEnabled(),
						p.getListener().isObservationEnabled()));
	}

	private static <T> Setting<T> top(String key, T value) {
		return new Setting<>(TOP + key, value);
	}

	/**
	 * A value and the property it came from.
	 * @param <T> the value's type
	 * @param property the full property name
	 * @param value the value
	 */
	record Setting<T>(String property, T value) {
	}

	private record Resolver(String id) {

		<T> Setting<T> own(String key, T value, T fallback) {
			return new Setting<>(prefix() + key, (value != null) ? value : fallback);
		}

		<T> Setting<T> or(String key, T value, T topLevel) {
			return (value != null) ? new Setting<>(prefix() + key, value) : top(key, topLevel);
		}

		private String prefix() {
			return TOP + "pipes." + this.id + ".";
		}

	}

}
