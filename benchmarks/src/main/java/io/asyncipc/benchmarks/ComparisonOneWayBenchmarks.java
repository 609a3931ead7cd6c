package io.asyncipc.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.asyncipc.messaging.PipeTemplate;

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
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

/**
 * The comparison suite (issue 12), one way: a batch of messages of 64 bytes, 1 KiB or 64 KiB to
 * a counting server in a forked JVM, then one exchange that confirms it received all of them;
 * the score is the time per message. Every sender respects its transport's flow control, so
 * that nothing is buffered without bound or dropped.
 * <ul>
 * <li>{@code pipeTemplate}: {@link PipeTemplate#convertAndSendAsync(Object)} of text in a
 * Spring Boot client, counted by a {@code @PipeListener} in a Spring Boot server; at most
 * 16 MiB of sends outstanding (their futures), a quarter of the pipe's queue limit.</li>
 * <li>{@code raw}: a blocking JDK {@code SocketChannel} on a Unix domain socket, one
 * {@code write} per message, against a raw counting peer.</li>
 * <li>{@code grpcClientStreaming}: one client-streaming call of gRPC-java over a Unix domain
 * socket per batch, its server counting; the sender waits while the call is not ready.</li>
 * <li>{@code http}: one {@code POST} per message ({@code 204 No Content}), Spring's
 * {@code RestClient} to a {@code @RestController}, HTTP/1.1 with keep-alive on loopback. HTTP
 * has no one-way message: each one is a request with its response, so its batch is smaller
 * ({@value #HTTP_BATCH}).</li>
 * </ul>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ComparisonOneWayBenchmarks {

	static final int BATCH = 10_000;

	static final int HTTP_BATCH = 1_000;

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	/** How many bytes of sends may be outstanding on the pipe. */
	private static final int OUTSTANDING_BYTES = 16 * 1024 * 1024;

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public long pipeTemplate(SpringSink sink) throws Exception {
		return sink.sendBatch();
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public long raw(RawSink sink) throws IOException {
		return sink.sendBatch();
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public long grpcClientStreaming(GrpcCount count) throws Exception {
		return count.sendBatch();
	}

	@Benchmark
	@OperationsPerInvocation(HTTP_BATCH)
	public long http(HttpSink sink) {
		return sink.sendBatch();
	}

	/**
	 * A Spring Boot client and its forked server, whose listener counts and answers the count
	 * to an empty message.
	 */
	@State(Scope.Benchmark)
	public static class SpringSink {

		@Param({ "64", "1024", "65536" })
		public int size;

		private String message;

		private CompletableFuture<?>[] window;

		private ForkedPeer peer;

		private ConfigurableApplicationContext client;

		private PipeTemplate template;

		private SpringListeners.Replies replies;

		@Setup(Level.Trial)
		public void setUp() throws Exception {
			this.message = ComparisonRoundTripBenchmarks.text(this.size);
			this.window = new CompletableFuture<?>[Math.max(1, OUTSTANDING_BYTES / this.size)];
			String name = "bench-" + UUID.randomUUID().toString().substring(0, 8);
			this.peer = new ForkedPeer("spring-counter", name, "envelope");
			this.client = SpringPipes.start(name, "client", "envelope", SpringListeners.RepliesConfiguration.class);
			SpringPipes.awaitConnected(this.client, TIMEOUT);
			this.template = this.client.getBean(PipeTemplate.class);
			this.replies = this.client.getBean(SpringListeners.Replies.class);
		}

		long sendBatch() throws Exception {
			for (int i = 0; i < BATCH; i++) {
				int slot = i % this.window.length;
				if (this.window[slot] != null) {
					this.window[slot].get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
				}
				this.window[slot] = this.template.convertAndSendAsync(this.message);
			}
			// Only the slots this batch used: for 64 bytes the window has 262,144 (2 to 5 % of the sending thread).
			Arrays.fill(this.window, 0, Math.min(BATCH, this.window.length), null);
			String counted = this.replies.exchange(this.template, "", TIMEOUT);
			if (!counted.equals(Integer.toString(BATCH))) {
				throw new IllegalStateException("the listener counted " + counted + " of " + BATCH + " messages");
			}
			return BATCH;
		}

		@TearDown(Level.Trial)
		public void close() throws Exception {
			this.client.close();
			this.peer.close();
		}

	}

	/**
	 * A blocking JDK socket and its forked raw counting peer.
	 */
	@State(Scope.Benchmark)
	public static class RawSink extends UnixSocketBenchmarks.CountedRawSink {

		@Param({ "64", "1024", "65536" })
		public int size;

		@Override
		int size() {
			return this.size;
		}

	}

	/**
	 * A gRPC channel to a forked server (default executor) whose client-streaming method counts.
	 */
	@State(Scope.Benchmark)
	public static class GrpcCount extends ComparisonRoundTripBenchmarks.GrpcPeer {

		@Param({ "64", "1024", "65536" })
		public int size;

		private byte[] message;

		@Setup(Level.Trial)
		public void setUp() throws Exception {
			this.message = new byte[this.size];
			open("default");
		}

		long sendBatch() throws Exception {
			GrpcStream stream = new GrpcStream(this.channel, GrpcPeers.COUNT, TIMEOUT);
			for (int i = 0; i < BATCH; i++) {
				stream.send(this.message);
			}
			stream.awaitCount(stream.halfClose(), BATCH);
			return BATCH;
		}

	}

	/**
	 * A {@code RestClient} to the forked Spring MVC server, which counts {@code POST}s.
	 */
	@State(Scope.Benchmark)
	public static class HttpSink extends ComparisonRoundTripBenchmarks.Http {

		@Param({ "64", "1024", "65536" })
		public int size;

		private byte[] message;

		@Setup(Level.Trial)
		public void createMessage() {
			this.message = new byte[this.size];
		}

		long sendBatch() {
			RestClient client = this.client;
			for (int i = 0; i < HTTP_BATCH; i++) {
				client.post()
					.uri("/messages")
					.contentType(MediaType.APPLICATION_OCTET_STREAM)
					.body(this.message)
					.retrieve()
					.toBodilessEntity();
			}
			byte[] count = client.get().uri("/messages/count").retrieve().body(byte[].class);
			long counted = ByteBuffer.wrap(count).getLong();
			if (counted != HTTP_BATCH) {
				throw new IllegalStateException("the controller counted " + counted + " of " + HTTP_BATCH);
			}
			return counted;
		}

	}

}
