package io.asyncipc.transport.windows;

import com.sun.jna.Native;
import com.sun.jna.platform.win32.Advapi32;
import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT;
import io.asyncipc.transport.PipeException;

/**
 * Finds out which user a process runs as, from its access token, so that each end of a pipe
 * can check that the other runs as the same user.
 */
final class ProcessUsers {

	private static final int PROCESS_QUERY_LIMITED_INFORMATION = 0x1000;

	private static volatile Advapi32Util.Account current;

	private ProcessUsers() {
	}

	/**
	 * Returns the user this process runs as.
	 * @return the account, with its SID
	 */
	static Advapi32Util.Account current() {
		Advapi32Util.Account account = current;
		if (account == null) {
			account = userOf(Kernel32.INSTANCE.GetCurrentProcess());
			current = account;
		}
		return account;
	}

	/**
	 * Returns the user another process runs as.
	 * @param pid the process id
	 * @return the account, with its SID
	 * @throws PipeException if the process or its token cannot be opened
	 */
	static Advapi32Util.Account userOf(int pid) {
		WinNT.HANDLE process = Kernel32.INSTANCE.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, false, pid);
		if (process == null) {
			throw new PipeException(WindowsErrors.describe("OpenProcess " + pid, Native.getLastError()));
		}
		try {
			return userOf(process);
		}
		finally {
			Kernel32.INSTANCE.CloseHandle(process);
		}
	}

	private static Advapi32Util.Account userOf(WinNT.HANDLE process) {
		WinNT.HANDLEByReference token = new WinNT.HANDLEByReference();
		if (!Advapi32.INSTANCE.OpenProcessToken(process, WinNT.TOKEN_QUERY, token)) {
			throw new PipeException(WindowsErrors.describe("OpenProcessToken", Native.getLastError()));
		}
		try {
			return Advapi32Util.getTokenAccount(token.getValue());
		}
		finally {
			Kernel32.INSTANCE.CloseHandle(token.getValue());
		}
	}

	static boolean isCurrentUser(Advapi32Util.Account account) {
		return current().sidString.equals(account.sidString);
	}

	static String nameOf(Advapi32Util.Account account) {
		return (account.name != null) ? account.name : account.sidString;
	}

}
