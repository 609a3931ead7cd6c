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
 * when it goes away, and report each change of state.
 */
public abstract class AbstractClientEndpoint extends AbstractPipeEndpoint {

	private static final Logger logger = LoggerFactory.getLogger(AbstractClientEndpoint.class);

	private final Backoff backoff;

	private IoThread.Timer retry;

	/**
	 * Creates a client.
	 * @param name the pipe name
	 * @param options limits, backoff and dispatch
	 * @param handler receives the endpoint's events
	 */
	protected AbstractClientEndpoint(String name, PipeOptions options, PipeHandler handler) {
		super(name, PipeRole.CLIENT, options, handler);
		this.backoff = new Backoff(options.reconnectMinBackoff(), options.reconnectMaxBackoff());
	}

	/**
	 * Returns the I/O thread that connects and serves the connection.
	 * @return the I/O thread
	 */
	protected abstract IoThread ioThread();

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
		ioThread().start();
		changeState(EndpointState.CONNECTING, null);
		ioThread().execute(this::attemptNow);
	}

	private void attemptNow() {
		if (isStopping()) {
			return;
		}
		this.retry = null;
		changeState(EndpointState.CONNECTING, null);
		attempt();
	}

	/**
	 * Records a successful attempt; the platform opens its connection right after.
	 */
	protected final void connected() {
		this.backoff.reset();
		attemptSucceeded();
		changeState(EndpointState.CONNECTED, null);
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
		if (isStopping()) {
			return;
		}
		Duration delay = this.backoff.next();
		changeState(EndpointState.RECONNECTING, cause);
		logger.debug("Pipe '{}' retries {} in {}: {}", name(), address(), delay, cause.getMessage());
		this.retry = ioThread().schedule(this::attemptNow, delay);
	}

	@Override
	protected void connectionClosed(AbstractPipeConnection connection, DisconnectReason reason, Throwable cause) {
		if (isStopping()) {
			return;
		}
		logger.info("Pipe '{}' lost its server ({}); reconnecting", name(), reason);
		Throwable error = (cause != null) ? cause : new PipeException("server closed the connection (" + reason + ")");
		attemptFailed(error);
		ioThread().execute(() -> scheduleRetry(error));
	}

	@Override
	protected void stopConnecting() {
		ioThread().runAndWait(() -> {
			if (this.retry != null) {
				this.retry.cancel();
				this.retry = null;
			}
			abandonAttempt();
		}, Duration.ofSeconds(10));
	}

	@Override
	protected void releaseResources() {
		ioThread().shutdownAndJoin(Duration.ofSeconds(10));
	}

}
