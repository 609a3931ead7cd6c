package io.asyncipc.transport.unix;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeException;
import io.asyncipc.transport.PipeHandler;
import io.asyncipc.transport.PipeOptions;

/**
 * A server in a JVM of its own, for tests that need another process; {@link ForkedServer}
 * starts it. It takes commands on stdin, one a line, and answers on stdout:
 * <ul>
 * <li>{@code start}: starts an echoing server on the name given as argument, and answers
 * {@code started <path>}, or {@code failed <exception>: <message>};</li>
 * <li>{@code stop}: stops it, and answers {@code stopped}.</li>
 * </ul>
 * It says {@code ready} first, and {@code connected} for each client. At the end of stdin it
 * stops its server and exits.
 */
public final class ServerProcess {

	private ServerProcess() {
	}

	public static void main(String[] args) throws Exception {
		PipeHandler handler = new PipeHandler() {

			@Override
			public void onConnected(PipeConnection connection) {
				System.out.println("connected");
			}

			@Override
			public void onMessage(PipeConnection connection, byte[] message) {
				connection.send(message);
			}

		};
		BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		System.out.println("ready");
		PipeEndpoint server = null;
		String command;
		while ((command = commands.readLine()) != null) {
			if (command.equals("start")) {
				server = new UnixSocketTransport().createServer(args[0], PipeOptions.defaults(), handler);
				try {
					server.start();
					System.out.println("started " + server.address());
				}
				catch (PipeException ex) {
					System.out.println("failed " + ex.getClass().getSimpleName() + ": " + ex.getMessage());
				}
			}
			else if (command.equals("stop") && server != null) {
				server.stop(Duration.ofSeconds(5));
				System.out.println("stopped");
			}
		}
		if (server != null) {
			server.stop(Duration.ofSeconds(5));
		}
	}

}
