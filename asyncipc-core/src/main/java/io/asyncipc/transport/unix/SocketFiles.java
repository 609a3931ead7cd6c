package io.asyncipc.transport.unix;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

import io.asyncipc.transport.PipeAddressInUseException;
import io.asyncipc.transport.PipeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what to do with a socket file that is already there when a server starts: a stale
 * one, that nobody listens on, is removed; a live one makes the server fail; anything that is
 * not a socket is left alone.
 */
final class SocketFiles {

	private static final Logger logger = LoggerFactory.getLogger(SocketFiles.class);

	private static final int SOCKET_TYPE_BITS = 0170000;

	private static final int SOCKET_TYPE = 0140000;

	private SocketFiles() {
	}

	static void clearStale(String name, Path path) {
		BasicFileAttributes attributes;
		try {
			attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
		}
		catch (NoSuchFileException ex) {
			return;
		}
		catch (IOException ex) {
			throw new PipeException("could not inspect " + path + " for pipe '" + name + "': " + ex.getMessage(), ex);
		}
		if (!isSocket(path, attributes)) {
			throw new PipeException(path + " exists and is not a socket; pipe '" + name
					+ "' will not replace it: remove it, or choose another name");
		}
		if (isLive(path)) {
			throw new PipeAddressInUseException("pipe '" + name + "' is already in use: another server listens on "
					+ path + "; stop it, or choose another name");
		}
		try {
			Files.deleteIfExists(path);
			logger.info("Replaced stale socket file {} of pipe '{}'", path, name);
		}
		catch (IOException ex) {
			throw new PipeException("could not remove stale socket file " + path + ": " + ex.getMessage(), ex);
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
	 * @param createdKey the file key recorded right after binding
	 */
	static void deleteIfOwn(Path path, Object createdKey) {
		Object key = fileKey(path);
		if (key == null || (createdKey != null && !createdKey.equals(key))) {
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

	private static boolean isLive(Path path) {
		try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			probe.connect(UnixDomainSocketAddress.of(path));
			return true;
		}
		catch (ConnectException ex) {
			return false;
		}
		catch (IOException ex) {
			// Not refused: someone holds it whom we cannot reach, so it is not ours to take.
			return true;
		}
	}

}
