package io.asyncipc.transport.unix;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import io.asyncipc.transport.PipeTransport;
import io.asyncipc.transport.TransportContractTests;

/**
 * The transport contract over real Unix domain sockets.
 */
class UnixTransportContractIntegrationTests extends TransportContractTests {

	private final PipeTransport transport = new UnixSocketTransport();

	@Override
	protected PipeTransport transport() {
		return this.transport;
	}

	@Override
	protected long openHandles() throws Exception {
		try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
			return descriptors.count();
		}
	}

}
