package io.asyncipc.transport.windows;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.PointerByReference;
import io.asyncipc.transport.PipeException;

/**
 * Reads who owns a pipe, from its security descriptor ({@code GetSecurityInfo}), so that a
 * client can check that its server's pipe belongs to its own user ({@link PipePeers}).
 */
final class PipeOwners {

	private PipeOwners() {
	}

	/**
	 * Returns the owner of a pipe. The handle needs {@code READ_CONTROL}, which
	 * {@code GENERIC_READ} includes.
	 * @param pipe a handle to the pipe
	 * @param path the pipe's path, for errors
	 * @return the owner's SID, or {@code null} if the descriptor names no owner
	 * @throws PipeException if the descriptor cannot be read
	 */
	static UserSid ownerOf(HANDLE pipe, String path) {
		PointerByReference owner = new PointerByReference();
		PointerByReference descriptor = new PointerByReference();
		int error = PipeAdvapi32.INSTANCE.GetSecurityInfo(pipe, PipeAdvapi32.SE_KERNEL_OBJECT,
				PipeAdvapi32.OWNER_SECURITY_INFORMATION, owner, null, null, null, descriptor);
		if (error != 0) {
			throw new PipeException(WindowsErrors.describe("GetSecurityInfo of " + path, error));
		}
		try {
			Pointer sid = owner.getValue();
			return (sid != null) ? UserSid.copyOf(sid, "the owner of " + path) : null;
		}
		finally {
			PipeKernel32.instance().LocalFree(descriptor.getValue());
		}
	}

}
