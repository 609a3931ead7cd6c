package io.asyncipc.benchmarks;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.asyncipc.messaging.PipeTemplate;

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
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The round trip of one 64-byte request through the Spring layer against a raw JDK socket
 * ping-pong, measured in the same run. Sample mode, so that medians can be quoted.
 * <ul>
 * <li>{@code roundTripConvertSendAndReceive}: {@link PipeTemplate#convertSendAndReceive(Object, Class)}
 * in a Spring Boot client sends a 64-character {@code String} with a correlation id, and waits
 * parked for the reply; a {@code @PipeListener} in a Spring Boot server in a forked JVM returns
 * the request as its reply.</li>
 * <li>{@code roundTripSpringListenerReply}: the same exchange without request-reply, to show
 * what the correlation costs: {@code convertAndSendAsync} sends the text, the server's
 * listener returns it as an ordinary message, and a listener of the client hands it to the
 * caller, which waits parked. No correlation id: there is one request at a time.</li>
 * <li>{@code roundTripRawSocket}: a blocking {@code SocketChannel} on a Unix domain socket
 * ({@code UnixDomainSocketAddress}) writes 64 bytes behind a 4-byte length, and a forked raw
 * peer with the same framing writes them back ({@link UnixSocketBenchmarks.RawEcho}).</li>
 * </ul>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RequestReplyBenchmarks {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Benchmark
	public String roundTripConvertSendAndReceive(SpringRequester requester) {
		return requester.template.convertSendAndReceive(EnvelopeBenchmarks.MESSAGE, String.class, TIMEOUT);
	}

	@Benchmark
	public String roundTripSpringListenerReply(SpringRequester requester) throws Exception {
		return requester.replies.exchange(requester.template, EnvelopeBenchmarks.MESSAGE, TIMEOUT);
	}

	@Benchmark
	public ByteBuffer roundTripRawSocket(UnixSocketBenchmarks.RawEcho echo) throws Exception {
		return echo.roundTrip();
	}

	/**
	 * A Spring Boot client of the envelope format, and its forked Spring Boot server whose
	 * listener returns each request as its reply.
	 */
	@State(Scope.Benchmark)
	public static class SpringRequester {

		/**
		 * How long the caller may spin for its reply before it parks ({@link PipeTemplate#setReplySpin}):
		 * {@code default}, or a duration such as {@code PT0S} (park at once) to compare with.
		 */
		@Param({ "default" })
		public String replySpin;

		private ForkedPeer peer;

		private ConfigurableApplicationContext client;

		PipeTemplate template;

		SpringListeners.Replies replies;

		@Setup(Level.Trial)
		public void setUp() throws Exception {
			String name = "bench-" + UUID.randomUUID().toString().substring(0, 8);
			this.peer = new ForkedPeer("spring-echo", name, "envelope");
			this.client = SpringPipes.start(name, "client", "envelope", SpringListeners.RepliesConfiguration.class);
			SpringPipes.awaitConnected(this.client, TIMEOUT);
			this.template = this.client.getBean(PipeTemplate.class);
			if (!"default".equals(this.replySpin)) {
				this.template.setReplySpin(Duration.parse(this.replySpin));
			}
			this.replies = this.client.getBean(SpringListeners.Replies.class);
		}

		@TearDown(Level.Trial)
		public void close() throws Exception {
			this.client.close();
			this.peer.close();
		}

	}

}
