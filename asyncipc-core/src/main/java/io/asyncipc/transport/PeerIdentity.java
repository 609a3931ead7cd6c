package io.asyncipc.transport;

import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Supplier;

import io.asyncipc.transport.support.IoThread;

/**
 * Who is on the other end of a connection, as the operating system reports it.
 * <p>
 * The user is known by its id at once: a uid on Unix, a SID on Windows. Its name may need a
 * lookup that can block (a directory service on a Windows domain), so it is looked up lazily,
 * the first time {@link #user()} is called off an I/O thread; if the lookup fails, the name is
 * the id.
 */
public final class PeerIdentity {

	private final String userId;

	private final OptionalLong pid;

	private final Supplier<String> nameLookup;

	private volatile String user;

	private PeerIdentity(String userId, String user, Supplier<String> nameLookup, OptionalLong pid) {
		this.userId = Objects.requireNonNull(userId, "userId");
		this.user = user;
		this.nameLookup = nameLookup;
		this.pid = Objects.requireNonNull(pid, "pid");
	}

	/**
	 * Creates an identity whose user name is known.
	 * @param user the peer's OS user name, which also serves as its id
	 * @param pid the peer's process id, or empty when unknown
	 * @return the identity
	 */
	public static PeerIdentity of(String user, OptionalLong pid) {
		return new PeerIdentity(user, Objects.requireNonNull(user, "user"), null, pid);
	}

	/**
	 * Creates an identity whose user name is looked up when first asked for.
	 * @param userId the peer's OS user id: a uid or a SID
	 * @param nameLookup finds the user's name; it may block, and may fail
	 * @param pid the peer's process id, or empty when unknown
	 * @return the identity
	 */
	public static PeerIdentity lazy(String userId, Supplier<String> nameLookup, OptionalLong pid) {
		return new PeerIdentity(userId, null, Objects.requireNonNull(nameLookup, "nameLookup"), pid);
	}

	/**
	 * Returns the peer's OS user id: a uid on Unix, a SID on Windows.
	 * @return the user id
	 */
	public String userId() {
		return this.userId;
	}

	/**
	 * Returns the peer's OS user name. The first call off an I/O thread looks it up; on an I/O
	 * thread, where a lookup could stall every connection, an unresolved name is the user id.
	 * @return the user name, or the user id if the name is unknown
	 */
	public String user() {
		String name = this.user;
		if (name != null) {
			return name;
		}
		if (IoThread.isIoThread()) {
			return this.userId;
		}
		try {
			name = this.nameLookup.get();
		}
		catch (RuntimeException ex) {
			name = null;
		}
		name = (name != null && !name.isEmpty()) ? name : this.userId;
		this.user = name;
		return name;
	}

	/**
	 * Returns the peer's process id.
	 * @return the pid, where the OS and runtime give it
	 */
	public OptionalLong pid() {
		return this.pid;
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof PeerIdentity that) && this.userId.equals(that.userId) && this.pid.equals(that.pid);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.userId, this.pid);
	}

	@Override
	public String toString() {
		String name = (this.user != null) ? this.user : this.userId;
		return this.pid.isPresent() ? name + " (pid " + this.pid.getAsLong() + ")" : name;
	}

}
