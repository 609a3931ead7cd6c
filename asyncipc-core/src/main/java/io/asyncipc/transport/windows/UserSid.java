package io.asyncipc.transport.windows;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.ptr.PointerByReference;
import io.asyncipc.transport.PipeException;

/**
 * A user SID, copied out of a token or a security descriptor: compared with
 * {@code EqualSid} and shown as a string, with no account-name lookup.
 */
final class UserSid {

	private final Memory sid;

	private final String string;

	UserSid(Memory sid, String string) {
		this.sid = sid;
		this.string = string;
	}

	/**
	 * Copies a SID out of memory that its owner will free, such as a token's information or
	 * a security descriptor.
	 * @param sid the SID
	 * @param what whose SID it is, for errors
	 * @return the copy
	 * @throws PipeException if the SID cannot be shown as a string
	 */
	static UserSid copyOf(Pointer sid, String what) {
		int size = PipeAdvapi32.INSTANCE.GetLengthSid(sid);
		Memory copy = new Memory(size);
		copy.write(0, sid.getByteArray(0, size), 0, size);
		return new UserSid(copy, sidString(copy, what));
	}

	/**
	 * Parses a SID string, such as {@code S-1-5-32-544}.
	 * @param string the SID string
	 * @return the SID
	 * @throws PipeException if it is no SID
	 */
	static UserSid parse(String string) {
		PointerByReference sid = new PointerByReference();
		if (!PipeAdvapi32.INSTANCE.ConvertStringSidToSid(new WString(string), sid)) {
			throw new PipeException(WindowsErrors.describe("ConvertStringSidToSid of '" + string + "'",
					Native.getLastError()));
		}
		try {
			return copyOf(sid.getValue(), string);
		}
		finally {
			PipeKernel32.instance().LocalFree(sid.getValue());
		}
	}

	private static String sidString(Pointer sid, String what) {
		PointerByReference string = new PointerByReference();
		if (!PipeAdvapi32.INSTANCE.ConvertSidToStringSid(sid, string)) {
			throw new PipeException(WindowsErrors.describe("ConvertSidToStringSid of " + what, Native.getLastError()));
		}
		try {
			return string.getValue().getWideString(0);
		}
		finally {
			PipeKernel32.instance().LocalFree(string.getValue());
		}
	}

	/**
	 * Returns whether both SIDs name the same user.
	 * @param other the other SID
	 * @return {@code true} for the same user
	 */
	boolean sameUserAs(UserSid other) {
		return PipeAdvapi32.INSTANCE.EqualSid(this.sid, other.sid);
	}

	/**
	 * Returns the SID in its string form, such as {@code S-1-5-21-...-1001}.
	 * @return the SID string
	 */
	@Override
	public String toString() {
		return this.string;
	}

}
