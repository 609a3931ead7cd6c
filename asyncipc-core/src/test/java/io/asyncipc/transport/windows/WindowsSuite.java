package io.asyncipc.transport.windows;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the Windows suite is run with: the async mode and the native peer, both given by
 * {@code .ci/windows-tests} as system properties.
 */
final class WindowsSuite {

	/** Why the Windows suite is skipped elsewhere. */
	static final String SKIPPED = "Windows suite: needs Windows or Wine; run .ci/windows-tests";

	private WindowsSuite() {
	}

	static WindowsIoMode mode() {
		String mode = System.getProperty("asyncipc.test.windows.mode", "overlapped");
		for (WindowsIoMode candidate : WindowsIoMode.values()) {
			if (candidate.propertyValue().equals(mode)) {
				return candidate;
			}
		}
		throw new IllegalArgumentException("asyncipc.test.windows.mode must be overlapped or completion-routine, got "
				+ mode);
	}

	static Path nativePeer() {
		String peer = System.getProperty("asyncipc.test.windows.peer");
		if (peer == null || !Files.isRegularFile(Path.of(peer))) {
			throw new IllegalStateException("asyncipc.test.windows.peer must name the pipe-peer.exe that "
					+ ".ci/windows-tests builds with mingw, got " + peer);
		}
		return Path.of(peer);
	}

}
