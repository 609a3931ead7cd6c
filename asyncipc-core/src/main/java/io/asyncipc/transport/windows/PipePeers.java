package io.asyncipc.transport.windows;

import java.util.OptionalLong;

import io.asyncipc.transport.PeerIdentity;
import io.asyncipc.transport.PipeException;

/**
 * Identifies the other end of a pipe and refuses one of another user: a client by the user
 * SID of its process's access token, a server by the owner SID of the pipe itself. Runs on
 * the I/O thread, so it looks up no account name: the identity's name is looked up lazily,
 * off that thread.
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
	 * Decides whether a client may talk to the pipe it opened: only if the pipe is owned by
	 * this process's user. The owner is what a server sets when it creates the pipe's first
	 * instance, and no process can make another user the owner of what it creates (short of
	 * the restore privilege), so a pipe that another user created first under our name, to
	 * pose as our server, shows that user as its owner. A process id would prove less: the
	 * server may have exited and its pid gone to another process by the time it is read.
	 * <p>
	 * Windows gives every new object an owner, by default the creator's token owner, which
	 * for an elevated administrator is the Administrators group; that is why servers set the
	 * owner to their user explicitly ({@link PipeSecurity}). A descriptor without an owner
	 * (Wine leaves one out unless it is set) proves nothing, and is refused.
	 * @param path the pipe's path, for the error
	 * @param owner the pipe's owner, or {@code null} if its security descriptor has none
	 * @param current this process's user
	 * @param pid the server's process id as the pipe reports it, shown but not relied on
	 * @return the server, with the owner SID as its user id
	 * @throws RefusedPeerException if the pipe is not owned by this process's user
	 */
	static PeerIdentity identifyServer(String path, UserSid owner, UserSid current, OptionalLong pid) {
		if (owner == null) {
			throw new RefusedPeerException(unknown(pid), "pipe '" + path + "' has no owner, so nothing shows that "
					+ "this process's user, SID " + current + ", created it; a server of AsyncIPC sets its owner, so "
					+ "another program holds the name: stop it, or choose another name");
		}
		String sid = owner.toString();
		PeerIdentity server = PeerIdentity.lazy(sid, () -> ProcessUsers.nameOf(sid), pid);
		boolean sameUser;
		try {
			sameUser = owner.sameUserAs(current);
		}
		catch (RuntimeException ex) {
			throw new RefusedPeerException(server, "the owner of pipe '" + path + "', SID " + sid
					+ ", could not be compared with this process's user: " + ex.getMessage());
		}
		if (!sameUser) {
			throw new RefusedPeerException(server, "pipe '" + path + "' is owned by the OS user with SID " + sid
					+ ", not by this process's user, SID " + current + "; another user may have created it first "
					+ "to pose as the server: stop the process that holds it, or choose another name");
		}
		return server;
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
