package io.asyncipc.benchmarks;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeHandler;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.unix.UnixSocketTransport;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * The peer process of the benchmarks, forked so that every measurement crosses two JVMs.
 * <ul>
 * <li>{@code asyncipc-echo NAME}: an AsyncIPC server that echoes every message.</li>
 * <li>{@code asyncipc-sink NAME}: an AsyncIPC server that counts messages and, on an empty
 * one, replies with the count.</li>
 * <li>{@code raw-echo PATH} and {@code raw-sink PATH}: the same over a plain blocking JDK
 * {@link SocketChannel}, with the same framing.</li>
 * <li>{@code nio-echo PATH}: the echo of {@link NioFloor}, one selector thread.</li>
 * <li>{@code spring-counter NAME FORMAT} and {@code spring-echo NAME FORMAT}: a Spring Boot
 * application whose pipe is a server of that format ({@code envelope} or {@code raw}), with a
 * {@code @PipeListener} that counts text messages and replies with the count to an empty one,
 * or that returns each message as its reply (see {@link SpringListeners}).</li>
 * <li>{@code asyncipc-sinks NAME}: {@code asyncipc-sink} with a count per connection, for many
 * clients at once.</li>
 * <li>{@code grpc PATH EXECUTOR}: the gRPC server of {@link GrpcPeers} on a Unix domain socket,
 * its calls on gRPC's {@code default} executor or on the event loop ({@code direct}).</li>
 * <li>{@code http -}: the Spring MVC server of {@link HttpPeer} on an ephemeral loopback port,
 * which it prints after {@code ready}.</li>
 * </ul>
 * It prints {@code ready} once it listens, and runs until its parent closes its standard input.
 */
public final class PeerMain {

	private PeerMain() {
	}

	public static void main(String[] args) throws Exception {
		String mode = args[0];
		String address = args[1];
		switch (mode) {
			case "asyncipc-echo" -> asyncIpc(address, (connection, message) -> connection.send(message));
			case "asyncipc-sink" -> asyncIpc(address, new Sink());
			case "raw-echo" -> raw(address, true);
			case "raw-sink" -> raw(address, false);
			case "nio-echo" -> nioEcho(address);
			case "spring-counter" -> spring(address, args[2], SpringListeners.CounterConfiguration.class);
			case "spring-echo" -> spring(address, args[2], SpringListeners.EchoConfiguration.class);
			case "asyncipc-sinks" -> asyncIpc(address, new ConnectionSinks());
			case "grpc" -> grpc(address, args[2]);
			case "http" -> http();
			default -> throw new IllegalArgumentException("unknown mode " + mode);
		}
	}

	private static void asyncIpc(String name, MessageAction action) throws Exception {
		PipeEndpoint server = new UnixSocketTransport().createServer(name, PipeOptions.defaults(), new PipeHandler() {
			@Override
			public void onMessage(PipeConnection connection, byte[] message) {
				action.onMessage(connection, message);
			}
		});
		server.start();
		System.out.println("ready");
		awaitParentExit();
		server.close();
	}

	private static void spring(String name, String format, Class<?> listeners) throws Exception {
		try (ConfigurableApplicationContext context = SpringPipes.start(name, "server", format, listeners)) {
			System.out.println("ready");
			awaitParentExit();
		}
	}

	private static void grpc(String path, String executor) throws Exception {
		if (!executor.equals("default") && !executor.equals("direct")) {
			throw new IllegalArgumentException("gRPC executor must be 'default' or 'direct', not " + executor);
		}
		try (GrpcPeers.RunningServer server = GrpcPeers.startServer(Path.of(path), executor.equals("direct"))) {
			System.out.println("ready");
			awaitParentExit();
		}
		finally {
			Files.deleteIfExists(Path.of(path));
		}
	}

	private static void http() throws Exception {
		// Spring's own logs go to slf4j-simple (Tomcat's to java.util.logging, set by logging.level).
		System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
		try (ConfigurableApplicationContext context = HttpPeer.start()) {
			System.out.println("ready " + HttpPeer.port(context));
			awaitParentExit();
		}
	}

