package io.asyncipc.transport.windows;

import io.asyncipc.transport.PipeTransport;
import io.asyncipc.transport.TransportContractTests;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The transport contract over real Windows named pipes, in the mode that
 * {@code .ci/windows-tests} selects; it runs the suite once per mode, under Wine.
 */
@EnabledOnOs(value = OS.WINDOWS, disabledReason = WindowsSuite.SKIPPED)
class WindowsTransportContractIntegrationTests extends TransportContractTests {

	private final PipeTransport transport = new WindowsPipeTransport(WindowsSuite.mode());

	@Override
	protected PipeTransport transport() {
		return this.transport;
	}

	@Override
	protected int messagesPerClient() {
		return 200;
	}

	@Override
	protected int cycles() {
		return 200;
	}

	@Override
	protected long openHandles() {
		return ProcessHandles.count();
	}

}
