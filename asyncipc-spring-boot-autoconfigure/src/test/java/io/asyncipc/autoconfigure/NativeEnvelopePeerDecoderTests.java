package io.asyncipc.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The envelope decoders of the native peers against malformed input (truncated messages,
 * lengths past the end, bad magic, version, kind and flags, bad UTF-8, random mutations): the
 * Python module's unit tests, and the C codec's self-test, built with AddressSanitizer and
 * UndefinedBehaviorSanitizer where {@code gcc} has them, so that a read past the message fails.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "runs python3 and gcc of a Linux machine")
class NativeEnvelopePeerDecoderTests {

	@Test
	void thePythonDecoderRefusesMalformedInput() throws Exception {
		Assumptions.assumeTrue(NativeEnvelopePeers.runs(List.of("python3", "--version")),
				"python3 is not on the PATH: the Python decoder's tests need it");
		Path python = NativeEnvelopePeers.interopDirectory().resolve("python");
		Process tests = new ProcessBuilder("python3", "-m", "unittest", "test_asyncipc_envelope")
			.directory(python.toFile())
			.redirectErrorStream(true)
			.start();
		String output = new String(tests.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(tests.waitFor(120, TimeUnit.SECONDS)).isTrue();
		assertThat(tests.exitValue()).as("python3 -m unittest test_asyncipc_envelope:%n%s", output).isZero();
		assertThat(output).contains("OK");
	}

	@Test
	void theCDecoderRefusesMalformedInputWithinItsBounds() throws Exception {
		Path c = NativeEnvelopePeers.interopDirectory().resolve("c");
		Path selfTest = Path.of("target", "interop", "envelope_selftest").toAbsolutePath();
		List<String> arguments = new ArrayList<>(List.of("-std=c99", "-Wall", "-Wextra", "-g", "-o",
				selfTest.toString(), c.resolve("envelope_selftest.c").toString(),
				c.resolve("asyncipc_envelope.c").toString()));
		List<String> sanitized = new ArrayList<>(arguments);
		sanitized.add(0, "-fsanitize=address,undefined");
		sanitized.add(1, "-fno-sanitize-recover=all");
		if (!NativeEnvelopePeers.runs(prepend("gcc", sanitized))) {
			// No sanitizers in this gcc (or no gcc, and build skips the test).
			NativeEnvelopePeers.build(arguments);
		}
		Process run = new ProcessBuilder(selfTest.toString()).redirectErrorStream(true).start();
		String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(run.waitFor(120, TimeUnit.SECONDS)).isTrue();
		assertThat(run.exitValue()).as("envelope_selftest:%n%s", output).isZero();
		assertThat(output).contains("envelope self-test passed");
	}

	private static List<String> prepend(String first, List<String> rest) {
		List<String> all = new ArrayList<>(rest);
		all.add(0, first);
		return all;
	}

}
