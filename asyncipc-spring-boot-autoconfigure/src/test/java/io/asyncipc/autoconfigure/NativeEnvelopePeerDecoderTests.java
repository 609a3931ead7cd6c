package io.asyncipc.autoconfigure;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.asyncipc.messaging.envelope.Envelope;
import io.asyncipc.messaging.envelope.EnvelopeCodec;
import io.asyncipc.messaging.envelope.EnvelopeFormatException;

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
 * Both decoders must also accept exactly what AsyncIPC's Java codec accepts, and read the same
 * fields from it, over envelopes of random fields, hellos with and without random parameters, and
 * mutations of them.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "runs python3 and gcc of a Linux machine")
class NativeEnvelopePeerDecoderTests {

	private static final EnvelopeCodec CODEC = new EnvelopeCodec();

	/** Field values: none, ASCII, two-, three- and four-byte UTF-8. */
	private static final String[] TEXTS = { null, "", "a", "application/json", "text/plain;charset=UTF-8",
			"Gr\u00fc\u00dfe", "\u65e5\u672c", "\ud83d\ude00" };

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

	@Test
	void theCDecoderAcceptsExactlyWhatTheJavaCodecAccepts() throws Exception {
		Path c = NativeEnvelopePeers.interopDirectory().resolve("c");
		Path check = Path.of("target", "interop", "envelope_check").toAbsolutePath();
		NativeEnvelopePeers.build(List.of("-std=c99", "-O2", "-Wall", "-o", check.toString(),
				c.resolve("envelope_check.c").toString(), c.resolve("asyncipc_envelope.c").toString()));
		assertSameVerdicts(List.of(check.toString()), c);
	}

	@Test
	void thePythonDecoderAcceptsExactlyWhatTheJavaCodecAccepts() throws Exception {
		Assumptions.assumeTrue(NativeEnvelopePeers.runs(List.of("python3", "--version")),
				"python3 is not on the PATH: the Python decoder's tests need it");
		Path python = NativeEnvelopePeers.interopDirectory().resolve("python");
		assertSameVerdicts(List.of("python3", "check_envelopes.py"), python);
	}

