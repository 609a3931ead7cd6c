package io.asyncipc.benchmarks;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The least that any transport built like AsyncIPC's can do with the JDK: one selector thread
 * per process that reads, and a caller that writes on its own thread and then waits, parked,
 * for the selector thread to hand it the reply. Nothing else: no buffers pooled, no queue, no
 * statistics, one connection, 64 KiB at most per frame, no partial writes handled beyond a
 * loop. It is the floor that the transport's parked round trip is measured against, next to
 * the raw blocking ping-pong (which has no thread of its own to wake).
 */
final class NioFloor {

	private static final int MAX_FRAME = 4 + 64 * 1024;

	private NioFloor() {
	}

	/**
	 * Runs the echo peer: a selector thread that echoes each frame of its one connection.
	 * @param path the socket's path
	 * @throws IOException if the socket cannot be served
	 */
	static void echo(Path path) throws IOException {
		try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
				Selector selector = Selector.open()) {
			listener.bind(UnixDomainSocketAddress.of(path));
			System.out.println("ready");
			try (SocketChannel channel = listener.accept()) {
				channel.configureBlocking(false);
				channel.register(selector, SelectionKey.OP_READ);
				echo(channel, selector);
			}
		}
	}

	private static void echo(SocketChannel channel, Selector selector) throws IOException {
		ByteBuffer in = ByteBuffer.allocateDirect(MAX_FRAME);
		while (selector.select() >= 0) {
			selector.selectedKeys().clear();
			if (channel.read(in) < 0) {
				return;
			}
			in.flip();
			while (in.remaining() >= 4 && in.remaining() >= 4 + in.getInt(in.position())) {
				int limit = in.limit();
				in.limit(in.position() + 4 + in.getInt(in.position()));
				while (in.hasRemaining()) {
					channel.write(in);
				}
				in.limit(limit);
			}
			in.compact();
		}
	}

	/**
	 * A client whose selector thread completes the future of the one exchange under way.
	 */
	static final class Client implements AutoCloseable {

		private final SocketChannel channel;

		private final Selector selector;

		private final ByteBuffer out = ByteBuffer.allocateDirect(MAX_FRAME);

		private final ByteBuffer in = ByteBuffer.allocateDirect(MAX_FRAME);

		private volatile CompletableFuture<byte[]> reply;

		Client(Path path) throws IOException {
			this.channel = SocketChannel.open(UnixDomainSocketAddress.of(path));
			this.channel.configureBlocking(false);
			this.selector = Selector.open();
			this.channel.register(this.selector, SelectionKey.OP_READ);
			Thread reader = new Thread(this::read, "nio-floor-reader");
			reader.setDaemon(true);
			reader.start();
		}

		byte[] exchange(byte[] message) throws Exception {
			CompletableFuture<byte[]> future = new CompletableFuture<>();
			this.reply = future;
			this.out.clear();
			this.out.putInt(message.length).put(message).flip();
			while (this.out.hasRemaining()) {
				this.channel.write(this.out);
			}
			return future.get(10, TimeUnit.SECONDS);
		}

		private void read() {
			try {
				while (this.selector.select() >= 0 && this.channel.isOpen()) {
					this.selector.selectedKeys().clear();
					if (this.channel.read(this.in) < 0) {
						return;
					}
					this.in.flip();
					while (this.in.remaining() >= 4 && this.in.remaining() >= 4 + this.in.getInt(this.in.position())) {
						byte[] message = new byte[this.in.getInt()];
						this.in.get(message);
						this.reply.complete(message);
					}
					this.in.compact();
				}
			}
			catch (IOException | ClosedSelectorException ex) {
				// Closed by the benchmark.
			}
		}

		@Override
		public void close() throws IOException {
			this.channel.close();
			this.selector.close();
		}

	}

}
