package io.asyncipc.transport.windows;

import com.sun.jna.Native;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.win32.StdCallLibrary;
import com.sun.jna.win32.W32APIOptions;

/**
 * Counts this process's open handles, for tests that check that nothing is left open.
 */
final class ProcessHandles {

	private ProcessHandles() {
	}

	static long count() {
		IntByReference count = new IntByReference();
		if (!HandleCount.INSTANCE.GetProcessHandleCount(Kernel32.INSTANCE.GetCurrentProcess(), count)) {
			throw new IllegalStateException("GetProcessHandleCount failed: " + Native.getLastError());
		}
		return count.getValue();
	}

	interface HandleCount extends StdCallLibrary {

		HandleCount INSTANCE = Native.load("kernel32", HandleCount.class, W32APIOptions.UNICODE_OPTIONS);

		boolean GetProcessHandleCount(HANDLE process, IntByReference count);

	}

}
