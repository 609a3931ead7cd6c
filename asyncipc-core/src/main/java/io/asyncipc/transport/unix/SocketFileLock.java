package io.asyncipc.transport.unix;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.asyncipc.transport.PipeAddressInUseException;
import io.asyncipc.transport.PipeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock that a server holds on {@code <socket path>.lock} for as long as it listens, so that
 * exactly one server owns a socket path. Whoever holds the lock may remove any socket file at
 * the path, since it is stale by definition; nobody ever connects to a socket to find out
 * whether it is live, so a live server never sees a probe.
 * <p>
 * The lock file is created with mode 0600 beside the socket and is <em>never deleted</em>.
 * Deleting it would open a race: a starter that opened the old file could lock it after the
 * stopping server unlinked it, while a third server locks a new file at the path, and both would
 * think they own the name. Telling the two files apart after locking needs the locked file's
 * identity, which Java does not give for an open channel, and opening the path again to look
 * is not allowed either: closing any descriptor of a file drops every POSIX lock this process
 * holds on it. An empty file per pipe name is the price of a lock that cannot be fooled.
 * <p>
 * For the same reason, a second server in this JVM must never open the lock file that a first
 * one holds: the JVM's own overlap check would refuse its lock, but closing its channel would
 * release the first server's lock behind its back. Paths held by this JVM are therefore also
 * kept in a table, checked before the file is opened.
 */
final class SocketFileLock {

	private static final Logger logger = LoggerFactory.getLogger(SocketFileLock.class);

	private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

	private final Path path;

	private final FileChannel channel;

	private final FileLock lock;

	private SocketFileLock(Path path, FileChannel channel, FileLock lock) {
		this.path = path;
		this.channel = channel;
		this.lock = lock;
	}

	/**
	 * Takes the lock of a socket path, or fails if another server holds it.
	 * @param name the pipe name, for messages
	 * @param socketPath the socket path
	 * @return the held lock
	 * @throws PipeAddressInUseException if another server, in this JVM or another process,
	 * holds it
	 * @throws PipeException if the lock file cannot be created or locked
	 */
	static SocketFileLock acquire(String name, Path socketPath) {
		Path path = lockPathOf(name, socketPath);
		if (!HELD_IN_THIS_JVM.add(path)) {
			throw inUse(name, socketPath);
		}
		FileChannel channel = null;
		boolean acquired = false;
		try {
			channel = FileChannel.open(path,
					Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
			FileLock lock = tryLock(channel);
			if (lock == null) {
				throw inUse(name, socketPath);
			}
			acquired = true;
			return new SocketFileLock(path, channel, lock);
		}
		catch (IOException ex) {
			throw new PipeException("could not lock " + path + " for pipe '" + name + "': " + ex.getMessage()
					+ "; check that this user may create and write files in " + path.getParent(), ex);
		}
		finally {
			if (!acquired) {
				closeQuietly(channel);
				HELD_IN_THIS_JVM.remove(path);
			}
		}
	}

	/**
	 * Releases the lock and closes the lock file, which stays in place.
	 */
	void release() {
		try {
			this.lock.release();
		}
		catch (IOException ex) {
			logger.debug("Could not release lock {}", this.path, ex);
		}
		closeQuietly(this.channel);
		HELD_IN_THIS_JVM.remove(this.path);
	}

	/**
	 * Returns the lock file of a socket path, in the socket's directory with links in the
	 * directory's path resolved, so that two spellings of one directory map to one lock.
	 */
	private static Path lockPathOf(String name, Path socketPath) {
		Path fileName = Path.of(socketPath.getFileName() + ".lock");
		Path directory = socketPath.toAbsolutePath().getParent();
		try {
			return directory.toRealPath().resolve(fileName);
		}
		catch (IOException ex) {
			throw new PipeException("could not resolve directory " + directory + " of pipe '" + name + "': "
					+ ex.getMessage() + "; create it, or choose another path", ex);
		}
	}

	/**
	 * Returns the lock, or {@code null} if another process holds it. The JVM's overlap error
	 * can only come from another spelling of the same file, such as a hard link, that the
	 * table of held paths did not catch.
	 */
	private static FileLock tryLock(FileChannel channel) throws IOException {
		try {
			return channel.tryLock();
		}
		catch (OverlappingFileLockException ex) {
			return null;
		}
	}

	private static PipeAddressInUseException inUse(String name, Path socketPath) {
		return new PipeAddressInUseException("pipe '" + name + "' is already in use: another server listens on "
				+ socketPath + "; stop it, or choose another name");
	}

	private static void closeQuietly(FileChannel channel) {
		if (channel != null) {
			try {
				channel.close();
			}
			catch (IOException ex) {
				logger.debug("Could not close lock file", ex);
			}
		}
	}

}
