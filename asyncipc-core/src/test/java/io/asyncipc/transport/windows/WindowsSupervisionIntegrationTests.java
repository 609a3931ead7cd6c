package io.asyncipc.transport.windows;

import io.asyncipc.transport.PipeTransport;
import io.asyncipc.transport.SupervisionContractTests;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The supervision contract over real Windows named pipes, in the mode that
 * {@code .ci/windows-tests} selects; it runs the suite once per mode, under Wine.
 */
@EnabledOnOs(value = OS.WINDOWS, disabledReason = WindowsSuite.SKIPPED)
class WindowsSupervisionIntegrationTests extends SupervisionContractTests {

	private final PipeTransport transport = new WindowsPipeTransport(WindowsSuite.mode());

	@Override
	protected PipeTransport transport() {
		return this.transport;
	}

}
