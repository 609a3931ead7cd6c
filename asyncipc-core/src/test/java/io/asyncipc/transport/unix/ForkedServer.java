package io.asyncipc.transport.unix;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * A {@link ServerProcess} in a child JVM, started with the java and the class path of the test:
 * commands go to its stdin, and every line it prints is kept, for tests to wait on and count.
 * Closing it kills the process.
 */
final class ForkedServer implements AutoCloseable {

	private final Process process;

	private final Writer commands;

	/** Guarded by itself. Not copy-on-write: a server that spins may print a line per microsecond. */
	private final List<String> lines = new ArrayList<>();

	private volatile int answered;

	private ForkedServer(List<String> command) throws IOException {
		this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
		this.commands = this.process.outputWriter(StandardCharsets.UTF_8);
		Thread reader = new Thread(this::readLines, "forked-server-" + this.process.pid());
		reader.setDaemon(true);
		reader.start();
		try {
			awaitLine("ready"::equals);
		}
		catch (AssertionError ex) {
			kill();
			throw ex;
		}
	}

	/**
	 * Starts a server process for a pipe name, which waits for {@code start}.
	 * @param name the pipe name
	 * @return the process, ready
	 * @throws IOException if it cannot be started
	 */
	static ForkedServer of(String name) throws IOException {
		return new ForkedServer(javaCommand(name));
	}

	/**
	 * Starts a server process that may have at most {@code limit} open file descriptors, set by
	 * the shell's {@code ulimit -n} before it runs java.
	 * @param name the pipe name
	 * @param limit the descriptor limit
	 * @return the process, ready
	 * @throws IOException if it cannot be started
	 */
	static ForkedServer withDescriptorLimit(String name, int limit) throws IOException {
		List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -n " + limit + " && exec \"$@\"", "bash"));
		command.addAll(javaCommand(name));
		return new ForkedServer(command);
	}

	/**
	 * Starts a server process without {@code XDG_RUNTIME_DIR}, whose {@code java.io.tmpdir} and
	 * {@code user.home} are the given directories, as if it ran as a user on a machine without
	 * a runtime directory.
	 * @param name the pipe name
	 * @param tempDirectory its directory for temporary files
	 * @param home its home directory
	 * @return the process, ready
	 * @throws IOException if it cannot be started
	 */
	static ForkedServer withDirectories(String name, Path tempDirectory, Path home) throws IOException {
		List<String> command = new ArrayList<>(List.of("env", "-u", "XDG_RUNTIME_DIR"));
		command.addAll(javaCommand(name, "-Djava.io.tmpdir=" + tempDirectory, "-Duser.home=" + home));
		return new ForkedServer(command);
	}

	private static List<String> javaCommand(String name, String... systemProperties) {
		String java = ProcessHandle.current().info().command().orElse("java");
		List<String> command = new ArrayList<>(List.of(java, "-Xmx64m", "-XX:+UseSerialGC",
				"-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
				"-Dlogback.configurationFile=io/asyncipc/transport/unix/server-process-logback.xml"));
		command.addAll(List.of(systemProperties));
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), ServerProcess.class.getName(), name));
		return command;
	}

	/**
	 * Returns the process id, which the server's clients should see as their peer's.
	 * @return the pid
	 */
	long pid() {
		return this.process.pid();
	}

	/**
	 * Tells the process to start its server, and waits for the answer.
	 * @return {@code started <path>} or {@code failed <exception>: <message>}
	 */
	String startServer() {
		send("start");
		return awaitLine((line) -> line.startsWith("started ") || line.startsWith("failed "));
	}

	/**
	 * Tells the process to stop its server, and waits until it did.
	 */
	void stopServer() {
		send("stop");
		awaitLine("stopped"::equals);
	}

	/**
	 * Sends a command without waiting for its answer.
	 * @param command the command
	 */
	void send(String command) {
		try {
			this.commands.write(command + "\n");
			this.commands.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not send '" + command + "' to " + this, ex);
		}
	}

	/**
	 * Waits for the next line that matches, after the one that the last wait returned.
	 * @param match what to wait for
	 * @return the line
	 */
	String awaitLine(Predicate<String> match) {
		try {
			await().atMost(30, TimeUnit.SECONDS).until(() -> nextMatch(match) >= 0);
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError("no line within 30 s from " + this, ex);
		}
		int index = nextMatch(match);
		this.answered = index + 1;
		return printed().get(index);
	}

	private int nextMatch(Predicate<String> match) {
		List<String> printed = printed();
		for (int i = this.answered; i < printed.size(); i++) {
			if (match.test(printed.get(i))) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * Returns the lines printed so far that match.
	 * @param match which lines
	 * @return the lines, in order
	 */
	List<String> lines(Predicate<String> match) {
		return printed().stream().filter(match).toList();
	}

	/**
	 * Returns how many lines printed so far match.
	 * @param match which lines
	 * @return the count
	 */
	int count(Predicate<String> match) {
		return (int) printed().stream().filter(match).count();
	}

	/**
	 * Kills the process at once, as {@code kill -9} would, and waits until it is gone.
	 */
	void kill() {
		try {
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		kill();
	}

	private void readLines() {
		try (BufferedReader output = this.process.inputReader(StandardCharsets.UTF_8)) {
			String line;
			while ((line = output.readLine()) != null) {
				synchronized (this.lines) {
					this.lines.add(line);
				}
			}
		}
		catch (IOException ex) {
			// The process was killed.
		}
	}

	private List<String> printed() {
		synchronized (this.lines) {
			return new ArrayList<>(this.lines);
		}
	}

	@Override
	public String toString() {
		List<String> printed = printed();
		return "server process " + this.process.pid() + " (last lines: "
				+ printed.subList(Math.max(0, printed.size() - 10), printed.size()) + ")";
	}

}
