package io.asyncipc.transport.unix;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;
import java.util.function.Supplier;

import io.asyncipc.transport.PipeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the per-user directory that plain pipe names live in. Every process of one user on
 * one machine finds the same one, so a server and its clients meet without configuration:
 * <ol>
 * <li>{@code $XDG_RUNTIME_DIR/asyncipc}, where that variable names a directory: the session
 * manager made it for this user alone, so nobody else can take the name first (the variable's
 * directory itself is trusted, not checked);</li>
 * <li>otherwise {@code <home>/.asyncipc/<host>}, if it exists: it is only made when the next
 * one was squatted, and is kept from then on, so that a squatter who removes their directory
 * later cannot split the servers and clients that already moved from those that would not;</li>
 * <li>otherwise {@code <java.io.tmpdir>/asyncipc-<user>}, unless another user made it first
 * (its owner is compared by uid). Its real owner could not remove it from a sticky
 * {@code /tmp}, so then {@code <home>/.asyncipc/<host>} is made and used instead, and this is
 * logged. Nobody else can write in a home directory, and the host keeps apart the machines
 * that share one over NFS.</li>
 * </ol>
 * A directory with an unguessable name in {@code /tmp} would not do: the processes would have
 * to find its name somewhere that no other user can write, which is the home directory anyway.
 * <p>
 * The chosen directory is created with mode 0700 and must be this user's own, not a link, and
 * closed to everyone else; otherwise it is refused, with what to do.
 */
final class SocketDirectory {

	private static final Logger logger = LoggerFactory.getLogger(SocketDirectory.class);

	private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

	private final String runtimeDirectory;

	private final Path tempDirectory;

	private final Path home;

	private final Supplier<String> host;

	/**
	 * Creates a finder for the given places.
	 * @param runtimeDirectory the value of {@code XDG_RUNTIME_DIR}, or {@code null}
	 * @param tempDirectory the directory for temporary files, shared by all users
	 * @param home this user's home directory
	 * @param host this machine's name, asked for only when the home directory is used
	 */
	SocketDirectory(String runtimeDirectory, Path tempDirectory, Path home, Supplier<String> host) {
		this.runtimeDirectory = runtimeDirectory;
		this.tempDirectory = tempDirectory;
		this.home = home;
		this.host = host;
	}

	/**
	 * Returns the finder for this process: its environment, {@code java.io.tmpdir},
	 * {@code user.home} and host name.
	 * @return the finder
	 */
	static SocketDirectory ofThisProcess() {
		return new SocketDirectory(System.getenv("XDG_RUNTIME_DIR"), Path.of(System.getProperty("java.io.tmpdir")),
				Path.of(System.getProperty("user.home")), HostName::get);
	}

	/**
	 * Returns the directory, creating it if needed.
	 * @return the directory, private to this user
	 * @throws PipeException if it cannot be made private, with what to do about it
	 */
	Path resolve() {
		if (this.runtimeDirectory != null && !this.runtimeDirectory.isBlank()
				&& Files.isDirectory(Path.of(this.runtimeDirectory))) {
			return ensurePrivate(Path.of(this.runtimeDirectory, "asyncipc"));
		}
		Path fallback = fallback();
		if (Files.exists(fallback, LinkOption.NOFOLLOW_LINKS)) {
			return ensurePrivate(fallback);
		}
		Path shared = this.tempDirectory.resolve("asyncipc-" + LocalUser.name());
		UserPrincipal owner = createAndReadOwner(shared);
		if (owner.equals(LocalUser.principal())) {
			return ensurePrivate(shared);
		}
		return fallBack(shared, owner, fallback);
	}

	/**
	 * Returns the directory in the home directory that is used once the shared one was
	 * squatted.
	 * @return {@code <home>/.asyncipc/<host>}
	 */
	Path fallback() {
		return this.home.resolve(".asyncipc").resolve(this.host.get());
	}

	private Path fallBack(Path squatted, UserPrincipal squatter, Path fallback) {
		try {
			if (!Files.isDirectory(this.home)) {
				throw new PipeException("home directory " + this.home + " does not exist");
			}
			createPrivate(fallback.getParent());
			createPrivate(fallback);
			ensurePrivate(fallback);
		}
		catch (IOException | PipeException ex) {
			throw new PipeException("socket directory " + squatted + " belongs to '" + squatter.getName()
					+ "', not to '" + LocalUser.name() + "': someone may be squatting it, and the fallback " + fallback
					+ " cannot be used either (" + ex.getMessage() + "). Ask root to remove it (sudo rm -rf "
					+ squatted + "), or set XDG_RUNTIME_DIR to a directory of your own with mode 700 for the server "
					+ "and its clients, or give the pipe an absolute path in such a directory (asyncipc.name)", ex);
		}
		logger.warn("Socket directory {} belongs to '{}', not to '{}': someone may be squatting it; plain pipe names "
				+ "live in {} instead, for as long as that exists", squatted, squatter.getName(), LocalUser.name(),
				fallback);
		return fallback;
	}

