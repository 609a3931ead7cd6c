package io.asyncipc.transport.unix;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeTransport;
import io.asyncipc.transport.RecordingHandler;
import org.junit.jupiter.api.AfterEach;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts real endpoints on random names and stops them after each test.
 */
abstract class UnixEndpoints {

	final PipeTransport transport = new UnixSocketTransport();

	final String name = "t-" + UUID.randomUUID().toString().substring(0, 12);

	private final List<PipeEndpoint> endpoints = new ArrayList<>();

	@AfterEach
	void stopEndpoints() {
		for (PipeEndpoint endpoint : this.endpoints) {
			endpoint.stop(Duration.ofSeconds(5));
		}
	}

	PipeEndpoint server(RecordingHandler handler) {
		return server(PipeOptions.defaults(), handler);
	}

	PipeEndpoint server(PipeOptions options, RecordingHandler handler) {
		PipeEndpoint server = this.transport.createServer(this.name, options, handler);
		this.endpoints.add(server);
		server.start();
		return server;
	}

	PipeEndpoint client(RecordingHandler handler) {
		return client(fastRetry(), handler);
	}

	PipeEndpoint client(PipeOptions options, RecordingHandler handler) {
		PipeEndpoint client = this.transport.createClient(this.name, options, handler);
		this.endpoints.add(client);
		client.start();
		return client;
	}

	static PipeOptions fastRetry() {
		return PipeOptions.builder().reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100)).build();
	}

	static PipeConnection awaitConnection(RecordingHandler handler) throws InterruptedException {
		PipeConnection connection = handler.connected.poll(10, TimeUnit.SECONDS);
		assertThat(connection).as("a connection within 10 s").isNotNull();
		return connection;
	}

	static SocketChannel rawClient(PipeEndpoint server) throws IOException {
		SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
		channel.connect(UnixDomainSocketAddress.of(server.address()));
		return channel;
	}

	static void writeFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
		while (buffer.hasRemaining()) {
			channel.write(buffer);
		}
	}

	static ByteBuffer readFully(SocketChannel channel, int bytes) throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate(bytes);
		while (buffer.hasRemaining()) {
			if (channel.read(buffer) < 0) {
				throw new IOException("peer closed after " + buffer.position() + " of " + bytes + " bytes");
			}
		}
		return buffer.flip();
	}

}
