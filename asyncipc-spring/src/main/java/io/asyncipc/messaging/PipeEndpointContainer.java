package io.asyncipc.messaging;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import io.asyncipc.messaging.envelope.Envelope;
import io.asyncipc.messaging.envelope.EnvelopeFormatException;
import io.asyncipc.messaging.event.PipeConnectedEvent;
import io.asyncipc.messaging.event.PipeCreatedEvent;
import io.asyncipc.messaging.event.PipeDisconnectedEvent;
import io.asyncipc.messaging.event.PipeFailedEvent;
import io.asyncipc.messaging.event.PipePeerRejectedEvent;
import io.asyncipc.messaging.event.PipeWritabilityChangedEvent;
import io.asyncipc.messaging.micrometer.PipeListenerObservationConvention;
import io.asyncipc.transport.DisconnectReason;
import io.asyncipc.transport.EndpointState;
import io.asyncipc.transport.PeerIdentity;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeException;
import io.asyncipc.transport.PipeHandler;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeRole;
import io.asyncipc.transport.PipeStatistics;
import io.asyncipc.transport.PipeTransport;
import io.asyncipc.transport.SendFailureReason;
import io.asyncipc.transport.SendResult;
import io.asyncipc.transport.support.IoThread;
import io.asyncipc.transport.support.PipeFuture;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.SmartLifecycle;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.GenericMessage;
import org.springframework.util.InvalidMimeTypeException;
import org.springframework.util.MimeType;
import org.springframework.util.MimeTypeUtils;

/**
 * Runs the application's pipe endpoint as part of the Spring life cycle: a server listens when
 * the context is refreshed, a client connects in the background, and on shutdown queued
 * messages drain before the connections close. It hands received messages to the
 * {@link PipeListener} methods and publishes {@link io.asyncipc.messaging.event.PipeEvent}s.
 * <p>
 * It starts in {@link #DEFAULT_PHASE}, before a web server opens its port, and stops after
 * the web server finished its graceful shutdown, so that requests still in flight can send on
 * the pipe. Stopping never holds up the context longer than the shutdown timeout.
 * <p>
 * With {@link #setObservationEnabled(boolean) observation enabled} and an
 * {@link ObservationRegistry}, each listener invocation is a Micrometer observation,
 * {@link io.asyncipc.messaging.micrometer.PipeListenerObservation}, that continues the trace
 * whose context the message's envelope headers carry.
 */
public class PipeEndpointContainer implements SmartLifecycle, PipeHandler, ApplicationEventPublisherAware {

	/**
	 * The default phase, {@code SmartLifecycle.DEFAULT_PHASE - 3072}. Phases start from the
	 * lowest and stop from the highest. Spring Boot's web server shuts down gracefully in
	 * {@code WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE} ({@code DEFAULT_PHASE - 1024}),
	 * waiting for the requests in flight, and starts and stops in
	 * {@code START_STOP_LIFECYCLE_PHASE} ({@code DEFAULT_PHASE - 2048}). No phase lies between
	 * those two and also starts before the web server opens its port, so the pipe takes the
	 * phase below both: it is up before the first request arrives, and it stops only after
	 * every request that could send on it has ended, rather than racing their sends as it did
	 * when it shared the graceful-shutdown phase.
	 */
	public static final int DEFAULT_PHASE = SmartLifecycle.DEFAULT_PHASE - 3072;

	/** The id of the pipe configured by the top-level {@code asyncipc.name}, {@code role} and {@code mode}. */
	public static final String DEFAULT_ID = "default";

	private static final Duration MAX_STOP_MARGIN = Duration.ofSeconds(1);

	private static final Logger logger = LoggerFactory.getLogger(PipeEndpointContainer.class);

	private final String id;

	private final PipeTransport transport;

	private final String name;

	private final PipeRole role;

	private final PipeOptions options;

	private final PipeListenerEndpointRegistry registry;

	private Duration shutdownTimeout = Duration.ofSeconds(30);

	private Duration failFastTimeout;

	private String failFastProperty = "asyncipc.client.fail-fast";

	private int phase = DEFAULT_PHASE;

	private ApplicationEventPublisher publisher = (event) -> {
	};

	private volatile PipeEndpoint endpoint;

