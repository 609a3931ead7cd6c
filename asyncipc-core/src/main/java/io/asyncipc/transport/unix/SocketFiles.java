package io.asyncipc.transport.unix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

import io.asyncipc.transport.PipeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a server does with the file at its socket path: anything that is not a socket is left
 * alone and makes the server fail; a socket file is removed once the server holds the path's
 * {@link SocketFileLock}, since whoever made it no longer does.
 */
final class SocketFiles {

	private static final Logger logger = LoggerFactory.getLogger(SocketFiles.class);

	private static final int SOCKET_TYPE_BITS = 0170000;

	private static final int SOCKET_TYPE = 0140000;

	private SocketFiles() {
	}

	/**
	 * Fails if something other than a socket is at the path. Checked before the lock file is
	 * made, so that none is left beside a file that the server will not take.
	 * @param name the pipe name, for messages
	 * @param path the socket path
	 * @throws PipeException if something other than a socket is there, or it cannot be read
	 */
	static void refuseNonSocket(String name, Path path) {
		socketExists(name, path);
	}

	/**
	 * Returns whether a socket file is at the path.
	 * @param name the pipe name, for messages
	 * @param path the socket path
	 * @return {@code true} for a socket, {@code false} if nothing is there
	 * @throws PipeException if something other than a socket is there, or it cannot be read
	 */
	private static boolean socketExists(String name, Path path) {
		BasicFileAttributes attributes;
		try {
			attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
		}
		catch (NoSuchFileException ex) {
			return false;
		}
		catch (IOException ex) {
			throw new PipeException("could not inspect " + path + " for pipe '" + name + "': " + ex.getMessage(), ex);
		}
		if (!isSocket(path, attributes)) {
			throw new PipeException(path + " exists and is not a socket; pipe '" + name
					+ "' will not replace it: remove it, or choose another name");
		}
		return true;
	}

	/**
	 * Removes the socket file at the path, left by a server that is gone. Call only while
	 * holding the path's {@link SocketFileLock}: then no live server owns it.
	 * @param name the pipe name, for messages
	 * @param path the socket path
	 * @throws PipeException if something other than a socket is there, or it cannot be removed
	 */
	static void removeStale(String name, Path path) {
		if (!socketExists(name, path)) {
			return;
		}
		try {
			Files.deleteIfExists(path);
			logger.info("Replaced stale socket file {} of pipe '{}'", path, name);
		}
		catch (IOException ex) {
			throw new PipeException("could not remove stale socket file " + path + " of pipe '" + name + "': "
					+ ex.getMessage(), ex);
		}
	}

	static Object fileKey(Path path) {
		try {
			return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
		}
		catch (IOException ex) {
			return null;
		}
	}

	/**
	 * Removes the socket file if it is still the one that was created, and not a successor's.
	 * @param path the socket path
	 * @param createdKey the file key recorded right after binding, or {@code null} if the
	 * server never bound, in which case nothing is removed
	 */
	static void deleteIfOwn(Path path, Object createdKey) {
		if (createdKey == null || !createdKey.equals(fileKey(path))) {
			return;
		}
		try {
			Files.deleteIfExists(path);
		}
		catch (IOException ex) {
			logger.warn("Could not remove socket file {}: {}", path, ex.getMessage());
		}
	}

	private static boolean isSocket(Path path, BasicFileAttributes attributes) {
		try {
			Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
			return (((Integer) mode) & SOCKET_TYPE_BITS) == SOCKET_TYPE;
		}
		catch (IOException | UnsupportedOperationException | IllegalArgumentException ex) {
			return attributes.isOther();
		}
	}

}
