package io.asyncipc.benchmarks;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.transport.unix.UnixSocketAddresses;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.stub.ClientCalls;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

/**
 * The comparison suite (issue 12), request-reply: the round trip of one request of 64 bytes or
 * 4 KiB to a server in a forked JVM that returns it, against what users pick instead, measured
 * in the same run. Sample mode, so that medians can be quoted; {@code benchmarks/run-comparison}
 * runs it in the three placements and reports each figure's overhead over {@code raw}.
 * <ul>
 * <li>{@code asyncIpc}: {@link PipeTemplate#convertSendAndReceive(Object, Class, Duration)} with
 * the caller parked, a Spring Boot client against a {@code @PipeListener} that returns the
 * text (the state of {@link RequestReplyBenchmarks}).</li>
 * <li>{@code raw}: a blocking JDK {@code SocketChannel} on a Unix domain socket against a raw
 * echo peer, a 4-byte length before the bytes (the state of {@link UnixSocketBenchmarks}).</li>
 * <li>{@code grpc}: a blocking unary call of gRPC-java over a Unix domain socket
 * ({@link GrpcPeers}), with the server's calls on gRPC's default executor or on the event loop
 * ({@code executor=direct}, also set on the client's channel).</li>
 * <li>{@code http}: Spring's {@code RestClient} on the JDK's {@code HttpClient}, HTTP/1.1 with
 * keep-alive on loopback, against a {@code @RestController} in Spring Boot's embedded Tomcat
 * ({@link HttpPeer}).</li>
 * </ul>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ComparisonRoundTripBenchmarks {

	static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Benchmark
	public String asyncIpc(RequestReplyBenchmarks.SpringRequester requester, Payload payload) {
		return requester.template.convertSendAndReceive(payload.text, String.class, TIMEOUT);
	}

	@Benchmark
	public ByteBuffer raw(UnixSocketBenchmarks.RawEcho echo, Payload payload) throws Exception {
		return echo.roundTrip(payload.size);
	}

	@Benchmark
	public byte[] grpc(GrpcEcho echo, Payload payload) {
		return ClientCalls.blockingUnaryCall(echo.channel, GrpcPeers.ECHO,
				CallOptions.DEFAULT.withDeadlineAfter(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), payload.bytes);
	}

	@Benchmark
	public byte[] http(Http http, Payload payload) {
		return http.client.post()
			.uri("/echo")
			.contentType(MediaType.APPLICATION_OCTET_STREAM)
			.body(payload.bytes)
			.retrieve()
			.body(byte[].class);
	}

	/**
	 * The request: {@code size} bytes, or {@code size} ASCII characters for the Spring layer.
	 */
	@State(Scope.Benchmark)
	public static class Payload {

		@Param({ "64", "4096" })
		public int size;

		String text;

		byte[] bytes;

		@Setup(Level.Trial)
		public void setUp() {
			this.text = text(this.size);
			this.bytes = new byte[this.size];
		}

	}

	/**
	 * Returns {@code size} ASCII characters: {@code size} bytes of UTF-8.
	 * @param size the length
	 * @return the text
	 */
	static String text(int size) {
		StringBuilder text = new StringBuilder(size);
		for (int i = 0; i < size; i++) {
			text.append((char) ('a' + i % 26));
		}
		return text.toString();
	}

	/**
	 * A gRPC channel to a server in a forked JVM, on a Unix domain socket.
	 */
	abstract static class GrpcPeer {

		ForkedPeer peer;

		EventLoopGroup group;

		ManagedChannel channel;

		void open(String executor) throws Exception {
			Path socket = UnixSocketAddresses.resolve("bench-grpc-" + UUID.randomUUID().toString().substring(0, 8));
			this.peer = new ForkedPeer("grpc", socket.toString(), executor);
			this.group = GrpcPeers.eventLoopGroup(0);
			this.channel = GrpcPeers.channel(socket, this.group, executor.equals("direct"));
			// Connects before the measurement: a channel connects on its first call.
			ClientCalls.blockingUnaryCall(this.channel, GrpcPeers.ECHO, CallOptions.DEFAULT
				.withDeadlineAfter(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), new byte[0]);
		}

		@TearDown(Level.Trial)
		public void close() throws Exception {
			this.channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
			this.group.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
			this.peer.close();
		}

	}

	@State(Scope.Benchmark)
	public static class GrpcEcho extends GrpcPeer {

		@Param({ "default", "direct" })
		public String executor;

		@Setup(Level.Trial)
		public void setUp() throws Exception {
			open(this.executor);
		}

	}

	/**
	 * A {@code RestClient} to the Spring MVC server of {@link HttpPeer} in a forked JVM.
	 */
	@State(Scope.Benchmark)
	public static class Http {

		ForkedPeer peer;

		RestClient client;

		@Setup(Level.Trial)
		public void setUp() throws Exception {
			this.peer = new ForkedPeer("http", "-");
			this.client = HttpPeer.client(Integer.parseInt(this.peer.ready()));
			// Connects (and lets Spring MVC initialize its servlet) before the measurement.
			this.client.get().uri("/messages/count").retrieve().body(byte[].class);
		}

		@TearDown(Level.Trial)
		public void close() throws Exception {
			this.peer.close();
		}

	}

}