	private volatile boolean running;

	private volatile CompletableFuture<Void> stopped = CompletableFuture.completedFuture(null);

	private volatile CountDownLatch firstConnection = new CountDownLatch(1);

	private volatile boolean warnedNoListener;

	private volatile WireFormats formats;

	/** The content type last received, parsed: a pipe mostly carries one or two. */
	private volatile MimeType lastContentType;

	private final PendingReplies replies;

	private final PipeStatistics statistics;

	private volatile PipeMetricsRecorder metricsRecorder = PipeMetricsRecorder.NONE;

	private Duration replyTimeout = Duration.ofSeconds(5);

	private boolean observationEnabled;

	private ObservationRegistry observationRegistry;

	private PipeListenerObservationConvention observationConvention;

	/** What observes the listener invocations, or {@code null} while observation is off. */
	private volatile ListenerObservations listenerObservations;

	/**
	 * Creates the container of the pipe with the id {@link #DEFAULT_ID}.
	 * @param transport the platform transport
	 * @param name the pipe name
	 * @param role server or client
	 * @param options limits, backoff and dispatch
	 * @param registry the listeners that receive messages
	 */
	public PipeEndpointContainer(PipeTransport transport, String name, PipeRole role, PipeOptions options,
			PipeListenerEndpointRegistry registry) {
		this(DEFAULT_ID, transport, name, role, options, registry);
	}

	/**
	 * Creates a container.
	 * @param id the pipe's id in the application, which listeners name in
	 * {@link PipeListener#pipe()}
	 * @param transport the platform transport
	 * @param name the pipe name
	 * @param role server or client
	 * @param options limits, backoff and dispatch
	 * @param registry the listeners that receive messages
	 */
	public PipeEndpointContainer(String id, PipeTransport transport, String name, PipeRole role,
			PipeOptions options, PipeListenerEndpointRegistry registry) {
		this.id = id;
		this.transport = transport;
		this.name = name;
		this.role = role;
		// Every endpoint of this container counts into the same statistics, across restarts.
		this.statistics = (options.statistics() != null) ? options.statistics() : new PipeStatistics();
		this.options = options.toBuilder().statistics(this.statistics).build();
		this.registry = registry;
		this.formats = new WireFormats(name, role, PipeFormat.ENVELOPE, "asyncipc.format", options.maxMessageSize(),
				this::announce, this.statistics);
		this.replies = new PendingReplies(name);
	}

	/**
	 * Sets the wire format of the pipe.
	 * @param format {@link PipeFormat#ENVELOPE} (the default) or {@link PipeFormat#RAW}
	 * @param property the property that sets it, such as {@code asyncipc.pipes.orders.format},
	 * which a client names when its server does not speak the envelope
	 */
	public void setFormat(PipeFormat format, String property) {
		this.formats = new WireFormats(this.name, this.role, format, property, this.options.maxMessageSize(),
				this::announce, this.statistics);
	}

	/**
	 * Returns the wire format of the pipe.
	 * @return envelope or raw
	 */
	public PipeFormat getFormat() {
		return this.formats.format();
	}

	/**
	 * Sets how long a request of {@link PipeTemplate#convertSendAndReceive} waits for its reply
	 * unless the call gives its own timeout.
	 * @param replyTimeout the timeout, 5 seconds by default
	 */
	public void setReplyTimeout(Duration replyTimeout) {
		this.replyTimeout = replyTimeout;
	}

	/**
	 * Returns how long a request waits for its reply unless the call gives its own timeout.
	 * @return the timeout
	 */
	public Duration getReplyTimeout() {
		return this.replyTimeout;
	}

	/**
	 * Returns how many requests of this pipe wait for their reply.
	 * @return the count; a request leaves it with its reply, its timeout, a disconnect or the
	 * pipe's stop
	 */
	public int getPendingReplyCount() {
		return this.replies.size();
	}

	/**
	 * Sets whether listener invocations are observed, once an {@link ObservationRegistry} is
	 * set, as Spring Kafka's {@code ContainerProperties.setObservationEnabled} does.
	 * @param observationEnabled {@code true} to observe listeners; {@code false} by default
	 */
	public void setObservationEnabled(boolean observationEnabled) {
		this.observationEnabled = observationEnabled;
		updateObservations();
	}

