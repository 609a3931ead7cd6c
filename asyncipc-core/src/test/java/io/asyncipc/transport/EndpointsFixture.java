package io.asyncipc.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts real endpoints of one transport on random names, and stops them after each test.
 */
public abstract class EndpointsFixture {

	protected final String name = TestNames.random();

	private final List<PipeEndpoint> endpoints = new ArrayList<>();

	/**
	 * Returns the transport under test.
	 * @return the transport
	 */
	protected abstract PipeTransport transport();

	@AfterEach
	protected void stopEndpoints() {
		for (PipeEndpoint endpoint : this.endpoints) {
			endpoint.stop(Duration.ofSeconds(5));
			deleteLockFile(endpoint);
		}
	}

	/**
	 * A Unix server leaves its lock file behind on purpose; tests with random names remove it.
	 */
	private static void deleteLockFile(PipeEndpoint endpoint) {
		if (endpoint.role() == PipeRole.SERVER && endpoint.address().startsWith("/")) {
			try {
				Files.deleteIfExists(Path.of(endpoint.address() + ".lock"));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

	protected PipeEndpoint server(RecordingHandler handler) {
		return server(PipeOptions.defaults(), handler);
	}

	protected PipeEndpoint server(PipeOptions options, RecordingHandler handler) {
		PipeEndpoint server = transport().createServer(this.name, options, handler);
		this.endpoints.add(server);
		server.start();
		return server;
	}

	protected PipeEndpoint client(RecordingHandler handler) {
		return client(fastRetry(), handler);
	}

	protected PipeEndpoint client(PipeOptions options, RecordingHandler handler) {
		PipeEndpoint client = transport().createClient(this.name, options, handler);
		this.endpoints.add(client);
		client.start();
		return client;
	}

	protected static PipeOptions fastRetry() {
		return PipeOptions.builder().reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100)).build();
	}

	protected static PipeConnection awaitConnection(RecordingHandler handler) throws InterruptedException {
		PipeConnection connection = handler.connected.poll(20, TimeUnit.SECONDS);
		assertThat(connection).as("a connection within 20 s").isNotNull();
		return connection;
	}

}
