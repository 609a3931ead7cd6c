package io.asyncipc.transport.unix;

import java.util.Locale;
import java.util.OptionalInt;
import java.util.OptionalLong;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * The two socket options read straight from a file descriptor: {@code SO_LINGER}, which the
 * JDK can also set, and the peer's pid, which the JDK does not give ({@code SO_PEERCRED} on
 * Linux, {@code LOCAL_PEERPID} on macOS). {@code getsockopt} is bound by JNA's direct mapping,
 * as each new connection probes every open descriptor of the process.
 * <p>
 * The constants are those of Linux's generic socket ABI (x86, Arm, RISC-V, s390), with
 * PowerPC's own {@code SO_PEERCRED}, and of macOS. Where they differ (MIPS, SPARC, Alpha,
 * PA-RISC) or the OS is another, {@link #supported()} is {@code false}.
 */
final class NativeSocketOptions {

	private static final String ARCH = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);

	private static final boolean MAC = Platform.isMac();

	private static final boolean GENERIC_LINUX = Platform.isLinux() && !ARCH.startsWith("mips")
			&& !ARCH.startsWith("sparc") && !ARCH.startsWith("alpha") && !ARCH.startsWith("parisc")
			&& !ARCH.startsWith("hppa");

	private static final int SOL_SOCKET = MAC ? 0xffff : 1;

	private static final int SO_LINGER = MAC ? 0x0080 : 13;

	private static final int SO_PEERCRED = ARCH.startsWith("ppc") ? 21 : 17;

	private static final int SOL_LOCAL = 0;

	private static final int LOCAL_PEERPID = 0x0002;

	private NativeSocketOptions() {
	}

	/**
	 * Returns whether the constants here are those of this OS and architecture.
	 * @return {@code true} on macOS and on Linux with the generic socket ABI
	 */
	static boolean supported() {
		return MAC || GENERIC_LINUX;
	}

	/**
	 * Returns the {@code SO_LINGER} of a descriptor the way the JDK reports it: the linger time
	 * in seconds, or {@code -1} when it is off.
	 * @param fd the file descriptor
	 * @return the linger time, or empty if the descriptor is not a socket (or no longer open)
	 */
	static OptionalInt linger(int fd) {
		int[] linger = new int[2];
		int[] length = { 8 };
		if (LibC.getsockopt(fd, SOL_SOCKET, SO_LINGER, linger, length) != 0 || length[0] != 8) {
			return OptionalInt.empty();
		}
		return OptionalInt.of((linger[0] != 0) ? linger[1] : -1);
	}

	/**
	 * Returns the pid of the process that connected to, or accepted, a Unix domain socket; the
	 * kernel took it at {@code connect()} or {@code listen()}.
	 * @param fd the file descriptor
	 * @return the pid, or empty if the kernel does not know it
	 */
	static OptionalLong peerPid(int fd) {
		if (MAC) {
			int[] pid = new int[1];
			int[] length = { 4 };
			boolean read = LibC.getsockopt(fd, SOL_LOCAL, LOCAL_PEERPID, pid, length) == 0 && length[0] == 4;
			return (read && pid[0] > 0) ? OptionalLong.of(pid[0]) : OptionalLong.empty();
		}
		int[] ucred = new int[3];
		int[] length = { 12 };
		boolean read = LibC.getsockopt(fd, SOL_SOCKET, SO_PEERCRED, ucred, length) == 0 && length[0] == 12;
		return (read && ucred[0] > 0) ? OptionalLong.of(ucred[0]) : OptionalLong.empty();
	}

	/**
	 * The C library's {@code getsockopt}, bound once when first called.
	 */
	private static final class LibC {

		static {
			Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
		}

		private LibC() {
		}

		static native int getsockopt(int fd, int level, int option, int[] value, int[] length);

	}

}
