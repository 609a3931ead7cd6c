package io.asyncipc.transport.windows;

import com.sun.jna.Memory;

/**
 * The SID of a process's user, copied out of its token: compared with {@code EqualSid} and
 * shown as a string, with no account-name lookup.
 */
final class UserSid {

	private final Memory sid;

	private final String string;

	UserSid(Memory sid, String string) {
		this.sid = sid;
		this.string = string;
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
