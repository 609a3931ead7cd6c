package io.asyncipc.transport.unix;

import java.io.IOException;
import java.nio.channels.SocketChannel;

import io.asyncipc.transport.PeerIdentity;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The identity of a socket's peer, from {@code SO_PEERCRED}, and the check that it is this
 * process's own user.
 */
final class PeerCredentials {

	private PeerCredentials() {
	}

	static PeerIdentity of(SocketChannel channel) throws IOException {
		UnixDomainPrincipal principal = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
		return PeerIdentity.of(principal.user().getName(), PeerProcessIds.of(channel));
	}

	static boolean isLocalUser(PeerIdentity peer) {
		return peer.user().equals(LocalUser.name());
	}

}
