package io.asyncipc.transport.windows;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.platform.win32.WinNT.HANDLEByReference;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import com.sun.jna.win32.StdCallLibrary;
import com.sun.jna.win32.W32APIOptions;

/**
 * The advapi32 functions the transport needs: a security descriptor from SDDL, the user SID
 * of a process's token, and the owner SID of a pipe, on raw memory. Functions with A and W
 * variants bind to the W variant.
 */
interface PipeAdvapi32 extends StdCallLibrary {

	PipeAdvapi32 INSTANCE = Native.load("advapi32", PipeAdvapi32.class, W32APIOptions.UNICODE_OPTIONS);

	int SDDL_REVISION_1 = 1;

	int TOKEN_QUERY = 0x0008;

	/** The {@code TOKEN_INFORMATION_CLASS} of {@code TOKEN_USER}. */
	int TOKEN_USER = 1;

	/** The {@code SE_OBJECT_TYPE} of a handle to a kernel object, such as a pipe. */
	int SE_KERNEL_OBJECT = 6;

	int OWNER_SECURITY_INFORMATION = 0x00000001;

	boolean ConvertStringSecurityDescriptorToSecurityDescriptor(WString sddl, int revision,
			PointerByReference securityDescriptor, Pointer size);

	boolean OpenProcessToken(HANDLE process, int desiredAccess, HANDLEByReference token);

	boolean GetTokenInformation(HANDLE token, int informationClass, Pointer information, int length,
			IntByReference returnLength);

	boolean EqualSid(Pointer sid1, Pointer sid2);

	int GetLengthSid(Pointer sid);

	boolean ConvertSidToStringSid(Pointer sid, PointerByReference stringSid);

	boolean ConvertStringSidToSid(WString stringSid, PointerByReference sid);

	/**
	 * Reads parts of an object's security descriptor. The owner, group and ACLs point into
	 * the descriptor, which the caller frees with {@code LocalFree}.
	 * @return 0, or the Windows error code (not the thread's last error)
	 */
	int GetSecurityInfo(HANDLE handle, int objectType, int securityInfo, PointerByReference owner,
			PointerByReference group, PointerByReference dacl, PointerByReference sacl,
			PointerByReference securityDescriptor);

}