	/**
	 * Creates the directory with mode 0700 unless something is there, and returns the owner
	 * of whatever is there, not following a link.
	 */
	private static UserPrincipal createAndReadOwner(Path directory) {
		try {
			createPrivate(directory);
			return Files.readAttributes(directory, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).owner();
		}
		catch (IOException ex) {
			throw new PipeException("could not prepare socket directory " + directory + ": " + ex.getMessage(), ex);
		}
	}

	private static void createPrivate(Path directory) throws IOException {
		try {
			Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
		}
		catch (FileAlreadyExistsException ex) {
			// Checked by the caller, whoever created it.
		}
	}

	/**
	 * Creates {@code directory} with mode 0700 if it is missing, and checks that it is this
	 * user's own (by uid) and closed to everyone else.
	 * @param directory the directory
	 * @return the directory
	 * @throws PipeException if it is a link, someone else's, or open to others
	 */
	static Path ensurePrivate(Path directory) {
		try {
			createPrivate(directory);
			PosixFileAttributes attributes = Files.readAttributes(directory, PosixFileAttributes.class,
					LinkOption.NOFOLLOW_LINKS);
			if (!attributes.isDirectory()) {
				throw new PipeException("socket directory " + directory + " is not a directory (or is a link); "
						+ "remove it, or give the pipe an absolute path");
			}
			if (!attributes.owner().equals(LocalUser.principal())) {
				throw new PipeException("socket directory " + directory + " belongs to '" + attributes.owner().getName()
						+ "', not to '" + LocalUser.name() + "'; someone may be squatting it: ask root to remove it "
						+ "(sudo rm -rf " + directory + "), or give the pipe an absolute path");
			}
			if (!attributes.permissions().equals(OWNER_ONLY)) {
				throw new PipeException("socket directory " + directory + " has permissions "
						+ PosixFilePermissions.toString(attributes.permissions()) + "; it must be rwx------ "
						+ "(chmod 700 " + directory + ") so that no other user can reach its sockets");
			}
			return directory;
		}
		catch (IOException ex) {
			throw new PipeException("could not prepare socket directory " + directory + ": " + ex.getMessage(), ex);
		}
	}


	/**
	 * Checks the directory of an absolute socket path, which the user chose and this class does
	 * not create: it must exist, belong to this user or to root, and be writable by nobody else,
	 * so that no other user can plant a socket at that path or replace this one.
	 * @param socketPath the absolute socket path
	 * @throws PipeException if the directory is missing, someone else's, or writable by others
	 */
	static void checkParentOfAbsolutePath(Path socketPath) {
		Path directory = socketPath.getParent();
		try {
			PosixFileAttributes attributes = Files.readAttributes(directory, PosixFileAttributes.class);
			if (!attributes.isDirectory()) {
				throw new PipeException("the directory of socket path " + socketPath + " is not a directory");
			}
			String owner = attributes.owner().getName();
			if (!attributes.owner().equals(LocalUser.principal()) && !"root".equals(owner)) {
				throw new PipeException("the directory of socket path " + socketPath + " belongs to '" + owner
						+ "', not to '" + LocalUser.name() + "' or root; put the socket in a directory of your own with "
						+ "mode 700, or use a plain pipe name");
			}
			Set<PosixFilePermission> permissions = attributes.permissions();
			if (permissions.contains(PosixFilePermission.GROUP_WRITE)
					|| permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
				throw new PipeException("the directory of socket path " + socketPath + " has permissions "
						+ PosixFilePermissions.toString(permissions) + ": other users can write there, so they could "
						+ "plant a socket at that path before this one or replace it; put the socket in a directory "
						+ "of your own with mode 700 (chmod 700 " + directory + "), or use a plain pipe name");
			}
		}
		catch (NoSuchFileException ex) {
			throw new PipeException("the directory of socket path " + socketPath + " does not exist; create it with "
					+ "mode 700 (mkdir -m 700 " + directory + "), or use a plain pipe name", ex);
		}
		catch (IOException ex) {
			throw new PipeException("could not check the directory of socket path " + socketPath + ": "
					+ ex.getMessage(), ex);
		}
	}

}
