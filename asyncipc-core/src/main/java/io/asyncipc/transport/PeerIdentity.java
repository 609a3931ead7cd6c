package io.asyncipc.transport;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * Who is on the other end of a connection, as the operating system reports it.
 *
 * @param user the peer's OS user name
 * @param pid the peer's process id, where the OS and runtime give it
 */
public record PeerIdentity(String user, OptionalLong pid) {

	/**
	 * Creates an identity.
	 * @param user the peer's OS user name
	 * @param pid the peer's process id, or empty when unknown
	 */
	public PeerIdentity {
		Objects.requireNonNull(user, "user");
		Objects.requireNonNull(pid, "pid");
	}

	@Override
	public String toString() {
		return pid.isPresent() ? user + " (pid " + pid.getAsLong() + ")" : user;
	}

}
