package io.asyncipc.benchmarks.reliability;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * (f) Slowloris: many connections each send two bytes of a frame header and hold on, while a
 * legitimate client keeps being served, on a connection it opened before and on new ones. The
 * frame-completion timeout must close every slow connection.
 */
final class SlowlorisScenario {

	/** How long the slow connections are watched for the server to close them. */
	private static final long WATCH_SECONDS = 90;

	private final String classpath;

	private final int connections;

	private final List<String> properties;

	SlowlorisScenario(String classpath, int connections, List<String> properties) {
		this.classpath = classpath;
		this.connections = connections;
		this.properties = properties;
	}

	Figures run(Path directory) throws Exception {
		Figures figures = new Figures(String.format("(f) %,d slowloris connections against the Spring Boot sample, "
				+ "-Xmx512m%s", this.connections,
				this.properties.isEmpty() ? "" : ", " + String.join(", ", this.properties)));
		Path socket = directory.resolve("f.sock");
		List<SocketChannel> slow = new ArrayList<>();
		try (ServerProcess server = ServerProcess.sample(this.classpath, socket, SampleProbe.freePort(), "512m",
				this.properties); FramedSocket legitimate = FramedSocket.connect(socket)) {
			long before = SampleProbe.send(server, legitimate, 15);
			int refused = 0;
			long[] openedAt = new long[this.connections];
			for (int i = 0; i < this.connections; i++) {
				try {
					FramedSocket attacker = FramedSocket.connect(socket);
					attacker.write(ByteBuffer.wrap(new byte[2]));
					openedAt[slow.size()] = System.nanoTime();
					slow.add(attacker.channel());
				}
				catch (IOException ex) {
					refused++;
				}
			}
			long held = SampleProbe.send(server, legitimate, 15);
			long fresh = SampleProbe.legitimateExchange(server, socket);
			List<Double> closeTimes = awaitClosed(slow, openedAt);
			long after = SampleProbe.legitimateExchange(server, socket);
			boolean up = server.isAlive() && server.healthUp();
			figures.add("%d slow connections opened, %d refused at connect", slow.size(), refused);
			figures.add("**closed by the server: %d of %d** within %d s; time from the 2 bytes to the close: median "
					+ "%.1f s, max %.1f s", closeTimes.size(), slow.size(), WATCH_SECONDS,
					RestartScenario.median(closeTimes) / 1000, RestartScenario.max(closeTimes) / 1000);
			figures.add("legitimate client, message logged by the listener after: %s before the attack, %s on its "
					+ "open connection during it, %s on a new connection during it, %s on a new connection after it",
					millis(before), millis(held), millis(fresh), millis(after));
			figures.add("server %s, health %s", server.isAlive() ? "up" : "**DEAD**", up ? "UP" : "**not UP**");
			figures.check(closeTimes.size() == slow.size(), "only %d of %d slow connections were closed within %d s",
					closeTimes.size(), slow.size(), WATCH_SECONDS);
			figures.check(before >= 0 && held >= 0 && fresh >= 0 && after >= 0,
					"the legitimate client was not always served");
			figures.check(up, "the server is not up and healthy");
		}
		finally {
			for (SocketChannel channel : slow) {
				channel.close();
			}
		}
		return figures;
	}

	private static String millis(long millis) {
		return (millis >= 0) ? millis + " ms" : "**not served**";
	}

	/**
	 * Waits until the server closed the slow connections, or the watch ends.
	 * @return for each closed connection, milliseconds from its two bytes to the close
	 */
	private static List<Double> awaitClosed(List<SocketChannel> slow, long[] openedAt) throws IOException {
		List<Double> closeTimes = new ArrayList<>();
		ByteBuffer buffer = ByteBuffer.allocate(64);
		try (Selector selector = Selector.open()) {
			for (int i = 0; i < slow.size(); i++) {
				slow.get(i).configureBlocking(false);
				slow.get(i).register(selector, SelectionKey.OP_READ, i);
			}
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WATCH_SECONDS);
			while (closeTimes.size() < slow.size() && System.nanoTime() < deadline) {
				selector.select(200);
				for (SelectionKey key : selector.selectedKeys()) {
					int index = (Integer) key.attachment();
					boolean closed;
					try {
						closed = ((SocketChannel) key.channel()).read(buffer.clear()) < 0;
					}
					catch (IOException ex) {
						closed = true;
					}
					if (closed) {
						closeTimes.add((System.nanoTime() - openedAt[index]) / 1e6);
						key.cancel();
					}
				}
				selector.selectedKeys().clear();
			}
		}
		return closeTimes;
	}

}
