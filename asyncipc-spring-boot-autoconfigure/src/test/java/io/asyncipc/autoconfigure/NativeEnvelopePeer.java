package io.asyncipc.autoconfigure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A peer of {@code interop/} (Python's {@code peer.py} or C's {@code envelope_peer}) running as a
 * process: each line it prints is kept for {@link #nextLine()}, and {@link #send(String)} writes a
 * line to its input, which a client peer sends as one message.
 */
final class NativeEnvelopePeer implements AutoCloseable {

	private final List<String> command;

	private final Process process;

	private final Writer input;

	private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

	private NativeEnvelopePeer(List<String> command) throws IOException {
		this.command = command;
		this.process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
		this.input = new OutputStreamWriter(this.process.getOutputStream(), StandardCharsets.UTF_8);
		Thread reader = new Thread(this::readLines, "native-peer-output-" + this.process.pid());
		reader.setDaemon(true);
		reader.start();
	}

	/**
	 * Starts a peer.
	 * @param command the program and its arguments
	 * @return the running peer
	 * @throws IOException if it cannot be started
	 */
	static NativeEnvelopePeer start(List<String> command) throws IOException {
		return new NativeEnvelopePeer(command);
	}

	private void readLines() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				this.lines.add(line);
			}
		}
		catch (IOException ex) {
			// The process ended; nextLine() reports it.
		}
	}

	/**
	 * Writes one line to the peer's input.
	 * @param line the line, without its end
	 * @throws IOException if the peer's input is closed
	 */
	void send(String line) throws IOException {
		this.input.write(line + "\n");
		this.input.flush();
	}

	/**
	 * Returns the next line the peer prints, waiting up to 15 seconds.
	 * @return the line, parsed
	 * @throws InterruptedException if interrupted while waiting
	 */
	NativeEnvelopePeerLine nextLine() throws InterruptedException {
		String line = this.lines.poll(15, TimeUnit.SECONDS);
		assertThat(line).as("a line from %s (%s)", this.command,
				this.process.isAlive() ? "still running" : "exited with " + this.process.exitValue())
			.isNotNull();
		return NativeEnvelopePeerLine.parse(line);
	}

	/**
	 * Waits for the line that a peer prints once it is ready: {@code ready} for a server,
	 * {@code connected} for a client.
	 * @param event the first field of that line
	 * @return the line
	 * @throws InterruptedException if interrupted while waiting
	 */
	NativeEnvelopePeerLine awaitLine(String event) throws InterruptedException {
		NativeEnvelopePeerLine line = nextLine();
		assertThat(line.event()).as("the first line of %s", this.command).isEqualTo(event);
		return line;
	}

	/**
	 * Closes the peer's input, which ends a client, and waits for it to exit.
	 * @return its exit status
	 * @throws Exception if it does not exit within ten seconds
	 */
	int finish() throws Exception {
		this.input.close();
		assertThat(this.process.waitFor(10, TimeUnit.SECONDS)).as("%s exited", this.command).isTrue();
		return this.process.exitValue();
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

}
