package io.asyncipc.transport.unix;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This machine's name from {@code gethostname}, made safe for a file name. It keeps the
 * socket directories of two machines apart in a home directory that they share over NFS,
 * where a lock file or a socket file of one machine means nothing to the other.
 * {@code InetAddress.getLocalHost()} is not used: it also resolves the name, which can take
 * seconds or fail where DNS is broken.
 */
final class HostName {

	private static final Logger logger = LoggerFactory.getLogger(HostName.class);

	private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");

	private static final int MAX_LENGTH = 64;

	private static volatile String name;

	private HostName() {
	}

	/**
	 * Returns the host name, or {@code localhost} if the OS does not tell it.
	 * @return the name, of letters, digits, '.', '_' and '-' only
	 */
	static String get() {
		String result = name;
		if (result == null) {
			result = safe(lookUp());
			name = result;
		}
		return result;
	}

	static String safe(String raw) {
		String safe = UNSAFE.matcher(raw).replaceAll("_");
		if (safe.isEmpty() || safe.startsWith(".")) {
			return "localhost";
		}
		return (safe.length() > MAX_LENGTH) ? safe.substring(0, MAX_LENGTH) : safe;
	}

	private static String lookUp() {
		try {
			byte[] buffer = new byte[256];
			if (LibC.INSTANCE.gethostname(buffer, new NativeLong(buffer.length - 1)) != 0) {
				return "";
			}
			int length = 0;
			while (length < buffer.length && buffer[length] != 0) {
				length++;
			}
			return new String(buffer, 0, length, StandardCharsets.UTF_8);
		}
		catch (RuntimeException | LinkageError ex) {
			logger.debug("Could not read the host name; using 'localhost'", ex);
			return "";
		}
	}

	/**
	 * The one libc call needed here.
	 */
	interface LibC extends Library {

		LibC INSTANCE = Native.load("c", LibC.class);

		int gethostname(byte[] name, NativeLong length);

	}

}
