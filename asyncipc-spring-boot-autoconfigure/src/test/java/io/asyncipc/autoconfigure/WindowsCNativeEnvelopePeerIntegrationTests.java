package io.asyncipc.autoconfigure;

import java.util.List;

import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The native peer tests with {@code interop/c/envelope_peer.c} over real Windows named pipes in
 * message mode, in the mode that {@code .ci/windows-tests} selects; it builds the peer with mingw,
 * passes its path as {@code asyncipc.test.windows.envelope-peer}, and runs this class once per
 * mode, under Wine.
 */
@EnabledOnOs(value = OS.WINDOWS, disabledReason = "Windows suite: needs Windows or Wine; run .ci/windows-tests")
class WindowsCNativeEnvelopePeerIntegrationTests extends NativeEnvelopePeerIntegrationTests {

	private static final String MODE = System.getProperty("asyncipc.test.windows.mode", "overlapped");

	@Override
	protected List<String> peerCommand() {
		return NativeEnvelopePeers.windowsC();
	}

	@Override
	protected String peerName() {
		return "c";
	}

	@Override
	protected List<String> where(String pipeName) {
		return List.of("--name", pipeName);
	}

	@Override
	protected String mode() {
		return MODE;
	}

}
