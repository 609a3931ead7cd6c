package io.asyncipc.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sample application in a JVM of its own, as a user starts it: its web port is chosen by
 * the OS and read from its log, which goes to a file under {@code target/}.
 */
final class SampleProcess implements AutoCloseable {

	private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");

	private final Process process;

	private final CompletableFuture<Integer> port = new CompletableFuture<>();

	private final Path log;

	private SampleProcess(Process process, Path log) {
		this.process = process;
		this.log = log;
	}

	/**
	 * Starts a sample.
	 * @param label names its log file
	 * @param logDir where the log goes
	 * @param args the sample's arguments, such as {@code --asyncipc.role=client}
	 * @return the started process; {@link #port()} waits for its web server
	 */
	static SampleProcess start(String label, Path logDir, String... args) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.add("--enable-native-access=ALL-UNNAMED");
		command.add("-Xshare:off");
		command.add("-XX:TieredStopAtLevel=1");
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(SampleApplication.class.getName());
		command.add("--server.port=0");
		command.add("--spring.main.banner-mode=off");
		command.addAll(List.of(args));
		Files.createDirectories(logDir);
		Path log = logDir.resolve(label + ".log");
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		SampleProcess sample = new SampleProcess(process, log);
		Thread reader = new Thread(sample::copyLog, "sample-log-" + label);
		reader.setDaemon(true);
		reader.start();
		return sample;
	}

	private void copyLog() {
		try (BufferedReader in = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8));
				PrintWriter out = new PrintWriter(Files.newBufferedWriter(this.log, StandardCharsets.UTF_8), true)) {
			String line;
			while ((line = in.readLine()) != null) {
				out.println(line);
				Matcher matcher = PORT.matcher(line);
				if (!this.port.isDone() && matcher.find()) {
					this.port.complete(Integer.parseInt(matcher.group(1)));
				}
			}
		}
		catch (IOException ex) {
			// The process ended.
		}
		this.port.completeExceptionally(new IllegalStateException(
				"the sample ended before its web server started; see " + this.log.toAbsolutePath()));
	}

	/**
	 * Waits for the web server and returns its port.
	 * @return the port
	 */
	int port() throws Exception {
		return this.port.get(120, TimeUnit.SECONDS);
	}

	/**
	 * Returns the page's address.
	 * @return {@code http://localhost:<port>/}
	 */
	String url() throws Exception {
		return "http://localhost:" + port() + "/";
	}

	long pid() {
		return this.process.pid();
	}

	/**
	 * Stops the sample as Ctrl+C or {@code kill} would (SIGTERM: a graceful shutdown), and
	 * waits for it to end.
	 */
	void stop(Duration timeout) throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			stop(Duration.ofSeconds(10));
		}
	}

}
