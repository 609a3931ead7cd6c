package io.asyncipc.benchmarks.reliability;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server in a child JVM: the {@link ReliabilityServer} echo server, or the Spring Boot
 * sample application. The runner reads its memory, threads and descriptors from outside,
 * kills it with {@code kill -9}, or stops it.
 */
final class ServerProcess implements AutoCloseable {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final Process process;

	private final ChildOutput output;

	private final int httpPort;

	private long listeningAt;

	private ServerProcess(List<String> command, int httpPort) throws IOException {
		this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
		this.output = new ChildOutput(this.process.getInputStream(), "server-" + this.process.pid());
		this.httpPort = httpPort;
	}

	/**
	 * Starts a {@link ReliabilityServer} and waits until it listens.
	 * @param socket the socket path
	 * @param jvmArguments extra JVM arguments, such as {@code -XX:NativeMemoryTracking=summary}
	 * @return the running server
	 */
	static ServerProcess echo(Path socket, String... jvmArguments) throws IOException, InterruptedException {
		List<String> command = java(jvmArguments);
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(ReliabilityServer.class.getName());
		command.add(socket.toString());
		ServerProcess server = new ServerProcess(command, -1);
		String ready = server.output.nextReply(60);
		if (!ready.startsWith("ready ")) {
			server.kill();
			throw new IllegalStateException("the echo server did not start: " + ready);
		}
		server.listeningAt = Long.parseLong(ready.substring("ready ".length()));
		return server;
	}

	/**
	 * Starts the Spring Boot sample application as a server on {@code socket} and waits until
	 * its health endpoint answers UP.
	 * @param classpath the sample's class path
	 * @param socket the socket path ({@code asyncipc.name})
	 * @param httpPort the HTTP port
	 * @param heap the maximum heap, such as {@code 512m}
	 * @param properties extra Spring properties, each {@code name=value}
	 * @return the running application
	 */
	static ServerProcess sample(String classpath, Path socket, int httpPort, String heap, List<String> properties)
			throws IOException, InterruptedException {
		List<String> command = java("-Xmx" + heap);
		command.add("-cp");
		command.add(classpath);
		command.add("io.asyncipc.sample.SampleApplication");
		command.add("--asyncipc.name=" + socket);
		command.add("--asyncipc.role=server");
		command.add("--server.port=" + httpPort);
		command.add("--spring.main.banner-mode=off");
		for (String property : properties) {
			command.add("--" + property);
		}
		ServerProcess server = new ServerProcess(command, httpPort);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
		while (!server.healthUp()) {
			if (!server.process.isAlive() || System.nanoTime() > deadline) {
				server.kill();
				throw new IllegalStateException("the sample application did not become healthy; its last output:\n"
						+ server.output.tail());
			}
			Thread.sleep(200);
		}
		return server;
	}

	private static List<String> java(String... jvmArguments) {
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.add("--enable-native-access=ALL-UNNAMED");
		command.addAll(List.of(jvmArguments));
		return command;
	}

	/**
	 * Returns when the echo server listened, by {@link System#nanoTime()}: the same monotonic
	 * clock in every JVM of this machine on Linux.
	 * @return the server's time of listening
	 */
	long listeningAt() {
		return this.listeningAt;
	}

	long pid() {
		return this.process.pid();
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	long rssBytes() {
		return ProcFs.rssBytes(pid());
	}

	long threads() {
		return ProcFs.threads(pid());
	}

	long descriptors() {
		return ProcFs.descriptors(pid());
	}

	ChildOutput output() {
		return this.output;
	}

	/**
	 * Returns the heap in use after a full collection: from the echo server's own
	 * {@code MemoryMXBean}, or from {@code jcmd} for the sample.
	 * @return used heap bytes
	 */
	long heapAfterGc() throws IOException, InterruptedException {
		if (this.httpPort > 0) {
			return Jcmd.heapUsedAfterGc(pid());
		}
		return Long.parseLong(command("heap").substring("heap ".length()));
	}

	/**
	 * Returns how many connections the echo server has open.
	 * @return the open connections
	 */
	int connections() throws IOException, InterruptedException {
		return Integer.parseInt(command("conns").substring("conns ".length()));
	}

	private synchronized String command(String command) throws IOException, InterruptedException {
		OutputStream input = this.process.getOutputStream();
		input.write((command + "\n").getBytes(StandardCharsets.UTF_8));
		input.flush();
		return this.output.nextReply(60);
	}

	/**
	 * Asks the sample's {@code /actuator/health}.
	 * @return {@code true} if it answered 200 (UP)
	 */
	boolean healthUp() {
		try {
			return get("/actuator/health").statusCode() == 200;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.httpPort + path))
			.timeout(Duration.ofSeconds(5))
			.build();
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * Kills the server with {@code SIGKILL} and waits until it is gone.
	 */
	void kill() throws InterruptedException {
		this.process.destroyForcibly();
		this.process.waitFor(30, TimeUnit.SECONDS);
	}

	/**
	 * Stops the server in order (end of input for the echo server, {@code SIGTERM} for the
	 * sample), killing it if it does not exit within 30 seconds.
	 * @return whether it exited by itself
	 */
	boolean stop() throws InterruptedException {
		try {
			this.process.getOutputStream().close();
		}
		catch (IOException ex) {
			// Already gone.
		}
		if (this.httpPort > 0) {
			this.process.destroy();
		}
		boolean exited = this.process.waitFor(30, TimeUnit.SECONDS);
		if (!exited) {
			kill();
		}
		return exited;
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			stop();
		}
	}

}
