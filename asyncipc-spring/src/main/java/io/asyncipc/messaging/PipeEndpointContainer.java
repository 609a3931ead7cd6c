package io.asyncipc.messaging;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.asyncipc.messaging.event.PipeConnectedEvent;
import io.asyncipc.messaging.event.PipeCreatedEvent;
import io.asyncipc.messaging.event.PipeDisconnectedEvent;
import io.asyncipc.messaging.event.PipePeerRejectedEvent;
import io.asyncipc.transport.DisconnectReason;
import io.asyncipc.transport.EndpointState;
import io.asyncipc.transport.PeerIdentity;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeException;
import io.asyncipc.transport.PipeHandler;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeRole;
import io.asyncipc.transport.PipeTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.SmartLifecycle;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

/**
 * Runs the application's pipe endpoint as part of the Spring life cycle: a server listens when
 * the context is refreshed, a client connects in the background, and on shutdown queued
 * messages drain before the connections close. It hands received messages to the
 * {@link PipeListener} methods and publishes {@link io.asyncipc.messaging.event.PipeEvent}s.
 */
public class PipeEndpointContainer implements SmartLifecycle, PipeHandler, ApplicationEventPublisherAware {

	private static final Logger logger = LoggerFactory.getLogger(PipeEndpointContainer.class);

	private final PipeTransport transport;

	private final String name;

	private final PipeRole role;

	private final PipeOptions options;

	private final PipeListenerEndpointRegistry registry;

	private Duration shutdownTimeout = Duration.ofSeconds(30);

	private Duration failFastTimeout;

	private ApplicationEventPublisher publisher = (event) -> {
	};

	private volatile PipeEndpoint endpoint;

	private volatile CountDownLatch firstConnection = new CountDownLatch(1);

	private volatile boolean warnedNoListener;

	/**
	 * Creates a container.
	 * @param transport the platform transport
	 * @param name the pipe name
	 * @param role server or client
	 * @param options limits, backoff and dispatch
	 * @param registry the listeners that receive messages
	 */
	public PipeEndpointContainer(PipeTransport transport, String name, PipeRole role, PipeOptions options,
			PipeListenerEndpointRegistry registry) {
		this.transport = transport;
		this.name = name;
		this.role = role;
		this.options = options;
		this.registry = registry;
	}

	/**
	 * Sets how long queued messages may take to drain on shutdown.
	 * @param shutdownTimeout the drain timeout
	 */
	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	/**
	 * Makes a client's start fail if it has not reached its server within the timeout.
	 * @param failFastTimeout how long to wait, or {@code null} to start and keep retrying
	 */
	public void setFailFastTimeout(Duration failFastTimeout) {
		this.failFastTimeout = failFastTimeout;
	}

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher publisher) {
		this.publisher = publisher;
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
	 * Returns the transport's name, such as {@code unix} or {@code overlapped}.
	 * @return the mode in use
	 */
	public String getMode() {
		return this.transport.name();
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
		this.firstConnection = new CountDownLatch(1);
		PipeEndpoint created = this.transport.create(this.role, this.name, this.options, this);
		this.endpoint = created;
		created.start();
		if (this.role == PipeRole.CLIENT && this.failFastTimeout != null) {
			awaitServer(created);
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
			throw new PipeException("asyncipc.client.fail-fast is set and no server answered on pipe '" + this.name
					+ "' (" + created.address() + ") within " + this.failFastTimeout
					+ ((lastError != null) ? ": " + lastError.getMessage() : ""), lastError);
		}
	}

	@Override
	public void stop() {
		PipeEndpoint current = this.endpoint;
		if (current != null) {
			current.stop(this.shutdownTimeout);
		}
	}

	@Override
	public boolean isRunning() {
		PipeEndpoint current = this.endpoint;
		if (current == null) {
			return false;
		}
		EndpointState state = current.status().state();
		return state != EndpointState.STOPPED && state != EndpointState.STOPPING && state != EndpointState.NEW;
	}

	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 1024;
	}

	@Override
	public void onCreated(PipeEndpoint created) {
		this.publisher.publishEvent(new PipeCreatedEvent(this, this.name, this.role, created.address()));
	}

	@Override
	public void onConnected(PipeConnection connection) {
		logger.info("Pipe '{}': connection {} with {} is open", this.name, connection.id(), connection.peer());
		this.firstConnection.countDown();
		this.publisher.publishEvent(new PipeConnectedEvent(this, connection));
	}

	@Override
	public void onMessage(PipeConnection connection, byte[] bytes) {
		if (!this.registry.hasListeners()) {
			if (!this.warnedNoListener) {
				this.warnedNoListener = true;
				logger.warn("Pipe '{}' received a message but no @PipeListener method exists; messages are discarded "
						+ "until one does", this.name);
			}
			return;
		}
		this.registry.dispatch(toMessage(connection, bytes), connection);
	}

	@Override
	public void onDisconnected(PipeConnection connection, DisconnectReason reason, Throwable cause) {
		logger.info("Pipe '{}': connection {} closed ({})", this.name, connection.id(), reason);
		this.publisher.publishEvent(
				new PipeDisconnectedEvent(this, this.name, connection.id(), connection.peer(), reason, cause));
	}

	@Override
	public void onPeerRejected(PipeEndpoint rejecting, PeerIdentity peer, String reason) {
		this.publisher.publishEvent(new PipePeerRejectedEvent(this, this.name, peer, reason));
	}

	private Message<byte[]> toMessage(PipeConnection connection, byte[] bytes) {
		MessageBuilder<byte[]> builder = MessageBuilder.withPayload(bytes)
			.setHeader(PipeHeaders.CONNECTION_ID, connection.id())
			.setHeader(PipeHeaders.PEER_USER, connection.peer().user())
			.setHeader(PipeHeaders.PIPE_NAME, this.name)
			.setHeader(PipeHeaders.RECEIVED_TIMESTAMP, System.currentTimeMillis());
		connection.peer().pid().ifPresent((pid) -> builder.setHeader(PipeHeaders.PEER_PID, pid));
		return builder.build();
	}

}
