package io.asyncipc.transport.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import io.asyncipc.transport.DisconnectReason;
import io.asyncipc.transport.EndpointState;
import io.asyncipc.transport.EndpointStatus;
import io.asyncipc.transport.PeerIdentity;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeHandler;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every platform's endpoint shares: its state and status, the table of open
 * connections, connection ids, and the order of a graceful stop.
 */
public abstract class AbstractPipeEndpoint implements PipeEndpoint {

	private static final Logger logger = LoggerFactory.getLogger(AbstractPipeEndpoint.class);

	private final String name;

	private final PipeRole role;

	private final PipeOptions options;

	private final PipeHandler handler;

	private final Map<String, AbstractPipeConnection> connections = new ConcurrentHashMap<>();

	private final String idPrefix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));

	private final AtomicLong connectionSequence = new AtomicLong();

	private final Object lifecycleMonitor = new Object();

	private volatile EndpointState state = EndpointState.NEW;

	private volatile Throwable lastError;

	private volatile int failedAttempts;

	/**
	 * Creates an endpoint.
	 * @param name the pipe name
	 * @param role server or client
	 * @param options limits, backoff and dispatch
	 * @param handler receives the endpoint's events
	 */
	protected AbstractPipeEndpoint(String name, PipeRole role, PipeOptions options, PipeHandler handler) {
		this.name = name;
		this.role = role;
		this.options = options;
		this.handler = handler;
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public PipeRole role() {
		return this.role;
	}

	/**
	 * Returns the endpoint's options.
	 * @return the options
	 */
	public PipeOptions options() {
		return this.options;
	}

	PipeHandler handler() {
		return this.handler;
	}

	@Override
	public final void start() {
		synchronized (this.lifecycleMonitor) {
			if (this.state != EndpointState.NEW) {
				throw new IllegalStateException("pipe '" + this.name + "' was already started; create a new endpoint");
			}
			doStart();
		}
		notifyHandler(() -> this.handler.onCreated(this));
	}

	/**
	 * Binds and listens, or begins connecting, and sets the first state.
	 */
	protected abstract void doStart();

	@Override
	public final void stop(Duration timeout) {
		synchronized (this.lifecycleMonitor) {
			if (isStopping()) {
				return;
			}
			if (this.state == EndpointState.NEW) {
				changeState(EndpointState.STOPPED, null);
				return;
			}
			changeState(EndpointState.STOPPING, null);
			stopConnecting();
			awaitDrained(timeout);
			for (AbstractPipeConnection connection : this.connections.values()) {
				connection.close(DisconnectReason.LOCAL_SHUTDOWN);
			}
			releaseResources();
			changeState(EndpointState.STOPPED, null);
		}
	}

	@Override
	public CompletableFuture<Void> stopAsync(Duration timeout) {
		return CompletableFuture.runAsync(() -> stop(timeout), (task) -> {
			Thread thread = new Thread(task, "asyncipc-" + this.name + "-stop");
			thread.setDaemon(true);
			thread.start();
		});
	}

	/**
	 * Stops accepting new clients (server) or connecting (client).
	 */
	protected abstract void stopConnecting();

	/**
	 * Stops the I/O threads after they closed the connections, joins them, and removes what
	 * the endpoint created.
	 */
	protected abstract void releaseResources();

	private void awaitDrained(Duration timeout) {
		List<CompletableFuture<Void>> drains = new ArrayList<>();
		this.connections.values().forEach((connection) -> drains.add(connection.whenDrained()));
		try {
			CompletableFuture.allOf(drains.toArray(CompletableFuture[]::new))
				.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			logger.warn("Pipe '{}' stopped before its queued messages drained within {}; their sends fail", this.name,
					timeout);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public EndpointStatus status() {
		return new EndpointStatus(this.state, this.connections.size(), this.failedAttempts, this.lastError);
	}

	/**
	 * Returns whether the endpoint is stopping or stopped.
	 * @return {@code true} once {@link #stop(Duration)} began
	 */
	protected final boolean isStopping() {
		EndpointState current = this.state;
		return current == EndpointState.STOPPING || current == EndpointState.STOPPED;
	}

	/**
	 * Returns the current state.
	 * @return the state
	 */
	protected final EndpointState state() {
		return this.state;
	}

	@Override
	public Collection<PipeConnection> connections() {
		return List.copyOf(this.connections.values());
	}

	@Override
	public Optional<PipeConnection> connection(String id) {
		return Optional.ofNullable(this.connections.get(id));
	}

	/**
	 * Changes the state and tells the handler, if it really changed.
	 * @param newState the new state
	 * @param cause the error behind the change, or {@code null}
	 */
	protected final void changeState(EndpointState newState, Throwable cause) {
		if (this.state == newState) {
			return;
		}
		this.state = newState;
		logger.debug("Pipe '{}' ({}) is now {}", this.name, this.role, newState);
		notifyHandler(() -> this.handler.onStateChanged(this, newState, cause));
	}

	/**
	 * Records a failed connection attempt.
	 * @param error what failed
	 */
	protected final void attemptFailed(Throwable error) {
		this.lastError = error;
		this.failedAttempts++;
	}

	/**
	 * Forgets failed attempts, after a client connected.
	 */
	protected final void attemptSucceeded() {
		this.failedAttempts = 0;
	}

	/**
	 * Logs and reports a peer that was refused before it became a connection.
	 * @param peer who it was
	 * @param reason why it was refused
	 */
	protected final void rejected(PeerIdentity peer, String reason) {
		logger.warn("Pipe '{}' refused peer {}: {}", this.name, peer, reason);
		notifyHandler(() -> this.handler.onPeerRejected(this, peer, reason));
	}

	String nextConnectionId() {
		return this.idPrefix + "-" + this.connectionSequence.incrementAndGet();
	}

	void added(AbstractPipeConnection connection) {
		this.connections.put(connection.id(), connection);
	}

	void removed(AbstractPipeConnection connection, DisconnectReason reason, Throwable cause) {
		this.connections.remove(connection.id());
		connectionClosed(connection, reason, cause);
	}

	/**
	 * Called on the I/O thread after a connection closed; a client reconnects from here.
	 * @param connection the closed connection
	 * @param reason why it closed
	 * @param cause the error behind it, or {@code null}
	 */
	protected void connectionClosed(AbstractPipeConnection connection, DisconnectReason reason, Throwable cause) {
	}

	private void notifyHandler(Runnable call) {
		try {
			call.run();
		}
		catch (Throwable ex) {
			logger.error("Handler failed on an event of pipe '{}'", this.name, ex);
		}
	}

	@Override
	public String toString() {
		return this.role.name().toLowerCase(Locale.ROOT) + " pipe '" + this.name + "' at " + address();
	}

}