	/**
	 * Sets the registry that observes listener invocations while observation is enabled.
	 * @param observationRegistry the registry, or {@code null} to observe nothing
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
		updateObservations();
	}

	/**
	 * Sets a convention of the listener observations' names and keys instead of
	 * {@link io.asyncipc.messaging.micrometer.DefaultPipeListenerObservationConvention}.
	 * @param observationConvention the convention, or {@code null} for the default
	 */
	public void setObservationConvention(PipeListenerObservationConvention observationConvention) {
		this.observationConvention = observationConvention;
		updateObservations();
	}

	private void updateObservations() {
		ObservationRegistry registry = this.observationRegistry;
		this.listenerObservations = (this.observationEnabled && registry != null && !registry.isNoop())
				? new ListenerObservations(registry, this.observationConvention, this.id, this.name, this.role) : null;
	}

	/**
	 * Sets how long stopping may take: Spring's timeout for one shutdown phase
	 * ({@code spring.lifecycle.timeout-per-shutdown-phase} in Spring Boot). Queued messages
	 * drain for this long less a margin (a fifth of it, at most one second), so that the
	 * endpoint has stopped and told Spring before Spring gives up on the phase.
	 * @param shutdownTimeout the time the stop may take, 30 seconds by default
	 */
	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	/**
	 * Sets the phase in which the pipe starts and stops.
	 * @param phase the phase, {@link #DEFAULT_PHASE} by default
	 */
	public void setPhase(int phase) {
		this.phase = phase;
	}

	/**
	 * Makes a client's start fail if it has not reached its server within the timeout.
	 * @param failFastTimeout how long to wait, or {@code null} to start and keep retrying
	 */
	public void setFailFastTimeout(Duration failFastTimeout) {
		this.failFastTimeout = failFastTimeout;
	}

