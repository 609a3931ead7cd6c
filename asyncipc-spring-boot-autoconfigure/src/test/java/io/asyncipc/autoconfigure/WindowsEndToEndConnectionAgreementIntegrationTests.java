package io.asyncipc.autoconfigure;

import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * What the envelope peers agree on when a connection opens, over real Windows named pipes, in
 * the mode that {@code .ci/windows-tests} selects; it runs them once per mode, under Wine.
 */
@EnabledOnOs(value = OS.WINDOWS, disabledReason = "Windows suite: needs Windows or Wine; run .ci/windows-tests")
class WindowsEndToEndConnectionAgreementIntegrationTests extends ConnectionAgreementIntegrationTests {

	private static final String MODE = System.getProperty("asyncipc.test.windows.mode", "overlapped");

	@Override
	protected String mode() {
		return MODE;
	}

}
