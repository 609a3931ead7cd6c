package io.asyncipc.transport;

import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A server or client end of a named pipe.
 * <p>
 * A server listens on its name and accepts any number of clients; a client connects to its
 * server, retrying with backoff until it connects or is stopped, and reconnects when the
 * server goes away.
 */
public interface PipeEndpoint extends AutoCloseable {

	/**
	 * Returns the name the endpoint was created with.
	 * @return the pipe name
	 */
	String name();

	/**
	 * Returns the operating-system address the name maps to: a socket path or a pipe path.
	 * @return the OS address
	 */
	String address();

	/**
	 * Returns the role of this endpoint.
	 * @return server or client
	 */
	PipeRole role();

	/**
	 * Starts the endpoint: a server binds and listens (and fails here if it cannot), a client
	 * begins connecting in the background.
	 * @throws PipeException if a server cannot take its name
	 */
	void start();

	/**
	 * Stops accepting and connecting, lets queued messages drain for at most
	 * {@code timeout}, closes every connection, removes what the endpoint created and joins
	 * its threads.
	 * @param timeout how long queued messages may take to drain
	 */
	void stop(Duration timeout);

	/**
	 * Stops as {@link #stop(Duration)} does, without waiting: the returned future completes
	 * once the endpoint is stopped, within about {@code timeout}.
	 * @param timeout how long the whole stop may take
	 * @return a future that completes when the endpoint has stopped
	 */
	CompletableFuture<Void> stopAsync(Duration timeout);

	/**
	 * Stops with a drain timeout of five seconds.
	 */
	@Override
	default void close() {
		stop(Duration.ofSeconds(5));
	}

	/**
	 * Returns a snapshot of the endpoint's state.
	 * @return the current status
	 */
	EndpointStatus status();

	/**
	 * Returns the open connections: any number for a server, at most one for a client.
	 * @return a snapshot of the open connections
	 */
	Collection<PipeConnection> connections();

	/**
	 * Looks up an open connection by id.
	 * @param id the connection id
	 * @return the connection, if it is open
	 */
	Optional<PipeConnection> connection(String id);

}
