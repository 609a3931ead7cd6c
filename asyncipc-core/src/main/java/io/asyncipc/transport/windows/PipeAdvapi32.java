package io.asyncipc.transport.windows;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.ptr.PointerByReference;
import com.sun.jna.win32.StdCallLibrary;
import com.sun.jna.win32.W32APIOptions;

/**
 * The one advapi32 function jna-platform lacks: building a security descriptor from SDDL.
 * Bound to its W variant.
 */
interface PipeAdvapi32 extends StdCallLibrary {

	PipeAdvapi32 INSTANCE = Native.load("advapi32", PipeAdvapi32.class, W32APIOptions.UNICODE_OPTIONS);

	int SDDL_REVISION_1 = 1;

	boolean ConvertStringSecurityDescriptorToSecurityDescriptor(WString sddl, int revision,
			PointerByReference securityDescriptor, Pointer size);

}
