package io.asyncipc.transport.unix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;

/**
 * The OS user this process runs as, the same way the JDK names a socket peer's user: the
 * owner of a file it creates.
 */
final class LocalUser {

	private static volatile UserPrincipal principal;

	private LocalUser() {
	}

	static String name() {
		return principal().getName();
	}

	/**
	 * Returns the user as the JDK's principal, which compares by uid, like the principal of a
	 * socket's peer.
	 * @return the principal
	 */
	static UserPrincipal principal() {
		UserPrincipal result = principal;
		if (result == null) {
			result = lookUp();
			principal = result;
		}
		return result;
	}

	private static UserPrincipal lookUp() {
		try {
			Path probe = Files.createTempFile("asyncipc-user", ".probe");
			try {
				return Files.getOwner(probe);
			}
			finally {
				Files.deleteIfExists(probe);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not find out which OS user this process runs as", ex);
		}
	}

}
