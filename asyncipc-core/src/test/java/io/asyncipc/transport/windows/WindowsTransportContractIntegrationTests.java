package io.asyncipc.transport.windows;

import com.sun.jna.Native;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.win32.StdCallLibrary;
import com.sun.jna.win32.W32APIOptions;
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
		IntByReference count = new IntByReference();
		if (!HandleCount.INSTANCE.GetProcessHandleCount(Kernel32.INSTANCE.GetCurrentProcess(), count)) {
			throw new IllegalStateException("GetProcessHandleCount failed: " + Native.getLastError());
		}
		return count.getValue();
	}

	interface HandleCount extends StdCallLibrary {

		HandleCount INSTANCE = Native.load("kernel32", HandleCount.class, W32APIOptions.DEFAULT_OPTIONS);

		boolean GetProcessHandleCount(com.sun.jna.platform.win32.WinNT.HANDLE process, IntByReference count);

	}

}