	private static void raw(String path, boolean echo) throws Exception {
		Files.deleteIfExists(Path.of(path));
		try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
			listener.bind(UnixDomainSocketAddress.of(path));
			System.out.println("ready");
			Thread server = new Thread(() -> {
				try (SocketChannel channel = listener.accept()) {
					if (echo) {
						rawEcho(channel);
					}
					else {
						rawSink(channel);
					}
				}
				catch (IOException ex) {
					// The benchmark closed its end.
				}
			});
			server.setDaemon(true);
			server.start();
			awaitParentExit();
		}
		finally {
			Files.deleteIfExists(Path.of(path));
		}
	}

	private static void nioEcho(String path) throws Exception {
		Files.deleteIfExists(Path.of(path));
		Thread server = new Thread(() -> {
			try {
				NioFloor.echo(Path.of(path));
			}
			catch (IOException ex) {
				// The benchmark closed its end.
			}
		});
		server.setDaemon(true);
		server.start();
		try {
			awaitParentExit();
		}
		finally {
			Files.deleteIfExists(Path.of(path));
		}
	}

	private static void rawEcho(SocketChannel channel) throws IOException {
		ByteBuffer header = ByteBuffer.allocateDirect(4);
		ByteBuffer frame = ByteBuffer.allocateDirect(1 << 20);
		while (true) {
			header.clear();
			readFully(channel, header);
			int length = header.getInt(0);
			frame.clear().limit(4 + length);
			frame.putInt(length);
			readFully(channel, frame);
			frame.flip();
			while (frame.hasRemaining()) {
				channel.write(frame);
			}
		}
	}

	private static void rawSink(SocketChannel channel) throws IOException {
		ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
		long count = 0;
		int skip = 0;
		ByteBuffer header = ByteBuffer.allocate(4);
		while (true) {
			buffer.clear();
			if (channel.read(buffer) < 0) {
				return;
			}
			buffer.flip();
			while (buffer.hasRemaining()) {
				if (skip > 0) {
					int n = Math.min(skip, buffer.remaining());
					buffer.position(buffer.position() + n);
					skip -= n;
					continue;
				}
				header.put(buffer.get());
				if (header.hasRemaining()) {
					continue;
				}
				int length = header.flip().getInt();
				header.clear();
				if (length == 0) {
					ByteBuffer reply = ByteBuffer.allocate(12).putInt(8).putLong(count).flip();
					while (reply.hasRemaining()) {
						channel.write(reply);
					}
					count = 0;
				}
				else {
					count++;
					skip = length;
				}
			}
		}
	}

	private static void readFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
		while (buffer.hasRemaining()) {
			if (channel.read(buffer) < 0) {
				throw new IOException("closed");
			}
		}
	}

	private static void awaitParentExit() throws IOException, InterruptedException {
		CountDownLatch closed = new CountDownLatch(1);
		Thread watcher = new Thread(() -> {
			try {
				while (System.in.read() >= 0) {
					// Wait for end of input.
				}
			}
			catch (IOException ex) {
				// The parent is gone either way.
			}
			closed.countDown();
		});
		watcher.setDaemon(true);
		watcher.start();
		closed.await();
	}

	@FunctionalInterface
	interface MessageAction {

		void onMessage(PipeConnection connection, byte[] message);

	}

	/**
	 * {@link Sink} with a count per connection: the messages of one connection arrive in order,
	 * those of different connections possibly on different I/O threads.
	 */
	static final class ConnectionSinks implements MessageAction {

		private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

		@Override
		public void onMessage(PipeConnection connection, byte[] message) {
			AtomicLong count = this.counts.computeIfAbsent(connection.id(), (id) -> new AtomicLong());
			if (message.length == 0) {
				connection.send(ByteBuffer.allocate(8).putLong(count.getAndSet(0)).array());
			}
			else {
				count.incrementAndGet();
			}
		}

	}

	static final class Sink implements MessageAction {

		private long count;

		@Override
		public void onMessage(PipeConnection connection, byte[] message) {
			if (message.length == 0) {
				connection.send(ByteBuffer.allocate(8).putLong(this.count).array());
				this.count = 0;
			}
			else {
				this.count++;
			}
		}

	}

}
