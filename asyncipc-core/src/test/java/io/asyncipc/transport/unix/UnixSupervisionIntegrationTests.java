package io.asyncipc.transport.unix;

import io.asyncipc.transport.PipeTransport;
import io.asyncipc.transport.SupervisionContractTests;

/**
 * The supervision contract over real Unix domain sockets.
 */
class UnixSupervisionIntegrationTests extends SupervisionContractTests {

	private final PipeTransport transport = new UnixSocketTransport();

	@Override
	protected PipeTransport transport() {
		return this.transport;
	}

}
