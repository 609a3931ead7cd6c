package io.asyncipc.benchmarks.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs the reliability scenarios of {@code docs/reliability.md} on Unix domain sockets and
 * prints their figures as Markdown; exits with 1 if any check failed. Run it with
 * {@code benchmarks/run-reliability}, which builds the class paths.
 * <pre>
 * run-reliability [--short] [a|b|c|d|e|f ...]
 * </pre>
 * <ul>
 * <li>{@code a}: many clients x many numbered messages to an echo server, checked per client;</li>
 * <li>{@code b}: {@code kill -9} and restart cycles of the server;</li>
 * <li>{@code c}: connect and disconnect cycles, then the server's descriptors, threads and heap;</li>
 * <li>{@code d}: heap and native memory per idle connection;</li>
 * <li>{@code e}: attacks on the Spring Boot sample with {@code -Xmx512m};</li>
 * <li>{@code f}: slowloris connections against the sample while a legitimate client is served.</li>
 * </ul>
 * {@code --short} runs small versions for CI. Without scenarios it runs {@code a} to
 * {@code d}, and {@code e} and {@code f} too when the system property
 * {@code reliability.sample.classpath} gives the sample's class path. Spring properties for
 * the sample in {@code e} and {@code f} can be added with the system property
 * {@code reliability.sample.properties} (comma-separated {@code name=value}).
 */
public final class ReliabilityMain {

	private ReliabilityMain() {
	}

	public static void main(String[] args) throws Exception {
		boolean small = false;
		Set<String> scenarios = new LinkedHashSet<>();
		for (String arg : args) {
			if (arg.equals("--short")) {
				small = true;
			}
			else if (arg.matches("[a-f]")) {
				scenarios.add(arg);
			}
			else {
				throw new IllegalArgumentException("unknown argument '" + arg + "'; use [--short] [a|b|c|d|e|f ...]");
			}
		}
		String sample = System.getProperty("reliability.sample.classpath");
		if (scenarios.isEmpty()) {
			scenarios.addAll(List.of("a", "b", "c", "d"));
			if (sample != null) {
				scenarios.addAll(List.of("e", "f"));
			}
		}
		System.out.printf("## Reliability run of %s%s%n%n", Instant.now().truncatedTo(ChronoUnit.SECONDS),
				small ? " (short)" : "");
		System.out.printf("%d CPUs, %s, Java %s, %s %s%n%n", Runtime.getRuntime().availableProcessors(),
				Machine.memory(), System.getProperty("java.version"), System.getProperty("os.name"),
				System.getProperty("os.version"));
		List<Figures> all = new ArrayList<>();
		Path directory = Files.createTempDirectory("asyncipc-rel");
		try {
			for (String scenario : scenarios) {
				Figures figures = run(scenario, small, directory, sample);
				all.add(figures);
				System.out.println(figures.toMarkdown());
			}
		}
		finally {
			delete(directory);
		}
		List<Figures> failed = all.stream().filter((figures) -> !figures.passed()).toList();
		if (!failed.isEmpty()) {
			System.out.println("FAILED: " + String.join("; ", failed.stream().map(Figures::title).toList()));
			System.exit(1);
		}
		System.out.println("PASSED: " + String.join(", ", scenarios));
		System.exit(0);
	}

	private static Figures run(String scenario, boolean small, Path directory, String sample) throws Exception {
		return switch (scenario) {
			case "a" -> small ? new ThroughputScenario(32, 1_000).run(directory)
					: new ThroughputScenario(256, 10_000).run(directory);
			case "b" -> small ? new RestartScenario(4, 3).run(directory) : new RestartScenario(8, 20).run(directory);
			case "c" -> new ChurnScenario(small ? 1_000 : 10_000).run(directory);
			case "d" -> new IdleConnectionScenario(small ? 100 : 1_000).run(directory);
			case "e" -> new AttackScenario(requireSample(sample), small, sampleProperties()).run(directory);
			case "f" -> new SlowlorisScenario(requireSample(sample), small ? 100 : 1_000, sampleProperties())
				.run(directory);
			default -> throw new IllegalArgumentException("unknown scenario " + scenario);
		};
	}

	private static String requireSample(String sample) {
		if (sample == null) {
			throw new IllegalArgumentException("scenarios e and f need the sample's class path in the system property "
					+ "reliability.sample.classpath; run them through benchmarks/run-reliability");
		}
		return sample;
	}

	private static List<String> sampleProperties() {
		String properties = System.getProperty("reliability.sample.properties", "");
		return Stream.of(properties.split(",")).map(String::trim).filter((p) -> !p.isEmpty()).toList();
	}

	private static void delete(Path directory) throws Exception {
		try (Stream<Path> paths = Files.walk(directory)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
	}

}
