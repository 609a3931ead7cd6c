package io.asyncipc.autoconfigure;

import java.util.List;

import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The native peer tests with {@code interop/c/envelope_peer.c}, built with {@code gcc} at test
 * time, on a Unix domain socket. {@link WindowsCNativeEnvelopePeerIntegrationTests} runs them
 * with its mingw build on named pipes.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "built with gcc for this machine; Windows has its own class")
class CNativeEnvelopePeerIntegrationTests extends NativeEnvelopePeerIntegrationTests {

	@Override
	protected List<String> peerCommand() throws Exception {
		return NativeEnvelopePeers.linuxC();
	}

	@Override
	protected String peerName() {
		return "c";
	}

}
