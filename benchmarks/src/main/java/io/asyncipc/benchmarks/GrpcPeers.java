package io.asyncipc.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

/**
 * gRPC-java over a Unix domain socket (grpc-netty-shaded, epoll), as a team that picks gRPC for
 * two processes on one machine would set it up, for the comparison benchmarks. No protoc: the
 * methods are described by hand with a marshaller of byte arrays, so that gRPC carries exactly
 * the bytes the other candidates carry, with no protobuf encoding on top.
 * <ul>
 * <li>{@link #ECHO}: unary, returns the request.</li>
 * <li>{@link #COUNT}: client streaming, returns how many messages the stream carried (8 bytes).</li>
 * <li>{@link #SINK}: bidirectional streaming, counts messages and, on an empty one, answers
 * with the count (8 bytes) and starts again from zero: a long-lived stream per client, as
 * AsyncIPC's counting peer has a long-lived connection per client.</li>
 * </ul>
 */
final class GrpcPeers {

	static final String SERVICE = "asyncipc.bench.Bytes";

	static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {

		@Override
		public InputStream stream(byte[] value) {
			return new ByteArrayInputStream(value);
		}

		@Override
		public byte[] parse(InputStream stream) {
			try (stream) {
				return stream.readAllBytes();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	};

	static final MethodDescriptor<byte[], byte[]> ECHO = method("Echo", MethodDescriptor.MethodType.UNARY);

	static final MethodDescriptor<byte[], byte[]> COUNT = method("Count", MethodDescriptor.MethodType.CLIENT_STREAMING);

	static final MethodDescriptor<byte[], byte[]> SINK = method("Sink", MethodDescriptor.MethodType.BIDI_STREAMING);

	private GrpcPeers() {
	}

	private static MethodDescriptor<byte[], byte[]> method(String name, MethodDescriptor.MethodType type) {
		return MethodDescriptor.newBuilder(BYTES, BYTES)
			.setType(type)
			.setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
			.build();
	}

	/**
	 * Returns the service: the three methods above.
	 * @return the service definition
	 */
	static ServerServiceDefinition service() {
		return ServerServiceDefinition.builder(SERVICE)
			.addMethod(ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
				response.onNext(request);
				response.onCompleted();
			}))
			.addMethod(COUNT, ServerCalls.asyncClientStreamingCall((response) -> new Counter(response, false)))
			.addMethod(SINK, ServerCalls.asyncBidiStreamingCall((response) -> new Counter(response, true)))
			.build();
	}

	/**
	 * Starts a server on a Unix domain socket.
	 * @param socket the socket's path, deleted first if it exists
	 * @param directExecutor whether calls run on the event loop ({@code directExecutor()}) instead
	 * of gRPC's default executor, a cached thread pool
	 * @return the started server, which {@link RunningServer#close()} stops with its event loops
	 * @throws IOException if it cannot bind
	 */
	static RunningServer startServer(Path socket, boolean directExecutor) throws IOException {
		Files.deleteIfExists(socket);
		EventLoopGroup boss = eventLoopGroup(1);
		EventLoopGroup workers = eventLoopGroup(0);
		NettyServerBuilder builder = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
			.channelType(EpollServerDomainSocketChannel.class)
			.bossEventLoopGroup(boss)
			.workerEventLoopGroup(workers)
			.addService(service());
		if (directExecutor) {
			builder.directExecutor();
		}
		return new RunningServer(builder.build().start(), boss, workers);
	}

	/**
	 * Creates a channel to a server on a Unix domain socket.
	 * @param socket the socket's path
	 * @param group the event loop group of the channel, shared by the channels of one client process
	 * @param directExecutor whether the call's callbacks run on the event loop
	 * @return the channel
	 */
	static ManagedChannel channel(Path socket, EventLoopGroup group, boolean directExecutor) {
		NettyChannelBuilder builder = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
			.channelType(EpollDomainSocketChannel.class, DomainSocketAddress.class)
			.eventLoopGroup(group)
			.usePlaintext();
		if (directExecutor) {
			builder.directExecutor();
		}
		return builder.build();
	}

	/**
	 * Creates an epoll event loop group.
	 * @param threads the number of threads, or 0 for Netty's default (twice the CPUs)
	 * @return the group
	 */
	static EventLoopGroup eventLoopGroup(int threads) {
		return new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
	}

	/**
	 * A started server and the event loops it was given, whose threads would otherwise keep its
	 * JVM alive.
	 */
	record RunningServer(Server server, EventLoopGroup boss, EventLoopGroup workers) implements AutoCloseable {

		@Override
		public void close() throws InterruptedException {
			this.server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
			this.boss.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
			this.workers.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
		}

	}

	static byte[] count(long count) {
		return ByteBuffer.allocate(8).putLong(count).array();
	}

	/**
	 * The server's side of {@link #COUNT} and {@link #SINK}. gRPC delivers the messages of one
	 * call one at a time.
	 */
	private static final class Counter implements StreamObserver<byte[]> {

		private final StreamObserver<byte[]> response;

		private final boolean answerEmpty;

		private long count;

		Counter(StreamObserver<byte[]> response, boolean answerEmpty) {
			this.response = response;
			this.answerEmpty = answerEmpty;
		}

		@Override
		public void onNext(byte[] message) {
			if (this.answerEmpty && message.length == 0) {
				this.response.onNext(count(this.count));
				this.count = 0;
			}
			else {
				this.count++;
			}
		}

		@Override
		public void onError(Throwable error) {
			// The client went away: nothing to answer.
		}

		@Override
		public void onCompleted() {
			if (!this.answerEmpty) {
				this.response.onNext(count(this.count));
			}
			this.response.onCompleted();
		}

	}

}
