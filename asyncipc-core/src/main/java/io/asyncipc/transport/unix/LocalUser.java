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

	private static volatile String name;

	private LocalUser() {
	}

	static String name() {
		String result = name;
		if (result == null) {
			result = lookUp();
			name = result;
		}
		return result;
	}

	private static String lookUp() {
		try {
			Path probe = Files.createTempFile("asyncipc-user", ".probe");
			try {
				UserPrincipal owner = Files.getOwner(probe);
				return owner.getName();
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
