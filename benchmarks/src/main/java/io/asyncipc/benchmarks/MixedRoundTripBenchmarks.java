package io.asyncipc.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.asyncipc.transport.unix.UnixSocketAddresses;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Which side of the transport's round trip costs more than raw: an AsyncIPC client (parked,
 * reading its own reply) against the raw blocking echo peer, and a raw blocking client against
 * the AsyncIPC echo peer and against the NIO floor's (a bare selector thread), each beside the
 * raw pair and the AsyncIPC pair of the same run ({@code UnixSocketBenchmarks}).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MixedRoundTripBenchmarks {

	@Benchmark
	public byte[] asyncIpcClientRawServer(AsyncIpcToRaw pair) throws Exception {
		return pair.client.exchange(pair.message);
	}

	@Benchmark
	public ByteBuffer rawClientAsyncIpcServer(RawToAsyncIpc pair) throws IOException {
		return pair.roundTrip();
	}

	@Benchmark
	public ByteBuffer rawClientNioFloorServer(RawToNioFloor pair) throws IOException {
		return pair.roundTrip();
	}

	/**
	 * An AsyncIPC client, parked while it reads its reply, and the raw blocking echo peer.
	 */
	@State(Scope.Benchmark)
	public static class AsyncIpcToRaw extends UnixSocketBenchmarks.AsyncIpcPeer {

		final byte[] message = new byte[64];

		@Setup(Level.Trial)
		public void setUp() throws Exception {
			String name = "bench-mixed-" + UUID.randomUUID().toString().substring(0, 8);
			connect(new ForkedPeer("raw-echo", UnixSocketAddresses.resolve(name).toString()), name);
		}

	}

	/**
	 * A raw blocking client and the AsyncIPC echo peer.
	 */
	@State(Scope.Benchmark)
	public static class RawToAsyncIpc extends RawClient {

		@Setup(Level.Trial)
		public void setUp() throws Exception {
			String name = "bench-mixed-" + UUID.randomUUID().toString().substring(0, 8);
			connect(new ForkedPeer("asyncipc-echo", name), UnixSocketAddresses.resolve(name));
		}

	}

	/**
	 * A raw blocking client and the NIO floor's echo peer: a selector thread and nothing else,
	 * the least a server built on {@code epoll} does.
	 */
	@State(Scope.Benchmark)
	public static class RawToNioFloor extends RawClient {

		@Setup(Level.Trial)
		public void setUp() throws Exception {
			Path path = UnixSocketAddresses.resolve("bench-mixed-" + UUID.randomUUID().toString().substring(0, 8));
			connect(new ForkedPeer("nio-echo", path.toString()), path);
		}

	}

	/**
	 * A blocking JDK socket that sends 64-byte frames and reads their echo.
	 */
	abstract static class RawClient extends UnixSocketBenchmarks.RawPeer {

		private final ByteBuffer frame = ByteBuffer.allocateDirect(4 + 64);

		private final ByteBuffer reply = ByteBuffer.allocateDirect(4 + 64);

		ByteBuffer roundTrip() throws IOException {
			echo(this.frame, this.reply, 64);
			return this.reply;
		}

	}

}
