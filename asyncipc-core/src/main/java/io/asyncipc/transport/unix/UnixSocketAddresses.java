package io.asyncipc.transport.unix;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import io.asyncipc.transport.PipeException;

/**
 * Maps a pipe name to a socket path.
 * <ul>
 * <li>An absolute path is used as it is.</li>
 * <li>A plain name becomes {@code <name>.sock} in a per-user directory:
 * {@code $XDG_RUNTIME_DIR/asyncipc/} where that is set, otherwise
 * {@code <java.io.tmpdir>/asyncipc-<user>/}. The directory is created with mode 0700 and must
 * be owned by this user with no access for anyone else; otherwise it is refused, so that
 * nobody can plant a socket there.</li>
 * <li>A Windows-style name, {@code \\.\pipe\<name>}, is read as its plain name.</li>
 * </ul>
 */
public final class UnixSocketAddresses {

	private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

	private static final String WINDOWS_PREFIX = "\\\\.\\pipe\\";

	private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

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
		}
		else {
			if (!PLAIN_NAME.matcher(plain).matches()) {
				throw new PipeException("pipe name '" + name + "' may only contain letters, digits, '.', '_' and '-' "
						+ "(at most 100); give an absolute path to put the socket elsewhere");
			}
			path = privateDirectory().resolve(plain + ".sock");
		}
		checkLength(name, path);
		return path;
	}

	/**
	 * Returns the per-user directory that plain names live in, creating it if needed.
	 * @return the directory
	 */
	static Path privateDirectory() {
		String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
		Path directory;
		if (runtimeDir != null && !runtimeDir.isBlank() && Files.isDirectory(Path.of(runtimeDir))) {
			directory = Path.of(runtimeDir, "asyncipc");
		}
		else {
			directory = Path.of(System.getProperty("java.io.tmpdir"), "asyncipc-" + LocalUser.name());
		}
		ensurePrivate(directory);
		return directory;
	}

	/**
	 * Creates {@code directory} with mode 0700 if it is missing, and checks that it is this
	 * user's own and closed to everyone else.
	 * @param directory the directory
	 * @throws PipeException if it is a link, someone else's, or open to others
	 */
	static void ensurePrivate(Path directory) {
		try {
			try {
				Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
			}
			catch (FileAlreadyExistsException ex) {
				// Checked below, whoever created it.
			}
			PosixFileAttributes attributes = Files.readAttributes(directory, PosixFileAttributes.class,
					LinkOption.NOFOLLOW_LINKS);
			if (!attributes.isDirectory()) {
				throw new PipeException("socket directory " + directory + " is not a directory (or is a link); "
						+ "remove it, or give the pipe an absolute path");
			}
			String owner = attributes.owner().getName();
			if (!owner.equals(LocalUser.name())) {
				throw new PipeException("socket directory " + directory + " belongs to '" + owner + "', not to '"
						+ LocalUser.name() + "'; someone may be squatting it: remove it, or give the pipe an absolute path");
			}
			if (!attributes.permissions().equals(OWNER_ONLY_DIRECTORY)) {
				throw new PipeException("socket directory " + directory + " has permissions "
						+ PosixFilePermissions.toString(attributes.permissions()) + "; it must be rwx------ "
						+ "(chmod 700) so that no other user can reach its sockets");
			}
		}
		catch (IOException ex) {
			throw new PipeException("could not prepare socket directory " + directory + ": " + ex.getMessage(), ex);
		}
	}

	private static void checkLength(String name, Path path) {
		int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
		if (bytes > MAX_PATH_BYTES) {
			throw new PipeException("socket path for pipe '" + name + "' is " + bytes + " bytes long (" + path
					+ "), above this OS's limit of " + MAX_PATH_BYTES + " bytes; use a shorter name or path");
		}
	}

}
