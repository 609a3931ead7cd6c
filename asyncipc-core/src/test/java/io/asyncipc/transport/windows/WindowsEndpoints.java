package io.asyncipc.transport.windows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeHandler;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.RecordingHandler;
import io.asyncipc.transport.TestNames;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real Windows endpoints in the suite's mode on one random name, including servers made
 * through the package's own constructor, so that a test can inject faults before starting
 * them; {@link #close()} stops them all.
 */
final class WindowsEndpoints implements AutoCloseable {

	final String name = TestNames.random();

	private final List<PipeEndpoint> endpoints = new ArrayList<>();

	/**
	 * Creates a server, not started, that makes its calls through {@code kernel32}.
	 */
	WindowsServerEndpoint newServer(PipeOptions options, PipeHandler handler, PipeKernel32 kernel32) {
		WindowsServerEndpoint server = new WindowsServerEndpoint(this.name, options, handler, WindowsSuite.mode(),
				kernel32);
		this.endpoints.add(server);
		return server;
	}

	WindowsServerEndpoint newServer(PipeHandler handler) {
		return newServer(PipeOptions.defaults(), handler, PipeKernel32.instance());
	}

	WindowsServerEndpoint server(PipeHandler handler) {
		WindowsServerEndpoint server = newServer(handler);
		server.start();
		return server;
	}

	PipeEndpoint client(PipeHandler handler) {
		return client(PipeOptions.builder().reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100)).build(),
				handler);
	}

	PipeEndpoint client(PipeOptions options, PipeHandler handler) {
		PipeEndpoint client = new WindowsPipeTransport(WindowsSuite.mode()).createClient(this.name, options, handler);
		this.endpoints.add(client);
		client.start();
		return client;
	}

	static PipeConnection awaitConnection(RecordingHandler handler) throws InterruptedException {
		PipeConnection connection = handler.connected.poll(20, TimeUnit.SECONDS);
		assertThat(connection).as("a connection within 20 s").isNotNull();
		return connection;
	}

	@Override
	public void close() {
		for (PipeEndpoint endpoint : this.endpoints) {
			endpoint.stop(Duration.ofSeconds(5));
		}
	}

}
