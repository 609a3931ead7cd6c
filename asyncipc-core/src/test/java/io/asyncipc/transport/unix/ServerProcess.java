package io.asyncipc.transport.unix;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

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
		loadClassesAhead();
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
				try {
					server = new UnixSocketTransport().createServer(args[0], PipeOptions.defaults(), handler);
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

	/**
	 * Loads the transport's classes now, so that a process that runs out of file descriptors
	 * needs none to load a class: one in a directory is a file to open, and a jar is opened
	 * when it is first searched. Packaged in a jar, the library would not need this.
	 */
	private static void loadClassesAhead() throws IOException {
		// A resource that is nowhere makes the class loader search, and open, every jar.
		ClassLoader.getSystemResource("io/asyncipc/transport/unix/absent");
		for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
			Path root = Path.of(entry);
			if (Files.isDirectory(root.resolve("io/asyncipc/transport/support"))) {
				try (Stream<Path> files = Files.walk(root.resolve("io/asyncipc/transport"))) {
					files.map((file) -> root.relativize(file).toString())
						.filter((file) -> file.endsWith(".class") && !file.contains("/windows/"))
						.forEach(ServerProcess::load);
				}
			}
		}
	}

	private static void load(String classFile) {
		String className = classFile.substring(0, classFile.length() - ".class".length()).replace('/', '.');
		try {
			Class.forName(className, false, ServerProcess.class.getClassLoader());
		}
		catch (ClassNotFoundException | LinkageError ex) {
			throw new IllegalStateException("could not load " + className + " ahead", ex);
		}
	}

}
