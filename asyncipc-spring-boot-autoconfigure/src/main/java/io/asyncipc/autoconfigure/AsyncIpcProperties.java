package io.asyncipc.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the application's pipes, under {@code asyncipc}: one pipe through the
 * top-level {@code name}, {@code role} and {@code mode} (its id is
 * {@value io.asyncipc.messaging.PipeEndpointContainer#DEFAULT_ID}), or several under
 * {@code pipes.<id>}, never both. The limits, reconnect and client settings at the top level
 * apply to every pipe that does not set its own; the listener executor and the inbound
 * memory budget are shared by all pipes.
 */
@ConfigurationProperties("asyncipc")
public class AsyncIpcProperties {

	/**
	 * Whether to enable AsyncIPC: false makes no pipe, template, listener container or health
	 * component, whatever else is set.
	 */
	private boolean enabled = true;

	/**
	 * Name of the pipe: the server listens on it and the client connects to it. A plain name
	 * (letters, digits, '.', '_', '-') maps to a private per-user socket on Unix and to
	 * \\.\pipe\<name> on Windows; on Unix an absolute path is used as it is.
	 */
	private String name;

	/**
	 * Role of this process: 'server' listens and serves any number of clients, 'client'
	 * connects to the server and reconnects when it goes away.
	 */
	private String role = "server";

	/**
	 * I/O mode: 'auto' (overlapped on Windows, Unix domain sockets elsewhere), 'overlapped'
	 * (Windows I/O completion port) or 'completion-routine' (Windows ReadFileEx/WriteFileEx).
	 */
	private String mode = "auto";

	/**
	 * Wire format: 'envelope' (headers and a type id travel beside each payload; a server also
	 * serves raw peers, told apart per connection) or 'raw' (the payload alone, for a client of
	 * a native server that speaks only raw messages).
	 */
	private String format = "envelope";

	/**
	 * Largest message that may be sent or received. A larger incoming frame closes its
	 * connection; a larger send fails its future.
	 */
	private DataSize maxMessageSize = DataSize.ofMegabytes(16);

	/**
	 * Most bytes each connection may have queued and not yet written. A send beyond it fails
	 * its future with OutboundQueueFullException. Also the most bytes of received messages
	 * that may wait for a listener on the executor: above it the connection stops reading
	 * until the listener catches up.
	 */
	private DataSize maxQueuedBytes = DataSize.ofMegabytes(64);

	/**
	 * Number of I/O threads a server spreads its connections over.
	 */
	private int ioThreads = 1;

	/**
	 * Clients a Unix server lets wait in the kernel to be accepted; a larger burst of
	 * connects is refused. The kernel caps it at net.core.somaxconn.
	 */
	private int backlog = 512;

	/**
	 * Most connections a server holds at once. A client above it is closed as soon as it is
	 * accepted, and reported with a PipePeerRejectedEvent.
	 */
	private int maxConnections = 1024;

	/**
	 * Longest a peer may take from the first byte of a message to its last. A connection that
	 * takes longer is closed (reason TIMED_OUT): that ends peers which send part of a frame and
	 * hold it open. Time during which this side stopped reading does not count.
	 */
	private Duration frameTimeout = Duration.ofSeconds(30);

	/**
	 * Longest a connection may go without reading or writing a byte before it is closed
	 * (reason TIMED_OUT). 0, the default, for no limit.
	 */
	private Duration idleTimeout = Duration.ZERO;

	/**
	 * How long PipeTemplate.convertSendAndReceive waits for the reply to a request unless the
	 * call gives its own timeout. A request that gets none in time fails with
	 * PipeReplyTimeoutException; a reply that comes later is dropped.
	 */
	private Duration replyTimeout = Duration.ofSeconds(5);

	/**
	 * Heap that received messages of all connections together may hold: frames still arriving
	 * and messages waiting for a listener. A connection that finds it spent stops reading until
	 * it has room again. Default: a quarter of the maximum heap, shared by the whole process.
	 */
	private DataSize maxInboundMemory;

	private final Reconnect reconnect = new Reconnect();

	private final Client client = new Client();

	private final Listener listener = new Listener();

	private final Template template = new Template();

	/**
	 * The pipes of the application by id, for an application with several, or with both
	 * server and client pipes. The id names the pipe to @PipeListener(pipe = ...), to
	 * @Qualifier on a PipeTemplate and in health; it may not be combined with the top-level
	 * 'name', 'role' and 'mode'.
	 */
	private final Map<String, Pipe> pipes = new LinkedHashMap<>();

	public Map<String, Pipe> getPipes() {
		return this.pipes;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getName() {
		return this.name;
	}

	public void setName(String name) {
		this.name = name;
	}

	public String getRole() {
		return this.role;
	}

	public void setRole(String role) {
		this.role = role;
	}

	public String getMode() {
		return this.mode;
	}

	public void setMode(String mode) {
		this.mode = mode;
	}

	public String getFormat() {
		return this.format;
	}

	public void setFormat(String format) {
		this.format = format;
	}

	public DataSize getMaxMessageSize() {
		return this.maxMessageSize;
	}

	public void setMaxMessageSize(DataSize maxMessageSize) {
		this.maxMessageSize = maxMessageSize;
	}

	public DataSize getMaxQueuedBytes() {
		return this.maxQueuedBytes;
	}

	public void setMaxQueuedBytes(DataSize maxQueuedBytes) {
		this.maxQueuedBytes = maxQueuedBytes;
	}

	public int getBacklog() {
		return this.backlog;
	}

	public void setBacklog(int backlog) {
		this.backlog = backlog;
	}

	public int getMaxConnections() {
		return this.maxConnections;
	}

	public void setMaxConnections(int maxConnections) {
		this.maxConnections = maxConnections;
	}

	public Duration getFrameTimeout() {
		return this.frameTimeout;
	}

	public void setFrameTimeout(Duration frameTimeout) {
		this.frameTimeout = frameTimeout;
	}

	public Duration getIdleTimeout() {
		return this.idleTimeout;
	}

	public void setIdleTimeout(Duration idleTimeout) {
		this.idleTimeout = idleTimeout;
	}

	public Duration getReplyTimeout() {
		return this.replyTimeout;
	}

	public void setReplyTimeout(Duration replyTimeout) {
		this.replyTimeout = replyTimeout;
	}

	public DataSize getMaxInboundMemory() {
		return this.maxInboundMemory;
	}

	public void setMaxInboundMemory(DataSize maxInboundMemory) {
		this.maxInboundMemory = maxInboundMemory;
	}

	public int getIoThreads() {
		return this.ioThreads;
	}

	public void setIoThreads(int ioThreads) {
		this.ioThreads = ioThreads;
	}

	public Reconnect getReconnect() {
		return this.reconnect;
	}

	public Client getClient() {
		return this.client;
	}

	public Listener getListener() {
		return this.listener;
	}

	public Template getTemplate() {
		return this.template;
	}

	/**
	 * How a client waits between connection attempts.
	 */
	public static class Reconnect {

		/**
		 * First wait before a client tries again; each next wait doubles, and each is shortened at random by up to a fifth.
		 */
		private Duration minBackoff = Duration.ofMillis(100);

		/**
		 * Longest wait between a client's connection attempts.
		 */
		private Duration maxBackoff = Duration.ofSeconds(5);

		public Duration getMinBackoff() {
			return this.minBackoff;
		}

		public void setMinBackoff(Duration minBackoff) {
			this.minBackoff = minBackoff;
		}

		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

	}

	/**
	 * Client start-up.
	 */
	public static class Client {

		/**
		 * Whether a client must reach its server at startup; if it does not within
		 * 'startup-timeout', the application fails to start. By default it starts and keeps
		 * retrying in the background.
		 */
		private boolean failFast;

		/**
		 * How long a fail-fast client waits for its server at startup.
		 */
		private Duration startupTimeout = Duration.ofSeconds(10);

		public boolean isFailFast() {
			return this.failFast;
		}

		public void setFailFast(boolean failFast) {
			this.failFast = failFast;
		}

		public Duration getStartupTimeout() {
			return this.startupTimeout;
		}

		public void setStartupTimeout(Duration startupTimeout) {
			this.startupTimeout = startupTimeout;
		}

	}

	/**
	 * How @PipeListener methods are run.
	 */
	public static class Listener {

		/**
		 * Where listeners run: 'executor' runs them on a thread pool, one message at a time
		 * per connection and in order, so that a slow listener never stalls other
		 * connections; 'inline' runs them on the I/O thread, for the lowest latency: they
		 * must not block there, and PipeTemplate's blocking sends fail at once.
		 */
		private String dispatch = "executor";

		/**
		 * Threads of the listener executor, when 'dispatch' is 'executor'.
		 */
		private int concurrency = Math.max(2, Runtime.getRuntime().availableProcessors());

		/**
		 * Whether each listener invocation is a Micrometer observation ('asyncipc.listener'),
		 * which continues the trace whose context an envelope carries. Needs an
		 * ObservationRegistry bean.
		 */
		private boolean observationEnabled;

		public boolean isObservationEnabled() {
			return this.observationEnabled;
		}

		public void setObservationEnabled(boolean observationEnabled) {
			this.observationEnabled = observationEnabled;
		}

		public String getDispatch() {
			return this.dispatch;
		}

		public void setDispatch(String dispatch) {
			this.dispatch = dispatch;
		}

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

	}

	/**
	 * How PipeTemplate sends.
	 */
	public static class Template {

		/**
		 * Whether each send of a PipeTemplate is a Micrometer observation ('asyncipc.template'),
		 * whose trace context travels in the envelope's headers. Needs an ObservationRegistry
		 * bean.
		 */
		private boolean observationEnabled;

		public boolean isObservationEnabled() {
			return this.observationEnabled;
		}

		public void setObservationEnabled(boolean observationEnabled) {
			this.observationEnabled = observationEnabled;
		}

	}

	/**
	 * One pipe of several. A setting left out takes the top-level setting of the same name.
	 */
	public static class Pipe {

		/**
		 * Name of the pipe, as 'asyncipc.name'. Default: the pipe's id.
		 */
		private String name;

		/**
		 * Role of this process on the pipe: 'server' (the default) or 'client'.
		 */
		private String role;

		/**
		 * I/O mode: 'auto' (the default), 'overlapped' or 'completion-routine'.
		 */
		private String mode;

		/**
		 * Wire format of this pipe: 'envelope' (the default) or 'raw'.
		 */
		private String format;

		/**
		 * Largest message that may be sent or received on this pipe.
		 */
		private DataSize maxMessageSize;

		/**
		 * Most bytes each connection of this pipe may have queued, as 'asyncipc.max-queued-bytes'.
		 */
		private DataSize maxQueuedBytes;

		/**
		 * Number of I/O threads of this pipe, when it is a server.
		 */
		private Integer ioThreads;

		/**
		 * Clients this Unix server pipe lets wait in the kernel to be accepted.
		 */
		private Integer backlog;

		/**
		 * Most connections this server pipe holds at once.
		 */
		private Integer maxConnections;

		/**
		 * Longest a peer may take from the first byte of a message to its last.
		 */
		private Duration frameTimeout;

		/**
		 * Longest a connection may go without reading or writing a byte; 0 for no limit.
		 */
		private Duration idleTimeout;

		/**
		 * How long a request on this pipe waits for its reply unless the call gives its own
		 * timeout.
		 */
		private Duration replyTimeout;

		private final PipeReconnect reconnect = new PipeReconnect();

		private final PipeClient client = new PipeClient();

		private final PipeTemplateSettings template = new PipeTemplateSettings();

		private final PipeListenerSettings listener = new PipeListenerSettings();

		public PipeTemplateSettings getTemplate() {
			return this.template;
		}

		public PipeListenerSettings getListener() {
			return this.listener;
		}

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

		public String getRole() {
			return this.role;
		}

		public void setRole(String role) {
			this.role = role;
		}

		public String getMode() {
			return this.mode;
		}

		public void setMode(String mode) {
			this.mode = mode;
		}

		public String getFormat() {
			return this.format;
		}

		public void setFormat(String format) {
			this.format = format;
		}

		public DataSize getMaxMessageSize() {
			return this.maxMessageSize;
		}

		public void setMaxMessageSize(DataSize maxMessageSize) {
			this.maxMessageSize = maxMessageSize;
		}

		public DataSize getMaxQueuedBytes() {
			return this.maxQueuedBytes;
		}

		public void setMaxQueuedBytes(DataSize maxQueuedBytes) {
			this.maxQueuedBytes = maxQueuedBytes;
		}

		public Integer getIoThreads() {
			return this.ioThreads;
		}

		public void setIoThreads(Integer ioThreads) {
			this.ioThreads = ioThreads;
		}

		public Integer getBacklog() {
			return this.backlog;
		}

		public void setBacklog(Integer backlog) {
			this.backlog = backlog;
		}

		public Integer getMaxConnections() {
			return this.maxConnections;
		}

		public void setMaxConnections(Integer maxConnections) {
			this.maxConnections = maxConnections;
		}

		public Duration getFrameTimeout() {
			return this.frameTimeout;
		}

		public void setFrameTimeout(Duration frameTimeout) {
			this.frameTimeout = frameTimeout;
		}

		public Duration getIdleTimeout() {
			return this.idleTimeout;
		}

		public void setIdleTimeout(Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
		}

		public Duration getReplyTimeout() {
			return this.replyTimeout;
		}

		public void setReplyTimeout(Duration replyTimeout) {
			this.replyTimeout = replyTimeout;
		}

		public PipeReconnect getReconnect() {
			return this.reconnect;
		}

		public PipeClient getClient() {
			return this.client;
		}

	}

	/**
	 * How a client pipe waits between connection attempts; unset, the top-level 'reconnect'.
	 */
	public static class PipeReconnect {

		/**
		 * First wait before this client pipe tries again.
		 */
		private Duration minBackoff;

		/**
		 * Longest wait between this client pipe's connection attempts.
		 */
		private Duration maxBackoff;

		public Duration getMinBackoff() {
			return this.minBackoff;
		}

		public void setMinBackoff(Duration minBackoff) {
			this.minBackoff = minBackoff;
		}

		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

	}

	/**
	 * How the template of a pipe sends; unset, the top-level 'template'.
	 */
	public static class PipeTemplateSettings {

		/**
		 * Whether each send of this pipe's PipeTemplate is a Micrometer observation.
		 */
		private Boolean observationEnabled;

		public Boolean getObservationEnabled() {
			return this.observationEnabled;
		}

		public void setObservationEnabled(Boolean observationEnabled) {
			this.observationEnabled = observationEnabled;
		}

	}

	/**
	 * How the listeners of a pipe are run; unset, the top-level 'listener'.
	 */
	public static class PipeListenerSettings {

		/**
		 * Whether each listener invocation with a message of this pipe is a Micrometer
		 * observation.
		 */
		private Boolean observationEnabled;

		public Boolean getObservationEnabled() {
			return this.observationEnabled;
		}

		public void setObservationEnabled(Boolean observationEnabled) {
			this.observationEnabled = observationEnabled;
		}

	}

	/**
	 * Start-up of a client pipe; unset, the top-level 'client'.
	 */
	public static class PipeClient {

		/**
		 * Whether this client pipe must reach its server at startup.
		 */
		private Boolean failFast;

		/**
		 * How long this fail-fast client pipe waits for its server at startup.
		 */
		private Duration startupTimeout;

		public Boolean getFailFast() {
			return this.failFast;
		}

		public void setFailFast(Boolean failFast) {
			this.failFast = failFast;
		}

		public Duration getStartupTimeout() {
			return this.startupTimeout;
		}

		public void setStartupTimeout(Duration startupTimeout) {
			this.startupTimeout = startupTimeout;
		}

	}

}
