package io.asyncipc.transport.windows;

import java.util.OptionalLong;

import com.sun.jna.platform.win32.Advapi32Util;
import io.asyncipc.transport.PeerIdentity;
import io.asyncipc.transport.PipeException;

/**
 * Identifies the process on the other end of a pipe by its pid and the user of its access
 * token, and refuses one that runs as another user.
 */
final class PipePeers {

	private PipePeers() {
	}

	/**
	 * Identifies a peer.
	 * @param pid the peer's process id, from {@code GetNamedPipeClientProcessId} or
	 * {@code GetNamedPipeServerProcessId}
	 * @return the peer, running as this process's user
	 * @throws RefusedPeerException if it runs as another user, or its user cannot be read
	 */
	static PeerIdentity identify(int pid) {
		Advapi32Util.Account account;
		try {
			account = ProcessUsers.userOf(pid);
		}
		catch (PipeException ex) {
			throw new RefusedPeerException(PeerIdentity.of("unknown", OptionalLong.of(pid)),
					"its user could not be read: " + ex.getMessage());
		}
		PeerIdentity peer = PeerIdentity.of(ProcessUsers.nameOf(account), OptionalLong.of(pid));
		if (!ProcessUsers.isCurrentUser(account)) {
			throw new RefusedPeerException(peer, "it runs as OS user '" + peer.user() + "', and only '"
					+ ProcessUsers.nameOf(ProcessUsers.current()) + "' may connect");
		}
		return peer;
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
