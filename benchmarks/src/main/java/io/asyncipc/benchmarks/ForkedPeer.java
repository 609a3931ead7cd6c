package io.asyncipc.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link PeerMain} in a JVM of its own, stopped by closing its standard input. With the
 * system property {@code asyncipc.bench.peer-cpus} (a {@code taskset} CPU list), the peer is
 * pinned to those CPUs, so that a run can place the two processes on separate CPUs. With
 * {@code asyncipc.bench.peer-jvm-args} (separated by spaces), the peer's JVM gets those
 * options too, such as {@code -XX:StartFlightRecording=...} to profile it.
 */
final class ForkedPeer implements AutoCloseable {

	private final Process process;

	private final String ready;

	ForkedPeer(String mode, String address, String... arguments) throws IOException {
		List<String> command = new ArrayList<>();
		String cpus = System.getProperty("asyncipc.bench.peer-cpus");
		if (cpus != null && !cpus.isBlank()) {
			command.add("taskset");
			command.add("-c");
			command.add(cpus);
		}
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.add("--enable-native-access=ALL-UNNAMED");
		String jvmArgs = System.getProperty("asyncipc.bench.peer-jvm-args");
		if (jvmArgs != null && !jvmArgs.isBlank()) {
			command.addAll(List.of(jvmArgs.trim().split("\\s+")));
		}
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(PeerMain.class.getName());
		command.add(mode);
		command.add(address);
		command.addAll(List.of(arguments));
		this.process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
		BufferedReader output = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8));
		String line = output.readLine();
		while (line != null && !isReady(line) && jvmArgs != null) {
			// Such as JFR's "Started recording": options given to the peer may print before it is ready.
			line = output.readLine();
		}
		if (line == null || !isReady(line)) {
			this.process.destroyForcibly();
			throw new IOException("peer " + mode + " did not start: " + line);
		}
		this.ready = line.substring("ready".length()).trim();
	}

	private static boolean isReady(String line) {
		return line.equals("ready") || line.startsWith("ready ");
	}

	/**
	 * Returns what the peer printed after {@code ready} on the same line, such as the port it
	 * listens on.
	 * @return the rest of the line, empty if none
	 */
	String ready() {
		return this.ready;
	}

	/**
	 * Returns the CPU time the peer's process has used so far, all its threads together.
	 * @return the CPU time, or zero where the OS does not tell
	 */
	Duration cpuTime() {
		return this.process.info().totalCpuDuration().orElse(Duration.ZERO);
	}

	@Override
	public void close() throws IOException, InterruptedException {
		this.process.getOutputStream().close();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
	}

}
