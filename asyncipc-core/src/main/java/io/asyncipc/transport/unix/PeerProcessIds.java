package io.asyncipc.transport.unix;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;

import com.sun.jna.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the process id of a Unix domain socket's peer, as the kernel recorded it when the
 * connection was made, without the JDK's internals and so without any JVM flag.
 * <p>
 * The JDK gives the peer's user ({@code SO_PEERCRED}) but not its pid, and it does not show a
 * channel's file descriptor, which {@code getsockopt} needs. So the descriptor is found: the
 * channel's {@code SO_LINGER} is set, through the public socket option, to a tag, and this
 * process's descriptors are searched for the sockets that carry it. The channel's own descriptor
 * carries it all along, so when exactly one does, that one is the channel's. The peer's pid is
 * read from it while it still carries the tag, and the tag is then taken off the channel, which
 * must take it off that descriptor too. Where any step fails (no socket carries the tag, or
 * several do three times over, or the descriptors cannot be listed) the pid is reported as
 * unknown, never as another socket's.
 * <p>
 * A peer cannot take part: it can neither set an option on this process's sockets nor add a
 * descriptor to it (the transport never reads passed descriptors). Linger has no effect on an
 * open socket, and the channel gets its own setting back before anyone else has it.
 * <p>
 * The search reads one option of each open descriptor: about a microsecond each, so a server
 * with a thousand connections spends about a millisecond on each new one.
 */
final class PeerProcessIds {

	private static final Logger logger = LoggerFactory.getLogger(PeerProcessIds.class);

	private static final Path DESCRIPTORS = Path.of(Platform.isMac() ? "/dev/fd" : "/proc/self/fd");

	private static final int FIRST_TAG = 1024;

	private static final int TAGS = 32767 - FIRST_TAG;

	private static final int ATTEMPTS = 3;

	private static final int NONE = -1;

	private static final int SEVERAL = -2;

	private static final Object tagging = new Object();

	private static int nextTag = ThreadLocalRandom.current().nextInt(TAGS);

	private static volatile boolean unavailableLogged;

	private PeerProcessIds() {
	}

	/**
	 * Returns the pid of the channel's peer. The channel must be connected and not yet shared
	 * with other threads: nothing else may set its options or close it meanwhile.
	 * @param channel a connected Unix domain socket channel
	 * @return the peer's pid, or empty if it cannot be told for sure
	 */
	static OptionalLong of(SocketChannel channel) {
		if (!NativeSocketOptions.supported()) {
			unavailable("this OS or architecture is not supported");
			return OptionalLong.empty();
		}
		try {
			synchronized (tagging) {
				return tagAndRead(channel);
			}
		}
		catch (ClosedChannelException ex) {
			logger.debug("Channel closed while its peer's pid was looked up", ex);
			return OptionalLong.empty();
		}
		catch (IOException | RuntimeException | LinkageError ex) {
			unavailable(ex.toString());
			return OptionalLong.empty();
		}
	}

	private static OptionalLong tagAndRead(SocketChannel channel) throws IOException {
		int own = channel.getOption(StandardSocketOptions.SO_LINGER);
		for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
			int tag = nextTag();
			int fd;
			OptionalLong pid = OptionalLong.empty();
			boolean keptTag = false;
			channel.setOption(StandardSocketOptions.SO_LINGER, tag);
			try {
				fd = onlyDescriptorWithLinger(tag);
				if (fd >= 0) {
					pid = NativeSocketOptions.peerPid(fd);
					keptTag = hasLinger(fd, tag);
				}
			}
			finally {
				channel.setOption(StandardSocketOptions.SO_LINGER, own);
			}
			if (fd == NONE) {
				unavailable("no descriptor of this process carried the linger set on the channel");
				return OptionalLong.empty();
			}
			if (fd != SEVERAL) {
				if (keptTag && hasLinger(fd, own)) {
					return pid;
				}
				logger.debug("Descriptor {} did not follow the channel's linger; the peer's pid is unknown", fd);
				return OptionalLong.empty();
			}
		}
		logger.debug("Other sockets of this process carried the same linger {} times; the peer's pid is unknown",
				ATTEMPTS);
		return OptionalLong.empty();
	}

	/**
	 * Returns the only descriptor of this process whose socket lingers for {@code tag} seconds,
	 * {@link #NONE} or {@link #SEVERAL}.
	 */
	private static int onlyDescriptorWithLinger(int tag) throws IOException {
		int found = NONE;
		try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(DESCRIPTORS)) {
			for (Path descriptor : descriptors) {
				int fd = Integer.parseInt(descriptor.getFileName().toString());
				if (hasLinger(fd, tag)) {
					if (found != NONE) {
						return SEVERAL;
					}
					found = fd;
				}
			}
		}
		return found;
	}

	private static boolean hasLinger(int fd, int linger) {
		OptionalInt actual = NativeSocketOptions.linger(fd);
		return actual.isPresent() && actual.getAsInt() == linger;
	}

	/**
	 * Returns a tag that is still to come, for tests that make other sockets carry it.
	 * @param ahead how many tags come before it: {@code 0} for the next
	 * @return the tag
	 */
	static int upcomingTag(int ahead) {
		synchronized (tagging) {
			return FIRST_TAG + (nextTag + 1 + ahead) % TAGS;
		}
	}

	private static int nextTag() {
		nextTag = (nextTag + 1) % TAGS;
		return FIRST_TAG + nextTag;
	}

	private static void unavailable(String reason) {
		if (!unavailableLogged) {
			unavailableLogged = true;
			logger.info("The process ids of socket peers are unknown: {}", reason);
		}
	}

}
