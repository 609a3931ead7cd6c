package io.asyncipc.transport.unix;

import java.lang.reflect.Method;
import java.nio.channels.SocketChannel;
import java.util.Locale;
import java.util.OptionalLong;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the peer's process id of a Unix domain socket: {@code SO_PEERCRED} on Linux,
 * {@code LOCAL_PEERPID} on macOS. The JDK's own {@code SO_PEERCRED} option gives the user but
 * not the pid, so this asks the OS through JNA.
 * <p>
 * It needs the socket's file descriptor, which the JDK only shows with
 * {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}. Without that flag the pid is
 * reported as unknown, and this is logged once.
 */
final class PeerProcessIds {

	private static final Logger logger = LoggerFactory.getLogger(PeerProcessIds.class);

	private static final boolean MAC = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac");

	private static final Method FD_GETTER = findFdGetter();

	private static volatile boolean warned;

	private PeerProcessIds() {
	}

	static OptionalLong of(SocketChannel channel) {
		if (FD_GETTER == null) {
			return OptionalLong.empty();
		}
		try {
			int fd = (int) FD_GETTER.invoke(channel);
			return MAC ? macPeerPid(fd) : linuxPeerPid(fd);
		}
		catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
			warnOnce(ex);
			return OptionalLong.empty();
		}
	}

	private static OptionalLong linuxPeerPid(int fd) {
		int level = 1;
		String arch = System.getProperty("os.arch", "");
		int option = arch.startsWith("ppc") ? 21 : 17;
		Memory ucred = new Memory(12);
		IntByReference length = new IntByReference(12);
		if (LibC.INSTANCE.getsockopt(fd, level, option, ucred, length) != 0) {
			return OptionalLong.empty();
		}
		return OptionalLong.of(ucred.getInt(0));
	}

	private static OptionalLong macPeerPid(int fd) {
		Memory pid = new Memory(4);
		IntByReference length = new IntByReference(4);
		if (LibC.INSTANCE.getsockopt(fd, 0, 2, pid, length) != 0) {
			return OptionalLong.empty();
		}
		return OptionalLong.of(pid.getInt(0));
	}

	private static Method findFdGetter() {
		try {
			return Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			logger.debug("No file descriptor accessor; peer pids are unknown", ex);
			return null;
		}
	}

	private static void warnOnce(Throwable ex) {
		if (!warned) {
			warned = true;
			logger.info("Peer process ids are not available ({}); start the JVM with "
					+ "--add-exports java.base/sun.nio.ch=ALL-UNNAMED to see them", ex.toString());
		}
	}

	/**
	 * The one libc call needed here.
	 */
	interface LibC extends Library {

		LibC INSTANCE = Native.load("c", LibC.class);

		int getsockopt(int fd, int level, int option, Pointer value, IntByReference length);

	}

}