	/**
	 * Has a native checker decode envelopes that the Java codec encoded, and mutations of them,
	 * and compares what it accepts, and what it reads from what it accepts, with the Java codec.
	 */
	private static void assertSameVerdicts(List<String> checker, Path directory) throws Exception {
		List<byte[]> messages = corpus(new Random(9), 2000);
		List<String> expected = messages.stream().map(NativeEnvelopePeerDecoderTests::javaVerdict).toList();
		Process process = new ProcessBuilder(checker).directory(directory.toFile())
			.redirectError(ProcessBuilder.Redirect.INHERIT)
			.start();
		CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
			try (DataOutputStream out = new DataOutputStream(
					new BufferedOutputStream(process.getOutputStream()))) {
				for (byte[] message : messages) {
					out.writeInt(message.length);
					out.write(message);
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
		List<String> actual = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
			.lines()
			.toList();
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(written).succeedsWithin(10, TimeUnit.SECONDS);
		assertThat(process.exitValue()).as("%s exit status", checker).isZero();
		assertThat(actual).hasSameSizeAs(messages);
		assertThat(expected).as("the corpus has accepted and refused messages, and accepted hellos with parameters")
			.anyMatch((verdict) -> verdict.startsWith("ok"))
			.anyMatch((verdict) -> verdict.equals("refused"))
			.anyMatch((verdict) -> verdict.startsWith("hello ") && !verdict.equals("hello 0 0"));
		for (int i = 0; i < messages.size(); i++) {
			String verdict = actual.get(i).startsWith("refused") ? "refused" : actual.get(i);
			String hex = HexFormat.ofDelimiter(" ").formatHex(messages.get(i));
			assertThat(verdict).as("%s on message %d, %s", checker, i, hex).isEqualTo(expected.get(i));
		}
	}

	/**
	 * What the Java codec makes of a message, as the checkers print it: a message whose kind byte
	 * says hello is decoded as a hello ({@code hello PARAMETERS BYTES}), any other as an envelope.
	 */
	private static String javaVerdict(byte[] message) {
		if (message.length > 5 && message[5] == 2) {
			try {
				Map<String, String> parameters = CODEC.decodeHello(message);
				int bytes = parameters.entrySet()
					.stream()
					.mapToInt((parameter) -> utf8Length(parameter.getKey()) + utf8Length(parameter.getValue()))
					.sum();
				return "hello " + parameters.size() + " " + bytes;
			}
			catch (EnvelopeFormatException ex) {
				return "refused";
			}
		}
		try {
			Envelope e = CODEC.decode(message);
			int flags = (e.isReply() ? 1 : 0) | (e.isError() ? 2 : 0);
			return "ok " + flags + " " + utf8Length(e.getContentType()) + " " + utf8Length(e.getTypeId()) + " "
					+ utf8Length(e.getCorrelationId()) + " " + e.getHeaders().size() + " " + e.getPayload().length;
		}
		catch (EnvelopeFormatException ex) {
			return "refused";
		}
	}

	private static int utf8Length(String text) {
		return (text != null) ? text.getBytes(StandardCharsets.UTF_8).length : 0;
	}

	/**
	 * The hello, raw text, nothing, and envelopes of random fields and hellos of random parameters,
	 * each with a mutation of it.
	 */
	private static List<byte[]> corpus(Random random, int count) {
		List<byte[]> messages = new ArrayList<>(List.of(CODEC.encodeHello(), new byte[0],
				"raw text".getBytes(StandardCharsets.UTF_8)));
		for (int i = 0; i < count / 4; i++) {
			byte[] valid = CODEC.encodeHello(helloParameters(random));
			messages.add(valid);
			messages.add(mutated(random, valid));
		}
		for (int i = 0; i < count; i++) {
			Envelope.Builder builder = Envelope.builder()
				.contentType(pick(random))
				.typeId(pick(random))
				.correlationId(pick(random))
				.reply(random.nextBoolean())
				.error(random.nextBoolean());
			for (int h = random.nextInt(4); h > 0; h--) {
				builder.header("k" + h + Objects.requireNonNullElse(pick(random), ""),
						Objects.requireNonNullElse(pick(random), ""));
			}
			byte[] payload = new byte[random.nextInt(9)];
			random.nextBytes(payload);
			byte[] valid = CODEC.encode(builder.payload(payload).build());
			messages.add(valid);
			messages.add(mutated(random, valid));
		}
		return messages;
	}

	/**
	 * Parameters of a hello: those AsyncIPC sends, with values that it reads and values that it
	 * cannot, and others, which a peer ignores.
	 */
	private static Map<String, String> helloParameters(Random random) {
		Map<String, String> parameters = new LinkedHashMap<>();
		if (random.nextBoolean()) {
			parameters.put(EnvelopeCodec.CONNECTION_ID_PARAMETER, random.nextBoolean() ? "9c1e-3" : "not an id");
		}
		if (random.nextBoolean()) {
			parameters.put(EnvelopeCodec.MAX_MESSAGE_SIZE_PARAMETER,
					random.nextBoolean() ? Integer.toString(1 + random.nextInt(1 << 24)) : "0");
		}
		for (int p = random.nextInt(3); p > 0; p--) {
			parameters.put("later-" + p + Objects.requireNonNullElse(pick(random), ""),
					Objects.requireNonNullElse(pick(random), ""));
		}
		return parameters;
	}

	private static String pick(Random random) {
		return TEXTS[random.nextInt(TEXTS.length)];
	}

	private static byte[] mutated(Random random, byte[] valid) {
		return switch (random.nextInt(4)) {
			case 0 -> Arrays.copyOf(valid, random.nextInt(valid.length));
			case 1 -> {
				// Off by one in a length, a count or a flag: the mistakes a decoder is likeliest to make.
				byte[] nudged = valid.clone();
				int at = random.nextInt(Math.min(nudged.length, 60));
				nudged[at] += random.nextBoolean() ? 1 : -1;
				yield nudged;
			}
			case 2 -> {
				byte[] longer = Arrays.copyOf(valid, valid.length + 1 + random.nextInt(3));
				longer[random.nextInt(Math.min(11, valid.length), longer.length)] = (byte) random.nextInt(256);
				yield longer;
			}
			default -> {
				byte[] changed = valid.clone();
				for (int n = 1 + random.nextInt(3); n > 0; n--) {
					changed[random.nextInt(changed.length)] = (byte) random.nextInt(256);
				}
				yield changed;
			}
		};
	}

	private static List<String> prepend(String first, List<String> rest) {
		List<String> all = new ArrayList<>(rest);
		all.add(0, first);
		return all;
	}

}
