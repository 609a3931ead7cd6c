package io.asyncipc.autoconfigure;

import java.util.List;

import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The native peer tests with {@code interop/python/peer.py}, on a Unix domain socket. The peer
 * finds the socket from the pipe's name by the rule of {@code docs/wire-format.md}, as a Python
 * user's program would, so these tests also check that its rule and AsyncIPC's agree.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "the Python peer speaks the Unix socket framing")
class PythonNativeEnvelopePeerIntegrationTests extends NativeEnvelopePeerIntegrationTests {

	@Override
	protected List<String> peerCommand() {
		return NativeEnvelopePeers.python();
	}

	@Override
	protected String peerName() {
		return "python";
	}

	@Override
	protected List<String> where(String pipeName) {
		return List.of("--name", pipeName);
	}

}
