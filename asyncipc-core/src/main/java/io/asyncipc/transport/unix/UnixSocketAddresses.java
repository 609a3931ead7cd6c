package io.asyncipc.transport.unix;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

import io.asyncipc.transport.PipeException;

/**
 * Maps a pipe name to a socket path.
 * <ul>
 * <li>An absolute path is used as it is, in a directory that must exist, belong to this user
 * or to root, and be writable by nobody else: a directory where another user could plant a
 * socket, such as {@code /tmp}, is refused.</li>
 * <li>A plain name becomes {@code <name>.sock} in a per-user directory:
 * {@code $XDG_RUNTIME_DIR/asyncipc/} where that is set, otherwise
 * {@code <java.io.tmpdir>/asyncipc-<user>/}, or {@code <home>/.asyncipc/<host>/} once another
 * user squatted that (see {@link SocketDirectory}). The directory is created with mode 0700 and
 * must be owned by this user with no access for anyone else; otherwise it is refused, so that
 * nobody can plant a socket there.</li>
 * <li>A Windows-style name, {@code \\.\pipe\<name>}, is read as its plain name.</li>
 * </ul>
 */
public final class UnixSocketAddresses {

	private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

	private static final String WINDOWS_PREFIX = "\\\\.\\pipe\\";

	/** The longest path the OS takes for a socket, in bytes, without the terminating zero. */
	static final int MAX_PATH_BYTES = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac") ? 103
			: 107;

	private UnixSocketAddresses() {
	}

	/**
	 * Resolves a name to its socket path, creating the per-user directory if needed.
	 * @param name a plain name or an absolute path
	 * @return the socket path
	 * @throws PipeException if the name is invalid, the path too long, or the directory unsafe
	 */
	public static Path resolve(String name) {
		if (name == null || name.isBlank()) {
			throw new PipeException("pipe name must not be empty");
		}
		String plain = name.startsWith(WINDOWS_PREFIX) ? name.substring(WINDOWS_PREFIX.length()) : name;
		Path path;
		if (plain.startsWith("/")) {
			path = Path.of(plain);
			checkLength(name, path);
			SocketDirectory.checkParentOfAbsolutePath(path);
			return path;
		}
		else {
			if (!PLAIN_NAME.matcher(plain).matches()) {
				throw new PipeException("pipe name '" + name + "' may only contain letters, digits, '.', '_' and '-' "
						+ "(at most 100); give an absolute path to put the socket elsewhere");
			}
			path = SocketDirectory.ofThisProcess().resolve().resolve(plain + ".sock");
		}
		checkLength(name, path);
		return path;
	}

	private static void checkLength(String name, Path path) {
		int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
		if (bytes > MAX_PATH_BYTES) {
			throw new PipeException("socket path for pipe '" + name + "' is " + bytes + " bytes long (" + path
					+ "), above this OS's limit of " + MAX_PATH_BYTES + " bytes; use a shorter name or path");
		}
	}

}
