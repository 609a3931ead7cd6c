package io.asyncipc.transport.windows;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.platform.win32.WinNT.HANDLEByReference;
import com.sun.jna.ptr.IntByReference;
import io.asyncipc.transport.PipeException;

/**
 * Finds out which user a process runs as, from the user SID in its access token, so that
 * each end of a pipe can check that the other runs as the same user. No account name is
 * looked up here: {@code LookupAccountSid} may ask a domain controller and block, so names
 * are looked up only on request, off the I/O thread ({@link #nameOf(String)}).
 */
final class ProcessUsers {

	private static final PipeKernel32 K = PipeKernel32.instance();

	private static final PipeAdvapi32 A = PipeAdvapi32.INSTANCE;

	private static volatile UserSid current;

	private ProcessUsers() {
	}

	/**
	 * Returns the user this process runs as.
	 * @return the user's SID
	 */
	static UserSid current() {
		UserSid user = current;
		if (user == null) {
			user = userOf(K.GetCurrentProcess(), "this process");
			current = user;
		}
		return user;
	}

	/**
	 * Returns the user another process runs as.
	 * @param pid the process id
	 * @return the user's SID
	 * @throws PipeException if the process, its token or its user cannot be read
	 */
	static UserSid userOf(int pid) {
		HANDLE process = K.OpenProcess(PipeKernel32.PROCESS_QUERY_LIMITED_INFORMATION, false, pid);
		if (process == null) {
			throw new PipeException(WindowsErrors.describe("OpenProcess " + pid, Native.getLastError()));
		}
		try {
			return userOf(process, "process " + pid);
		}
		finally {
			K.CloseHandle(process);
		}
	}

	/**
	 * Looks up the account name of a SID. May block on a domain controller: never call it on
	 * an I/O thread.
	 * @param sid the SID string
	 * @return the account name
	 */
	static String nameOf(String sid) {
		return Advapi32Util.getAccountBySid(sid).name;
	}

	private static UserSid userOf(HANDLE process, String what) {
		HANDLEByReference token = new HANDLEByReference();
		if (!A.OpenProcessToken(process, PipeAdvapi32.TOKEN_QUERY, token)) {
			throw new PipeException(WindowsErrors.describe("OpenProcessToken of " + what, Native.getLastError()));
		}
		try {
			return tokenUser(token.getValue(), what);
		}
		finally {
			K.CloseHandle(token.getValue());
		}
	}

	/**
	 * Reads {@code TOKEN_USER}, whose first field is the pointer to the SID, and copies the
	 * SID out of it.
	 */
	private static UserSid tokenUser(HANDLE token, String what) {
		IntByReference length = new IntByReference();
		if (!A.GetTokenInformation(token, PipeAdvapi32.TOKEN_USER, null, 0, length)
				&& Native.getLastError() != PipeKernel32.ERROR_INSUFFICIENT_BUFFER) {
			throw new PipeException(WindowsErrors.describe("GetTokenInformation of " + what, Native.getLastError()));
		}
		Memory information = new Memory(Math.max(length.getValue(), Native.POINTER_SIZE));
		if (!A.GetTokenInformation(token, PipeAdvapi32.TOKEN_USER, information, (int) information.size(), length)) {
			throw new PipeException(WindowsErrors.describe("GetTokenInformation of " + what, Native.getLastError()));
		}
		return UserSid.copyOf(information.getPointer(0), what);
	}

}
