package io.asyncipc.autoconfigure;

import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The tracing tests over real Windows named pipes, in the mode that {@code .ci/windows-tests}
 * selects; it runs them once per mode, under Wine.
 */
@EnabledOnOs(value = OS.WINDOWS, disabledReason = "Windows suite: needs Windows or Wine; run .ci/windows-tests")
class WindowsEndToEndTracingIntegrationTests extends TracingIntegrationTests {

	private static final String MODE = System.getProperty("asyncipc.test.windows.mode", "overlapped");

	@Override
	protected String mode() {
		return MODE;
	}

}
