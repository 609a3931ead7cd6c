package io.asyncipc.transport.unix;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.attribute.UserPrincipal;

import io.asyncipc.transport.PeerIdentity;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The identity of a socket's peer, from {@code SO_PEERCRED}, and the check that it is this
 * process's own user.
 */
final class PeerCredentials {

	private final UserPrincipal user;

	private final PeerIdentity identity;

	private PeerCredentials(UserPrincipal user, PeerIdentity identity) {
		this.user = user;
		this.identity = identity;
	}

	static PeerCredentials of(SocketChannel channel) throws IOException {
		UnixDomainPrincipal principal = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
		return new PeerCredentials(principal.user(),
				PeerIdentity.of(principal.user().getName(), PeerProcessIds.of(channel)));
	}

	PeerIdentity identity() {
		return this.identity;
	}

	/**
	 * Returns whether the peer runs as this process's user. The JDK compares its user
	 * principals by uid. Their names are no proof: a name that could not be looked up, as
	 * when the process is out of file descriptors, is the uid in digits.
	 * @return {@code true} for this process's own user
	 */
	boolean isLocalUser() {
		return this.user.equals(LocalUser.principal());
	}

}
