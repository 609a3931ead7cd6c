package io.asyncipc.transport.windows;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinDef;
import com.sun.jna.ptr.PointerByReference;
import io.asyncipc.transport.PipeException;

/**
 * The security of a server's pipe instances: owned by the current user, with a protected DACL
 * that grants access to that user and to SYSTEM, and to nobody else.
 * <p>
 * The owner is set explicitly, as .NET's {@code PipeOptions.CurrentUserOnly} does: by default
 * Windows makes the creator's token owner the owner, which for an elevated administrator is
 * the Administrators group, and clients accept only a pipe that their user owns
 * ({@link PipePeers#identifyServer}).
 */
final class PipeSecurity implements AutoCloseable {

	private final Pointer descriptor;

	private final WinBase.SECURITY_ATTRIBUTES attributes = new WinBase.SECURITY_ATTRIBUTES();

	private PipeSecurity(Pointer descriptor) {
		this.descriptor = descriptor;
		this.attributes.dwLength = new WinDef.DWORD(this.attributes.size());
		this.attributes.lpSecurityDescriptor = descriptor;
		this.attributes.bInheritHandle = false;
		this.attributes.write();
	}

	/**
	 * Builds the descriptor for the current user.
	 * @return the security, to close when the server stops
	 */
	static PipeSecurity currentUserOnly() {
		UserSid user = ProcessUsers.current();
		return fromSddl("O:" + user + "D:P(A;;GA;;;SY)(A;;GA;;;" + user + ")");
	}

	/**
	 * Builds a descriptor from its SDDL form.
	 * @param sddl the descriptor, such as {@code O:BAD:P(A;;GA;;;BA)}
	 * @return the security, to close once the pipes are created
	 */
	static PipeSecurity fromSddl(String sddl) {
		PointerByReference descriptor = new PointerByReference();
		if (!PipeAdvapi32.INSTANCE.ConvertStringSecurityDescriptorToSecurityDescriptor(new WString(sddl),
				PipeAdvapi32.SDDL_REVISION_1, descriptor, null)) {
			throw new PipeException(
					WindowsErrors.describe("ConvertStringSecurityDescriptorToSecurityDescriptor", Native.getLastError()));
		}
		return new PipeSecurity(descriptor.getValue());
	}

	/**
	 * Returns the {@code SECURITY_ATTRIBUTES} to create pipe instances with.
	 * @return a pointer to the attributes
	 */
	Pointer attributes() {
		return this.attributes.getPointer();
	}

	@Override
	public void close() {
		PipeKernel32.instance().LocalFree(this.descriptor);
	}

}
