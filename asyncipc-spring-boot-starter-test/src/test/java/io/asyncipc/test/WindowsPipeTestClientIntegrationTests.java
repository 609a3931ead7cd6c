package io.asyncipc.test;

import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The {@link PipeTestClient} tests over real Windows named pipes, in the mode that
 * {@code .ci/windows-tests} selects, under Wine.
 */
@EnabledOnOs(value = OS.WINDOWS, disabledReason = "Windows suite: needs Windows or Wine; run .ci/windows-tests")
class WindowsPipeTestClientIntegrationTests extends PipeTestClientIntegrationTests {

	private static final String MODE = System.getProperty("asyncipc.test.windows.mode", "overlapped");

	@Override
	protected String mode() {
		return MODE;
	}

}