	/**
	 * Makes a client's start fail if it has not reached its server within the timeout, naming
	 * the property that asked for it when it does.
	 * @param failFastTimeout how long to wait, or {@code null} to start and keep retrying
	 * @param property the property that set fail-fast, such as
	 * {@code asyncipc.pipes.orders.client.fail-fast}
	 */
	public void setFailFastTimeout(Duration failFastTimeout, String property) {
		this.failFastTimeout = failFastTimeout;
		this.failFastProperty = property;
	}

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher publisher) {
		this.publisher = publisher;
	}

	/**
	 * Returns the pipe's id in the application.
	 * @return the id, such as {@code orders} for {@code asyncipc.pipes.orders}
	 */
	public String getId() {
		return this.id;
	}

	/**
	 * Returns the pipe name.
	 * @return the name
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * Returns the role.
	 * @return server or client
	 */
	public PipeRole getRole() {
		return this.role;
	}

	/**
	 * Returns the options the endpoint is created with.
	 * @return the limits, backoff, dispatch and inbound budget
	 */
	public PipeOptions getOptions() {
		return this.options;
	}

	/**
	 * Returns the transport's name, such as {@code unix} or {@code overlapped}.
	 * @return the mode in use
	 */
	public String getMode() {
		return this.transport.name();
	}

	/**
	 * Returns what the pipe's connections did since the container was created: the counts go
	 * on across a stop and a start, although each start creates a new endpoint.
	 * @return the pipe's statistics
	 */
	public PipeStatistics getStatistics() {
		return this.statistics;
	}

	/**
	 * Sets what hears how long listener invocations and requests of this pipe take.
	 * @param metricsRecorder the recorder, or {@code null} for none
	 */
	public void setMetricsRecorder(PipeMetricsRecorder metricsRecorder) {
		this.metricsRecorder = (metricsRecorder != null) ? metricsRecorder : PipeMetricsRecorder.NONE;
	}

	/**
	 * Returns the running endpoint.
	 * @return the endpoint, or {@code null} before the first start
	 */
	public PipeEndpoint getEndpoint() {
		return this.endpoint;
	}

	@Override
	public synchronized void start() {
		if (isRunning()) {
			return;
		}
		awaitPreviousStop();
		this.firstConnection = new CountDownLatch(1);
		PipeEndpoint created;
		try {
			created = this.transport.create(this.role, this.name, this.options, this);
			this.endpoint = created;
			created.start();
		}
		catch (PipeException ex) {
			throw new PipeStartupException(this.id, this.name, this.role, getMode(), ex, null);
		}
		if (this.role == PipeRole.CLIENT && this.failFastTimeout != null) {
			try {
				awaitServer(created);
			}
			catch (PipeException ex) {
				throw new PipeStartupException(this.id, this.name, this.role, getMode(), ex, this.failFastProperty);
			}
		}
		this.running = true;
	}

	private void awaitPreviousStop() {
		try {
			this.stopped.get(this.shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			// Logged when it failed; a pipe that has not released its name yet fails to start.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void awaitServer(PipeEndpoint created) {
		boolean connected;
		try {
			connected = this.firstConnection.await(this.failFastTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			connected = false;
		}
		if (!connected) {
			Throwable lastError = created.status().lastError();
			created.stop(Duration.ZERO);
			throw new PipeException(this.failFastProperty + " is set and no server answered on pipe '" + this.name
					+ "' (" + created.address() + ") within " + this.failFastTimeout
					+ ((lastError != null) ? ": " + lastError.getMessage() : ""), lastError);
		}
	}

	/**
	 * Stops the pipe without holding up the caller: queued messages drain for at most the
	 * shutdown timeout less a margin, then the connections close; the callback runs once the
	 * endpoint has stopped, whether or not everything drained.
	 * @param callback what Spring runs next
	 */
	@Override
	public void stop(Runnable callback) {
		beginStop().whenComplete((result, ex) -> callback.run());
	}

	/**
	 * Stops the pipe and waits for it, at most the shutdown timeout. On an I/O thread it does
	 * not wait, since the stop needs that thread.
	 */
	@Override
	public void stop() {
		CompletableFuture<Void> stopping = beginStop();
		if (IoThread.isIoThread()) {
			return;
		}
		try {
			stopping.get(this.shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			logger.warn("Pipe '{}' did not stop within {}; it goes on stopping in the background", this.name,
					this.shutdownTimeout);
		}
		catch (ExecutionException ex) {
			// Logged by beginStop.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private synchronized CompletableFuture<Void> beginStop() {
		PipeEndpoint current = this.endpoint;
		if (!this.running || current == null) {
			return this.stopped;
		}
		this.running = false;
		CompletableFuture<Void> stopping;
		try {
			stopping = current.stopAsync(endpointStopTimeout());
		}
		catch (RuntimeException ex) {
			stopping = CompletableFuture.failedFuture(ex);
		}
		this.stopped = stopping.whenComplete((result, ex) -> {
			this.replies.onStopped();
			this.registry.flushFailureLogs();
			if (ex != null) {
				logger.warn("Pipe '{}' failed to stop cleanly: {}", this.name, ex.getMessage(), ex);
			}
		});
		return this.stopped;
	}

	/**
	 * Returns how long the endpoint may drain: the shutdown timeout less a margin for closing
	 * the connections and joining the I/O threads after the drain gave up, so that Spring's
	 * callback runs before Spring stops waiting for it.
	 */
	Duration endpointStopTimeout() {
		Duration margin = this.shutdownTimeout.dividedBy(5);
		if (margin.compareTo(MAX_STOP_MARGIN) > 0) {
			margin = MAX_STOP_MARGIN;
		}
		return this.shutdownTimeout.minus(margin);
	}

	/**
	 * Returns whether the pipe runs: {@code false} from the moment a stop began.
	 * @return {@code true} between a start and the next stop
	 */
	@Override
	public boolean isRunning() {
		PipeEndpoint current = this.endpoint;
		if (!this.running || current == null) {
			return false;
		}
		EndpointState state = current.status().state();
		return state != EndpointState.STOPPED && state != EndpointState.STOPPING && state != EndpointState.NEW;
	}

	@Override
	public int getPhase() {
		return this.phase;
	}

	@Override
	public void onCreated(PipeEndpoint created) {
		this.publisher.publishEvent(new PipeCreatedEvent(this, this.name, this.role, created.address()));
	}

	@Override
	public void onConnected(PipeConnection connection) {
		boolean now = this.formats.onConnected(connection);
		this.firstConnection.countDown();
		if (now) {
			announce(connection);
		}
	}

	/**
	 * Logs and publishes a connection: at once, but for a client of an envelope pipe, whose
	 * connection takes its server's id from the server's hello, and is announced once that
	 * came (or is known not to come), so that both ends name it alike from the first line.
	 */
	private void announce(PipeConnection connection) {
		logger.info("Pipe '{}': connection {} with {} is open", this.name, connection.id(), connection.peer());
		this.publisher.publishEvent(new PipeConnectedEvent(this, exposed(connection)));
	}

	/**
	 * Takes a reply on the thread that read it, the I/O thread or the caller waiting for it:
	 * its request's future completes there, so that a caller waiting for it wakes without a
	 * listener thread in between, and a listener that waits for the reply to its own request
	 * on its own connection gets it. Every other
	 * message, and a reply on a connection whose format is not settled yet, goes the ordinary
	 * way to {@link #onMessage}.
	 */
	@Override
	public boolean takeOnIoThread(PipeConnection connection, byte[] bytes) {
		WireFormats current = this.formats;
		Envelope reply = (current != null) ? current.settledReply(connection, bytes) : null;
		if (reply == null) {
			return false;
		}
		this.replies.onReply(connection, reply);
		return true;
	}

	/**
	 * Handles a message as received now. Final: the transport calls
	 * {@link #onMessage(PipeConnection, byte[], long)}, which is the one to override.
	 */
	@Override
	public final void onMessage(PipeConnection connection, byte[] bytes) {
		onMessage(connection, bytes, System.currentTimeMillis());
	}

	@Override
	public void onMessage(PipeConnection connection, byte[] bytes, long receivedAt) {
		Envelope envelope;
		try {
			envelope = this.formats.inbound(connection, bytes);
		}
		catch (EnvelopeFormatException ex) {
			logger.warn("Pipe '{}': connection {} sent a message that is not a valid envelope, so it is closed: {}",
					this.name, connection.id(), ex.getMessage());
			connection.close();
			return;
		}
		if (envelope == null) {
			return;
		}
		if (envelope.isReply()) {
			this.replies.onReply(connection, envelope);
			return;
		}
		if (!this.registry.hasListeners(this.id)) {
			if (!this.warnedNoListener) {
				this.warnedNoListener = true;
				logger.warn("Pipe '{}' received a message but no @PipeListener method exists; messages are discarded "
						+ "until one does", this.name);
			}
			return;
		}
		this.registry.dispatch(this.id, toMessage(connection, envelope, receivedAt), exposed(connection),
				this.listenerObservations, this.metricsRecorder);
	}

	@Override
	public void onDisconnected(PipeConnection connection, DisconnectReason reason, Throwable cause) {
		boolean announced = this.formats.onDisconnected(connection);
		this.replies.onDisconnected(connection);
		if (!announced) {
			logger.info("Pipe '{}': connection {} closed ({}) before its server's hello came", this.name,
					connection.id(), reason);
			return;
		}
		logger.info("Pipe '{}': connection {} closed ({})", this.name, connection.id(), reason);
		this.publisher.publishEvent(
				new PipeDisconnectedEvent(this, this.name, connection.id(), connection.peer(), reason, cause));
	}

	@Override
	public void onWritabilityChanged(PipeConnection connection, boolean writable) {
		logger.debug("Pipe '{}': connection {} is {}writable", this.name, connection.id(), writable ? "" : "not ");
		this.publisher.publishEvent(new PipeWritabilityChangedEvent(this, exposed(connection), writable));
	}

	@Override
	public void onStateChanged(PipeEndpoint changed, EndpointState state, Throwable cause) {
		if (state != EndpointState.FAILED) {
			return;
		}
		Throwable error = (cause != null) ? cause : changed.status().lastError();
		logger.error("Pipe '{}' ({}) failed: {}; {}", this.name, this.role.name().toLowerCase(Locale.ROOT),
				(error != null) ? error.getMessage() : "no cause given",
				(this.role == PipeRole.CLIENT) ? "it reconnects on its own"
						: "a server stays failed until it is stopped and started again");
		this.publisher.publishEvent(new PipeFailedEvent(this, this.name, this.role, error));
	}

	@Override
	public void onPeerRejected(PipeEndpoint rejecting, PeerIdentity peer, String reason) {
		this.publisher.publishEvent(new PipePeerRejectedEvent(this, this.name, peer, reason));
	}

	/**
	 * Sends a message on a connection of this pipe in the connection's format: the envelope, or
	 * its payload alone where the connection speaks the raw format.
	 */
	CompletableFuture<SendResult> send(PipeConnection connection, Envelope envelope) {
		try {
			return this.formats.send(connection, envelope);
		}
		catch (RuntimeException ex) {
			this.statistics.sendFailed(SendFailureReason.OTHER);
			throw ex;
		}
	}

	/**
	 * Sends a request on a connection of this pipe and returns the future of its reply: the
	 * envelope with the reply flag and the request's correlation id. The future fails with
	 * {@link PipeReplyTimeoutException} after the timeout, with {@link PipeRemoteException} if
	 * the peer's listener failed and said so, with a {@link io.asyncipc.transport.PipeClosedException}
	 * at once if the connection closes first, and at once if the pipe or the connection speaks
	 * the raw format.
	 * @param connection the connection
	 * @param request makes the request's envelope from the correlation id it must carry
	 * @param timeout how long to wait for the reply
	 */
	CompletableFuture<Envelope> request(PipeConnection connection, Function<String, Envelope> request,
			Duration timeout) {
		WireFormats current = this.formats;
		if (current.format() == PipeFormat.RAW) {
			this.statistics.sendFailed(SendFailureReason.OTHER);
			return CompletableFuture.failedFuture(new PipeException(current.rawPipeMessage()));
		}
		long started = System.nanoTime();
		PendingReplies.Pending pending = this.replies.register(connection, timeout);
		PipeMetricsRecorder recorder = this.metricsRecorder;
		try {
			// Only a failure matters here, and failures are never deferred: the send is not hurried.
			PipeFuture.whenSettled(current.send(connection, request.apply(pending.id()), true), (sent, error) -> {
				if (error != null) {
					this.replies.failed(pending, error);
				}
			});
		}
		catch (RuntimeException ex) {
			this.replies.failed(pending, ex);
		}
		if (recorder == PipeMetricsRecorder.NONE) {
			return pending.reply();
		}
		// The caller sees the reply once it was recorded.
		return pending.reply()
			.whenComplete((reply, error) -> recorder.requestCompleted(System.nanoTime() - started,
					RequestOutcome.of(error)));
	}

	/**
	 * Returns the connection as listeners see it: what they send on it goes out in the
	 * connection's format, so that bytes sent to an envelope peer arrive as an envelope.
	 */
	private PipeConnection exposed(PipeConnection connection) {
		return (this.formats.format() == PipeFormat.RAW) ? connection : new EnvelopeConnection(connection, this.formats);
	}

	/**
	 * Returns a received envelope as a message: its payload, its headers but those a peer must
	 * not set, and the headers of {@link PipeHeaders} that this process adds, in
	 * {@link ReceivedMessageHeaders}, which keep most of them in fields rather than a map.
	 */
	Message<byte[]> toMessage(PipeConnection connection, Envelope envelope) {
		return toMessage(connection, envelope, System.currentTimeMillis());
	}

	private Message<byte[]> toMessage(PipeConnection connection, Envelope envelope, long receivedAt) {
		Object contentType = (envelope.getContentType() != null) ? contentType(envelope.getContentType()) : null;
		return new GenericMessage<>(envelope.getPayload(),
				new ReceivedMessageHeaders(envelope, contentType, connection, this.name, receivedAt));
	}

	/**
	 * Returns a received content type as a {@link MimeType}, so that the converters do not
	 * parse it, or look it up in Spring's cache, once for each message; one that cannot be
	 * parsed stays the string it is, for the converters to judge.
	 */
	private Object contentType(String value) {
		MimeType last = this.lastContentType;
		if (last != null && last.toString().equals(value)) {
			return last;
		}
		try {
			MimeType parsed = MimeTypeUtils.parseMimeType(value);
			this.lastContentType = parsed;
			return parsed;
		}
		catch (InvalidMimeTypeException ex) {
			return value;
		}
	}

}
