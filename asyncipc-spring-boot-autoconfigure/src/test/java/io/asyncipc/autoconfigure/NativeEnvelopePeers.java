package io.asyncipc.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finds and builds the peers of {@code interop/}: the Python peer run by {@code python3}, the C
 * peer built with {@code gcc} (once per test run, into {@code target/interop}), and the C peer
 * that {@code .ci/windows-tests} builds with mingw. A test whose tool is missing is skipped, with
 * the reason.
 */
final class NativeEnvelopePeers {

	/** The system property that names the Windows build of the C peer. */
	static final String WINDOWS_PEER_PROPERTY = "asyncipc.test.windows.envelope-peer";

	private static Path linuxCPeer;

	private NativeEnvelopePeers() {
	}

	/**
	 * Returns the {@code interop} directory of the repository, above the working directory.
	 * @return the directory
	 */
	static Path interopDirectory() {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			if (Files.isRegularFile(dir.resolve("interop/python/peer.py"))) {
				return dir.resolve("interop");
			}
		}
		throw new IllegalStateException("no interop/python/peer.py above " + Path.of("").toAbsolutePath());
	}

	/**
	 * Returns the command that starts the Python peer, or skips the test if there is no
	 * {@code python3}.
	 * @return {@code python3 .../interop/python/peer.py}
	 */
	static List<String> python() {
		Assumptions.assumeTrue(runs(List.of("python3", "--version")),
				"python3 is not on the PATH: the Python peer's tests need it");
		return List.of("python3", interopDirectory().resolve("python/peer.py").toString());
	}

	/**
	 * Returns the command that starts the C peer built with {@code gcc} for this machine, or skips
	 * the test if there is no {@code gcc}.
	 * @return the peer's path
	 * @throws Exception if the build fails
	 */
	static synchronized List<String> linuxC() throws Exception {
		if (linuxCPeer == null) {
			Path c = interopDirectory().resolve("c");
			Path peer = Path.of("target", "interop", "envelope_peer").toAbsolutePath();
			build(List.of("-std=c99", "-O2", "-Wall", "-pthread", "-o", peer.toString(),
					c.resolve("envelope_peer.c").toString(), c.resolve("asyncipc_envelope.c").toString()));
			linuxCPeer = peer;
		}
		return List.of(linuxCPeer.toString());
	}

	/**
	 * Returns the command that starts the Windows C peer that {@code .ci/windows-tests} built.
	 * @return the peer's path
	 */
	static List<String> windowsC() {
		String peer = System.getProperty(WINDOWS_PEER_PROPERTY);
		if (peer == null || !Files.isRegularFile(Path.of(peer))) {
			throw new IllegalStateException(WINDOWS_PEER_PROPERTY + " must name the envelope-peer.exe that "
					+ ".ci/windows-tests builds with mingw, got " + peer);
		}
		return List.of(peer);
	}

	/**
	 * Compiles with {@code gcc}, or skips the test if there is none.
	 * @param arguments the compiler's arguments
	 * @throws Exception if the compiler fails; its output is in the message
	 */
	static void build(List<String> arguments) throws Exception {
		Assumptions.assumeTrue(runs(List.of("gcc", "--version")), "gcc is not on the PATH: the C peer's tests need it");
		List<String> command = new ArrayList<>();
		command.add("gcc");
		command.addAll(arguments);
		Files.createDirectories(Path.of("target", "interop"));
		Process gcc = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(gcc.waitFor(120, TimeUnit.SECONDS)).isTrue();
		assertThat(gcc.exitValue()).as("%s failed:%n%s", command, output).isZero();
	}

	/**
	 * Returns whether a command starts and exits with 0.
	 * @param command the command
	 * @return whether it does
	 */
	static boolean runs(List<String> command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
