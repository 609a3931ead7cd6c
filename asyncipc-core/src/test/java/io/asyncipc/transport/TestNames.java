package io.asyncipc.transport;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Random pipe names, so that tests can run side by side. Not {@code UUID.randomUUID()}: its
 * {@code SecureRandom} seeding enumerates network interfaces, which crashes the JVM under
 * Wine.
 */
public final class TestNames {

	private TestNames() {
	}

	/**
	 * Returns a fresh pipe name.
	 * @return a name such as {@code t-3f9a0c...}
	 */
	public static String random() {
		return "t-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
	}

}
