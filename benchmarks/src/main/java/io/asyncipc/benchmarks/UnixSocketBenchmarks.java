package io.asyncipc.benchmarks;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.asyncipc.transport.unix.UnixSocketAddresses;
import io.asyncipc.transport.unix.UnixSocketTransport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The Unix transport across two JVMs against a raw blocking JDK {@link SocketChannel} doing the
 * same work, measured in the same run. Sample mode, so that medians can be quoted.
 * <ul>
 * <li>{@code roundTrip*}: one 64-byte message to an echo peer and back; the caller waits for
 * the reply parked ({@code roundTripAsyncIpc}) or spinning ({@code roundTripAsyncIpcSpinWait}),
 * against the raw blocking ping-pong and {@link NioFloor}'s selector threads.</li>
 * <li>{@code oneWay*}: a batch of messages to a counting peer, then one round trip to confirm
 * it received all of them; the score is per message. The raw baseline makes one write call
 * per message.</li>
 * </ul>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class UnixSocketBenchmarks {

	static final int BATCH = 10_000;

	@Benchmark
	public byte[] roundTripAsyncIpc(AsyncIpcEcho echo) throws Exception {
		return echo.roundTrip();
	}

	/**
	 * The same round trip, with the caller spinning instead of parking while it waits for the
	 * reply: it shows the transport's own cost without the wake-up of a parked thread.
	 * @param echo the peer
	 * @return the reply
	 * @throws Exception if the reply does not come
	 */
	@Benchmark
	public byte[] roundTripAsyncIpcSpinWait(AsyncIpcEcho echo) throws Exception {
		return echo.roundTripSpinning();
	}

	@Benchmark
	public ByteBuffer roundTripRaw(RawEcho echo) throws IOException {
		return echo.roundTrip();
	}

	/**
	 * The same round trip through {@link NioFloor}: a selector thread at each end and a parked
	 * caller, with nothing else, the floor of any transport built that way.
	 * @param echo the peer
	 * @return the reply
	 * @throws Exception if the reply does not come
	 */
	@Benchmark
	public byte[] roundTripNioFloor(NioEcho echo) throws Exception {
		return echo.roundTrip();
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public long oneWayAsyncIpc(AsyncIpcSink sink) throws Exception {
		return sink.sendBatch();
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public long oneWayRaw(RawSink sink) throws IOException {
		return sink.sendBatch();
	}

	/**
	 * An AsyncIPC client talking to a forked peer.
	 */
	abstract static class AsyncIpcPeer {

		ForkedPeer peer;

		ReplyClient client;

		void open(String mode) throws Exception {
			String name = "bench-" + UUID.randomUUID().toString().substring(0, 8);
			connect(new ForkedPeer(mode, name), name);
		}

		/**
		 * Connects a client to a peer that serves the pipe name; the peer is closed if that fails.
		 */
		void connect(ForkedPeer forked, String name) throws Exception {
			this.peer = forked;
			try {
				this.client = new ReplyClient(new UnixSocketTransport(), name, Duration.ofSeconds(10));
			}
			catch (Exception ex) {
				try {
					close();
				}
				catch (Exception closing) {
					ex.addSuppressed(closing);
				}
				throw ex;
			}
		}

		@TearDown(Level.Trial)
		public void close() throws Exception {
			try {
				if (this.client != null) {
					this.client.close();
				}
			}
			finally {
				this.peer.close();
			}
		}

	}

	@State(Scope.Benchmark)
	public static class AsyncIpcEcho extends AsyncIpcPeer {

		private final byte[] message = new byte[64];

		@Setup(Level.Trial)
		public void setUp() throws Exception {
			open("asyncipc-echo");
		}

		byte[] roundTrip() throws Exception {
			return this.client.exchange(this.message);
		}

		byte[] roundTripSpinning() {
			return this.client.exchangeSpinning(this.message);
		}

	}

	@State(Scope.Benchmark)
	public static class AsyncIpcSink extends AsyncIpcPeer {

		@Param({ "64", "1024" })
		public int size;

		private byte[] message;

		@Setup(Level.Trial)
		public void setUp() throws Exception {
			this.message = new byte[this.size];
			open("asyncipc-sink");
		}

		long sendBatch() throws Exception {
			for (int i = 0; i < BATCH; i++) {
				this.client.send(this.message);
			}
			long count = ByteBuffer.wrap(this.client.exchange(new byte[0])).getLong();
			if (count != BATCH) {
				throw new IllegalStateException("peer counted " + count + " of " + BATCH);
			}
			return count;
		}

	}

	/**
	 * A blocking JDK socket talking to a forked raw peer with the same framing.
	 */
	abstract static class RawPeer {

		ForkedPeer peer;

		SocketChannel channel;

		void open(String mode) throws IOException {
			Path path = UnixSocketAddresses.resolve("bench-raw-" + UUID.randomUUID().toString().substring(0, 8));
			connect(new ForkedPeer(mode, path.toString()), path);
		}

		/**
		 * Connects to a peer that listens on the path; the peer is closed if that fails.
		 */
		void connect(ForkedPeer forked, Path path) throws IOException {
			this.peer = forked;
			try {
				this.channel = SocketChannel.open(StandardProtocolFamily.UNIX);
				this.channel.connect(UnixDomainSocketAddress.of(path));
			}
			catch (IOException | RuntimeException ex) {
				try {
					close();
				}
				catch (Exception closing) {
					ex.addSuppressed(closing);
				}
				throw ex;
			}
		}

		/**
		 * Sends a frame of {@code size} bytes and reads its echo whole.
		 */
		void echo(ByteBuffer frame, ByteBuffer reply, int size) throws IOException {
			frame.clear();
			frame.putInt(size).position(4 + size).flip();
			writeFully(frame);
			reply.clear().limit(4 + size);
			readFully(reply);
		}

		void readFully(ByteBuffer buffer) throws IOException {
			while (buffer.hasRemaining()) {
				if (this.channel.read(buffer) < 0) {
					throw new IOException("peer closed");
				}
			}
		}

		void writeFully(ByteBuffer buffer) throws IOException {
			while (buffer.hasRemaining()) {
				this.channel.write(buffer);
			}
		}

		@TearDown(Level.Trial)
		public void close() throws Exception {
			try {
				if (this.channel != null) {
					this.channel.close();
				}
			}
			finally {
				this.peer.close();
			}
		}

	}

	@State(Scope.Benchmark)
	public static class RawEcho extends RawPeer {

		/** The largest message of a round trip, for the comparison suite. */
		static final int MAX_SIZE = 64 * 1024;

		private final ByteBuffer frame = ByteBuffer.allocateDirect(4 + MAX_SIZE);

		private final ByteBuffer reply = ByteBuffer.allocateDirect(4 + MAX_SIZE);

		@Setup(Level.Trial)
		public void setUp() throws IOException {
			open("raw-echo");
		}

		ByteBuffer roundTrip() throws IOException {
			return roundTrip(64);
		}

		ByteBuffer roundTrip(int size) throws IOException {
			echo(this.frame, this.reply, size);
			return this.reply;
		}

	}

	@State(Scope.Benchmark)
	public static class NioEcho {

		private final byte[] message = new byte[64];

		private ForkedPeer peer;

		private NioFloor.Client client;

		@Setup(Level.Trial)
		public void setUp() throws IOException {
			Path path = UnixSocketAddresses.resolve("bench-nio-" + UUID.randomUUID().toString().substring(0, 8));
			this.peer = new ForkedPeer("nio-echo", path.toString());
			this.client = new NioFloor.Client(path);
		}

		byte[] roundTrip() throws Exception {
			return this.client.exchange(this.message);
		}

		@TearDown(Level.Trial)
		public void close() throws Exception {
			this.client.close();
			this.peer.close();
		}

	}

	/**
	 * A blocking JDK socket that sends batches of one size to a forked raw counting peer, one
	 * write per message, and reads the peer's count at the end of each.
	 */
	abstract static class CountedRawSink extends RawPeer {

		private ByteBuffer frame;

		private final ByteBuffer end = ByteBuffer.allocateDirect(4);

		private final ByteBuffer count = ByteBuffer.allocateDirect(12);

		/**
		 * Returns the size of each message, a JMH parameter of the subclass.
		 * @return the size in bytes
		 */
		abstract int size();

		@Setup(Level.Trial)
		public void setUp() throws IOException {
			this.frame = ByteBuffer.allocateDirect(4 + size());
			open("raw-sink");
		}

		long sendBatch() throws IOException {
			int size = size();
			for (int i = 0; i < BATCH; i++) {
				this.frame.clear();
				this.frame.putInt(size).position(4 + size).flip();
				writeFully(this.frame);
			}
			this.end.clear();
			this.end.putInt(0).flip();
			writeFully(this.end);
			this.count.clear();
			readFully(this.count);
			long received = this.count.getLong(4);
			if (received != BATCH) {
				throw new IllegalStateException("peer counted " + received + " of " + BATCH);
			}
			return received;
		}

	}

	@State(Scope.Benchmark)
	public static class RawSink extends CountedRawSink {

		@Param({ "64", "1024" })
		public int size;

		@Override
		int size() {
			return this.size;
		}

	}

}
