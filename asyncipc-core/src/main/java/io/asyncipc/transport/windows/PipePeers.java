package io.asyncipc.transport.windows;

import java.util.OptionalLong;

import io.asyncipc.transport.PeerIdentity;
import io.asyncipc.transport.PipeException;

/**
 * Identifies the process on the other end of a pipe by its pid and the user SID of its
 * access token, and refuses one that runs as another user. Runs on the I/O thread, so it
 * looks up no account name: the identity's name is looked up lazily, off that thread.
 */
final class PipePeers {

	private PipePeers() {
	}

	/**
	 * Identifies a peer.
	 * @param pid the peer's process id, from {@code GetNamedPipeClientProcessId} or
	 * {@code GetNamedPipeServerProcessId}
	 * @return the peer, running as this process's user
	 * @throws RefusedPeerException if it runs as another user, or if anything about it
	 * cannot be read
	 */
	static PeerIdentity identify(int pid) {
		UserSid user;
		UserSid current;
		try {
			user = ProcessUsers.userOf(pid);
			current = ProcessUsers.current();
		}
		catch (RuntimeException ex) {
			throw new RefusedPeerException(unknown(OptionalLong.of(pid)),
					"its user could not be read: " + ex.getMessage());
		}
		String sid = user.toString();
		PeerIdentity peer = PeerIdentity.lazy(sid, () -> ProcessUsers.nameOf(sid), OptionalLong.of(pid));
		boolean sameUser;
		try {
			sameUser = user.sameUserAs(current);
		}
		catch (RuntimeException ex) {
			throw new RefusedPeerException(peer, "its user could not be compared with ours: " + ex.getMessage());
		}
		if (!sameUser) {
			throw new RefusedPeerException(peer, "it runs as the OS user with SID " + sid
					+ ", and only this process's user, SID " + current + ", may connect; run both as the same user");
		}
		return peer;
	}

	/**
	 * Returns the identity of a peer nothing is known of but, maybe, its pid.
	 * @param pid the pid, or empty
	 * @return the identity
	 */
	static PeerIdentity unknown(OptionalLong pid) {
		return PeerIdentity.of("unknown", pid);
	}

	/**
	 * A peer that must not become a connection.
	 */
	static final class RefusedPeerException extends PipeException {

		private static final long serialVersionUID = 1L;

		private final transient PeerIdentity peer;

		RefusedPeerException(PeerIdentity peer, String reason) {
			super(reason);
			this.peer = peer;
		}

		PeerIdentity peer() {
			return this.peer;
		}

	}

}
