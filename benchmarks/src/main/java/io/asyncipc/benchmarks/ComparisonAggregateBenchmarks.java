package io.asyncipc.benchmarks;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.asyncipc.transport.unix.UnixSocketAddresses;
import io.asyncipc.transport.unix.UnixSocketTransport;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;

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
 * The comparison suite (issue 12), many clients against one server: {@value #TOTAL} messages of
 * 64 bytes spread evenly over 1, 16, 64 or 256 client connections, sent one way to one server in
 * a forked JVM that counts per connection; then every client asks for its count at once and
 * each must equal its share. The score is the time per message of the whole (its inverse is the
 * aggregate throughput). The clients share the JMH JVM, as 256 JVMs would not fit this machine;
 * the server sees 256 connections either way. The benchmark's thread sends each client's share
 * as one burst, one client after the other, as a client process streams its messages; both
 * candidates send asynchronously, so the server has many connections busy at once. (Sending
 * one message to each connection in turn instead would only measure the clients: no client
 * could batch its writes.)
 * <ul>
 * <li>{@code asyncIpc}: AsyncIPC's Unix transport, one client endpoint per connection, against
 * an AsyncIPC server.</li>
 * <li>{@code grpc}: gRPC-java over a Unix domain socket, one channel (connection) per client,
 * all on one event loop group as in one client process, each with one long-lived
 * bidirectional stream: the server counts its messages and answers an empty one with the
 * count; the sender honours flow control.</li>
 * </ul>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ComparisonAggregateBenchmarks {

	/**
	 * Divisible by every number of clients: 160 messages per client at 256. With 10,240 (40 per
	 * client at 256), the count exchange that ends each operation, one request-reply per client,
	 * was most of the time measured at 256 clients, for either candidate.
	 */
	static final int TOTAL = 40_960;

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final byte[] MESSAGE = new byte[64];

	private static final byte[] COUNT = new byte[0];

	@Benchmark
	@OperationsPerInvocation(TOTAL)
	public long asyncIpc(AsyncIpcClients clients) throws Exception {
		return clients.sendAll();
	}

	@Benchmark
	@OperationsPerInvocation(TOTAL)
	public long grpc(GrpcClients clients) throws Exception {
		return clients.sendAll();
	}

	@State(Scope.Benchmark)
	public static class AsyncIpcClients {

		@Param({ "1", "16", "64", "256" })
		public int clients;

		private ForkedPeer peer;

		private final List<ReplyClient> connections = new ArrayList<>();

		@Setup(Level.Trial)
		public void setUp() throws Exception {
			String name = "bench-" + UUID.randomUUID().toString().substring(0, 8);
			this.peer = new ForkedPeer("asyncipc-sinks", name);
			UnixSocketTransport transport = new UnixSocketTransport();
			for (int i = 0; i < this.clients; i++) {
				this.connections.add(new ReplyClient(transport, name, TIMEOUT));
			}
		}

		long sendAll() throws Exception {
			int clients = this.connections.size();
			for (ReplyClient connection : this.connections) {
				for (int i = 0; i < TOTAL / clients; i++) {
					connection.send(MESSAGE);
				}
			}
			List<CompletableFuture<byte[]>> counts = new ArrayList<>(clients);
			for (ReplyClient connection : this.connections) {
				counts.add(connection.exchangeAsync(COUNT));
			}
			for (CompletableFuture<byte[]> count : counts) {
				long counted = ByteBuffer.wrap(count.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).getLong();
				if (counted != TOTAL / clients) {
					throw new IllegalStateException("the server counted " + counted + " of " + TOTAL / clients
							+ " messages of one client");
				}
			}
			return TOTAL;
		}

		@TearDown(Level.Trial)
		public void close() throws Exception {
			for (ReplyClient connection : this.connections) {
				connection.close();
			}
			this.peer.close();
		}

	}

	@State(Scope.Benchmark)
	public static class GrpcClients {

		@Param({ "1", "16", "64", "256" })
		public int clients;

		private ForkedPeer peer;

		private EventLoopGroup group;

		private final List<ManagedChannel> channels = new ArrayList<>();

		private final List<GrpcStream> streams = new ArrayList<>();

		@Setup(Level.Trial)
		public void setUp() throws Exception {
			Path socket = UnixSocketAddresses.resolve("bench-grpc-" + UUID.randomUUID().toString().substring(0, 8));
			this.peer = new ForkedPeer("grpc", socket.toString(), "default");
			this.group = GrpcPeers.eventLoopGroup(0);
			for (int i = 0; i < this.clients; i++) {
				ManagedChannel channel = GrpcPeers.channel(socket, this.group, false);
				this.channels.add(channel);
				GrpcStream stream = new GrpcStream(channel, GrpcPeers.SINK, TIMEOUT);
				this.streams.add(stream);
				// Opens the connection and the stream before the measurement.
				stream.awaitCount(stream.request(COUNT), 0);
			}
		}

		long sendAll() throws Exception {
			int clients = this.streams.size();
			for (GrpcStream stream : this.streams) {
				for (int i = 0; i < TOTAL / clients; i++) {
					stream.send(MESSAGE);
				}
			}
			List<CompletableFuture<byte[]>> counts = new ArrayList<>(clients);
			for (GrpcStream stream : this.streams) {
				counts.add(stream.request(COUNT));
			}
			for (int i = 0; i < clients; i++) {
				this.streams.get(i).awaitCount(counts.get(i), TOTAL / clients);
			}
			return TOTAL;
		}

		@TearDown(Level.Trial)
		public void close() throws Exception {
			for (GrpcStream stream : this.streams) {
				stream.cancel();
			}
			for (ManagedChannel channel : this.channels) {
				channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
			}
			this.group.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
			this.peer.close();
		}

	}

}
