package io.asyncipc.transport.support;

import java.time.Duration;

import io.asyncipc.transport.DisconnectReason;
import io.asyncipc.transport.EndpointState;
import io.asyncipc.transport.PipeException;
import io.asyncipc.transport.PipeHandler;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconnect policy every platform's client shares: connect in the background on the I/O
 * thread, retry with exponential backoff while the server is missing, reconnect the same way
 * when it goes away, recover on a new I/O thread when the old one died, and report each change
 * of state.
 * <p>
 * Every step moves the state first and goes on only if the move was legal: a connect that
 * completes while the client stops finds the state {@code STOPPING}, closes what it opened and
 * does nothing else.
 */
public abstract class AbstractClientEndpoint extends AbstractPipeEndpoint {

	private static final Logger logger = LoggerFactory.getLogger(AbstractClientEndpoint.class);

	private final Backoff backoff;

	private volatile IoThread ioThread;

	private IoThread.Timer retry;

	/** Whether the client lost a connection and has not connected again since; I/O thread only. */
	private boolean lostConnection;

	/**
	 * Creates a client.
	 * @param name the pipe name
	 * @param options limits, backoff and dispatch
	 * @param handler receives the endpoint's events
	 */
	protected AbstractClientEndpoint(String name, PipeOptions options, PipeHandler handler) {
		super(name, PipeRole.CLIENT, options, handler);
		this.backoff = Backoff.withJitter(options.reconnectMinBackoff(), options.reconnectMaxBackoff());
	}

	/**
	 * Creates a new I/O thread, not started: at start, and to recover when the last one died.
	 * @return the I/O thread
	 */
	protected abstract IoThread newIoThread();

	/**
	 * Returns the I/O thread that connects and serves the connection now.
	 * @return the I/O thread
	 */
	protected final IoThread ioThread() {
		return this.ioThread;
	}

	/**
	 * Makes one connection attempt, on the I/O thread. It ends, maybe later, in
	 * {@link #connected()} or {@link #attemptFailed(Throwable, Runnable)}.
	 */
	protected abstract void attempt();

	/**
	 * Abandons an attempt in progress, on the I/O thread, while stopping.
	 */
	protected abstract void abandonAttempt();

	@Override
	protected void doStart() {
		IoThread thread = newIoThread();
		supervise(thread);
		this.ioThread = thread;
		thread.start();
		moveTo(EndpointState.CONNECTING, null);
		thread.execute(this::attemptNow);
	}

	private void attemptNow() {
		this.retry = null;
		if (moveTo(EndpointState.CONNECTING, null)) {
			attempt();
		}
	}

	/**
	 * Records a successful attempt; the platform opens its connection right after, unless this
	 * returns {@code false}.
	 * @return {@code false} if the client stops meanwhile: close what the attempt opened
	 */
	protected final boolean connected() {
		if (!moveTo(EndpointState.CONNECTED, null)) {
			return false;
		}
		this.backoff.reset();
		attemptSucceeded();
		if (this.lostConnection) {
			this.lostConnection = false;
			statistics().reconnected();
		}
		return true;
	}

	/**
	 * Records a failed attempt and schedules the next one.
	 * @param error what failed
	 * @param cleanup releases what the attempt opened, or {@code null}
	 */
	protected final void attemptFailed(Throwable error, Runnable cleanup) {
		if (cleanup != null) {
			cleanup.run();
		}
		attemptFailed(error);
		scheduleRetry(error);
	}

	private void scheduleRetry(Throwable cause) {
		if (!moveTo(EndpointState.RECONNECTING, cause)) {
			return;
		}
		Duration delay = this.backoff.next();
		logger.debug("Pipe '{}' retries {} in {}: {}", name(), address(), delay, cause.getMessage());
		this.retry = this.ioThread.schedule(this::attemptNow, delay);
	}

	@Override
	protected void connectionClosed(AbstractPipeConnection connection, DisconnectReason reason, Throwable cause) {
		if (this.ioThread.failure() != null) {
			// The I/O thread died: the endpoint fails, and failed(...) recovers on a new thread.
			return;
		}
		Throwable error = (cause != null) ? cause : new PipeException("server closed the connection (" + reason + ")");
		if (!moveTo(EndpointState.RECONNECTING, error)) {
			return;
		}
		this.lostConnection = true;
		logger.info("Pipe '{}' lost its server ({}); reconnecting", name(), reason);
		attemptFailed(error);
		Duration delay = this.backoff.next();
		IoThread thread = this.ioThread;
		thread.execute(() -> this.retry = thread.schedule(this::attemptNow, delay));
	}

	/**
	 * The I/O thread died: connect again on a new one, after the usual backoff.
	 */
	@Override
	protected void failed(Throwable cause) {
		IoThread thread = newIoThread();
		supervise(thread);
		this.ioThread = thread;
		thread.start();
		if (isStopping()) {
			thread.shutdownAndJoin(Duration.ofSeconds(1));
			return;
		}
		logger.info("Pipe '{}' recovers on a new I/O thread {}", name(), thread.name());
		thread.execute(() -> {
			this.lostConnection = true;
			scheduleRetry(cause);
		});
	}

	@Override
	protected void stopConnecting() {
		ioThread().runAndWait(() -> {
			if (this.retry != null) {
				this.retry.cancel();
				this.retry = null;
			}
			abandonAttempt();
		}, timeLeft());
	}

	@Override
	protected void releaseResources() {
		ioThread().shutdownAndJoin(timeLeft());
	}

}
