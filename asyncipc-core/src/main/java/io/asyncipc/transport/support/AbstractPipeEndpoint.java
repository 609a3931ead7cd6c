package io.asyncipc.transport.support;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import io.asyncipc.transport.DisconnectReason;
import io.asyncipc.transport.EndpointState;
import io.asyncipc.transport.EndpointStatus;
import io.asyncipc.transport.PeerIdentity;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeException;
import io.asyncipc.transport.PipeHandler;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeRole;
import io.asyncipc.transport.PipeStatistics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every platform's endpoint shares: its state machine and status, the table of open
 * connections, connection ids, the supervision of its I/O threads, and the phases of a
 * graceful stop.
 * <p>
 * The state only moves along {@link EndpointState#canMoveTo legal transitions}, atomically,
 * so a thread that lost a race (a connect that completes while the endpoint stops) learns it
 * from the failed move and backs out.
 */
public abstract class AbstractPipeEndpoint implements PipeEndpoint {

	private static final Logger logger = LoggerFactory.getLogger(AbstractPipeEndpoint.class);

	/** The least time a step of a stop gets, even once the stop's timeout ran out. */
	protected static final Duration MIN_STEP_TIME = Duration.ofMillis(200);

	private final String name;

	private final PipeRole role;

	private final PipeOptions options;

	private final PipeHandler handler;

	private final PipeStatistics statistics;

	private final Map<String, AbstractPipeConnection> connections = new ConcurrentHashMap<>();

	private final String idPrefix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));

	private final AtomicLong connectionSequence = new AtomicLong();

	/** Warnings that a peer can cause, once per connection or attempt: at most ten per ten seconds. */
	private final LogRateLimiter warnings = new LogRateLimiter(10, Duration.ofSeconds(10));

	/** Handler failures, which a peer's messages can cause one per message: at most ten per ten seconds. */
	private final LogRateLimiter handlerFailures = new LogRateLimiter(10, Duration.ofSeconds(10));

	/** A server's clients admitted and not closed yet, for {@link PipeOptions#maxConnections()}. */
	private final AtomicInteger admitted = new AtomicInteger();

	private final Object lifecycleMonitor = new Object();

	private final AtomicReference<EndpointState> state = new AtomicReference<>(EndpointState.NEW);

	private volatile Throwable lastError;

	private volatile int failedAttempts;

	/** When the stop in progress must be done, as {@link System#nanoTime()}. */
	private volatile long stopDeadline;

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
		this.statistics = (options.statistics() != null) ? options.statistics() : new PipeStatistics();
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

	/**
	 * Returns what this endpoint counts into: the options' statistics, or its own.
	 * @return the statistics
	 */
	public PipeStatistics statistics() {
		return this.statistics;
	}

	@Override
	public final void start() {
		synchronized (this.lifecycleMonitor) {
			if (this.state.get() != EndpointState.NEW) {
				throw new IllegalStateException("pipe '" + this.name + "' was already started; create a new endpoint");
			}
			try {
				doStart();
			}
			catch (RuntimeException ex) {
				this.lastError = ex;
				moveTo(EndpointState.STOPPED, ex);
				throw ex;
			}
		}
		notifyHandler(() -> this.handler.onCreated(this));
	}

	/**
	 * Binds and listens, or begins connecting, and sets the first state. On failure it releases
	 * what it opened and throws.
	 */
	protected abstract void doStart();

	/**
	 * Supervises an I/O thread: if it dies, the endpoint fails. Call before starting it.
	 * @param thread the I/O thread
	 */
	protected final void supervise(IoThread thread) {
		thread.onFailure((error) -> ioThreadDied(thread, error));
	}

	/**
	 * Stops in phases, each waiting at most for what is left of {@code timeout}:
	 * <ol>
	 * <li>stop accepting (server) or connecting (client);</li>
	 * <li>stop reading;</li>
	 * <li>let the handler finish the messages read so far, so their replies still go out;</li>
	 * <li>drain what is queued;</li>
	 * <li>close each connection in order, which lets the peer read what was written;</li>
	 * <li>release the I/O threads and what the endpoint created.</li>
	 * </ol>
	 * @param timeout how long the phases that wait (3 to 5) may take together
	 * @throws io.asyncipc.transport.BlockingOperationException on an I/O thread: use
	 * {@link #stopAsync(Duration)} there
	 */
	@Override
	public final void stop(Duration timeout) {
		IoThread.checkNotBlocking("PipeEndpoint.stop(timeout)", "use stopAsync(timeout), which does not wait");
		synchronized (this.lifecycleMonitor) {
			if (this.state.get() == EndpointState.NEW && moveTo(EndpointState.STOPPED, null)) {
				return;
			}
			if (!moveTo(EndpointState.STOPPING, null)) {
				return;
			}
			long deadline = System.nanoTime() + timeout.toNanos();
			this.stopDeadline = deadline;
			guarded(this::stopConnecting, "stop accepting or connecting");
			List<AbstractPipeConnection> open = List.copyOf(this.connections.values());
			await(open.stream().map(AbstractPipeConnection::stopReading), deadline,
					"its listeners finished the messages already read");
			await(open.stream().map(AbstractPipeConnection::whenDrained), deadline, "its queued messages drained");
			for (AbstractPipeConnection connection : this.connections.values()) {
				connection.close(DisconnectReason.LOCAL_SHUTDOWN);
			}
			await(open.stream().map(AbstractPipeConnection::whenReleased), deadline,
					"its peers read what was written");
			guarded(this::releaseResources, "release its I/O threads and files");
			moveTo(EndpointState.STOPPED, null);
		}
	}

	@Override
	public CompletableFuture<Void> stopAsync(Duration timeout) {
		CompletableFuture<Void> stopped = new CompletableFuture<>();
		Thread stopper = new Thread(() -> {
			try {
				stop(timeout);
				stopped.complete(null);
			}
			catch (RuntimeException ex) {
				stopped.completeExceptionally(ex);
			}
		}, "asyncipc-" + this.name + "-stop");
		stopper.setDaemon(true);
		stopper.start();
		return stopped;
	}

	private void await(Stream<CompletableFuture<Void>> phase, long deadline, String what) {
		CompletableFuture<?>[] futures = phase.toArray(CompletableFuture[]::new);
		if (!Deadlines.await(CompletableFuture.allOf(futures), deadline)) {
			logger.warn("Pipe '{}' stops before {}: the stop timeout ran out", this.name, what);
		}
	}

	private void guarded(Runnable phase, String what) {
		try {
			phase.run();
		}
		catch (RuntimeException ex) {
			logger.warn("Pipe '{}' could not {} while stopping: {}", this.name, what, ex.getMessage());
		}
	}

	/**
	 * Returns how long the steps of a stop in progress may still wait, for the platform's
	 * {@link #stopConnecting()} and {@link #releaseResources()}: what is left of the stop's
	 * timeout, but at least {@link #MIN_STEP_TIME}, so that threads that answer at once are
	 * still stopped in order when the drain took the whole timeout.
	 * @return the time left
	 */
	protected final Duration timeLeft() {
		long left = this.stopDeadline - System.nanoTime();
		return (left > MIN_STEP_TIME.toNanos()) ? Duration.ofNanos(left) : MIN_STEP_TIME;
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

	@Override
	public EndpointStatus status() {
		return new EndpointStatus(this.state.get(), this.connections.size(), this.failedAttempts, this.lastError);
	}

	/**
	 * Returns whether the endpoint is stopping or stopped.
	 * @return {@code true} once {@link #stop(Duration)} began
	 */
	protected final boolean isStopping() {
		EndpointState current = this.state.get();
		return current == EndpointState.STOPPING || current == EndpointState.STOPPED;
	}

	/**
	 * Returns the current state.
	 * @return the state
	 */
	protected final EndpointState state() {
		return this.state.get();
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
	 * Moves to a state if the move is legal from the current one, atomically, and tells the
	 * handler if the state really changed.
	 * @param next the new state
	 * @param cause the error behind the change, or {@code null}
	 * @return whether the endpoint is in {@code next} now; {@code false} if the move was
	 * illegal, for example because the endpoint stops
	 */
	protected final boolean moveTo(EndpointState next, Throwable cause) {
		EndpointState current;
		do {
			current = this.state.get();
			if (current == next) {
				return true;
			}
			if (!current.canMoveTo(next)) {
				logger.debug("Pipe '{}' ({}) stays {}: no move to {}", this.name, this.role, current, next);
				return false;
			}
		}
		while (!this.state.compareAndSet(current, next));
		logger.debug("Pipe '{}' ({}) is now {}", this.name, this.role, next);
		EndpointState moved = next;
		notifyHandler(() -> this.handler.onStateChanged(this, moved, cause));
		return true;
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
		this.statistics.peerRejected();
		long leftOut = this.warnings.tryAcquire();
		if (leftOut >= 0) {
			logger.warn("Pipe '{}' refused peer {}: {}{}", this.name, peer, reason, LogRateLimiter.note(leftOut));
		}
		notifyHandler(() -> this.handler.onPeerRejected(this, peer, reason));
	}

	/**
	 * Counts a client that a server accepted against {@link PipeOptions#maxConnections()}. Above
	 * the limit the client is reported as rejected, and the caller closes it at once. An admitted
	 * client counts until its connection closes, or until {@link #admissionReleased()} if it never
	 * became a connection.
	 * @param peer who it is
	 * @return {@code true} if it may become a connection
	 */
	protected final boolean admit(PeerIdentity peer) {
		int max = this.options.maxConnections();
		while (true) {
			int now = this.admitted.get();
			if (now >= max) {
				rejected(peer, "the pipe holds " + now + " connections, its maximum; raise asyncipc.max-connections "
						+ "(PipeOptions.maxConnections) if that many clients are expected");
				return false;
			}
			if (this.admitted.compareAndSet(now, now + 1)) {
				return true;
			}
		}
	}

	/**
	 * Gives back the admission of a client that did not become a connection.
	 */
	protected final void admissionReleased() {
		if (this.role == PipeRole.SERVER) {
			this.admitted.decrementAndGet();
		}
	}

	/**
	 * Returns the limiter for warnings that peers can cause.
	 * @return the limiter
	 */
	LogRateLimiter warnings() {
		return this.warnings;
	}

	/**
	 * Returns the limiter for logs of handler failures.
	 * @return the limiter
	 */
	LogRateLimiter handlerFailures() {
		return this.handlerFailures;
	}

	String nextConnectionId() {
		return this.idPrefix + "-" + this.connectionSequence.incrementAndGet();
	}

	void added(AbstractPipeConnection connection) {
		this.connections.put(connection.id(), connection);
	}

	/**
	 * Files a connection under the id it takes next, beside its old one until
	 * {@link #renameDone}.
	 * @return whether the id was free
	 */
	boolean renamed(AbstractPipeConnection connection, String newId) {
		return this.connections.putIfAbsent(newId, connection) == null;
	}

	/**
	 * Drops a renamed connection's old id, and its new one too if it closed meanwhile: its
	 * removal may have read the old id.
	 */
	void renameDone(AbstractPipeConnection connection, String oldId, String newId) {
		this.connections.remove(oldId, connection);
		if (!connection.isOpen()) {
			this.connections.remove(newId, connection);
		}
	}

	void removed(AbstractPipeConnection connection, DisconnectReason reason, Throwable cause) {
		this.connections.remove(connection.id(), connection);
		admissionReleased();
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

	/**
	 * An I/O thread died, and this runs on it as its last act: its connections that are still
	 * open close now, which fails their sends, and the endpoint moves to
	 * {@link EndpointState#FAILED}, which the handler hears of.
	 * @param thread the dead thread
	 * @param error what killed it
	 */
	private void ioThreadDied(IoThread thread, Throwable error) {
		for (AbstractPipeConnection connection : this.connections.values()) {
			if (connection.ioThread() == thread) {
				connection.close(DisconnectReason.IO_ERROR);
			}
		}
		PipeException cause = new PipeException("I/O thread " + thread.name() + " of pipe '" + this.name
				+ "' died: " + error, error);
		this.lastError = cause;
		if (moveTo(EndpointState.FAILED, cause)) {
			logger.error("Pipe '{}' ({}) failed: {}", this.name, this.role, cause.getMessage());
			failed(cause);
		}
	}

	/**
	 * Called after the endpoint moved to {@link EndpointState#FAILED}, on the dead I/O thread.
	 * A client schedules its recovery here.
	 * @param cause why it failed
	 */
	protected void failed(Throwable cause) {
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
