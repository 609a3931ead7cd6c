package io.asyncipc.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.sun.management.OperatingSystemMXBean;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One-way throughput of 64-byte text messages through the Spring layer, in the envelope format
 * against the raw format, measured in the same run: a {@link PipeTemplate} in a Spring Boot
 * client in the JMH JVM sends a batch with {@code convertAndSendAsync}, and a
 * {@code @PipeListener} in a Spring Boot server in a forked JVM counts them; then one empty
 * message asks the listener for its count, which comes back as its reply and must equal the
 * batch. The score is per message. Both formats take the same path (converter, template,
 * container, registry, listener executor, invocation); the envelope adds its type id
 * ({@code java.lang.String}), its content type, and the codec on both sides.
 * <p>
 * Beside the time, each trial prints the CPU time per message of both processes over its
 * measurement iterations ({@code [cpu]} lines): on a machine shared with other work, where
 * the time moves by tens of percent from run to run, the CPU each side spends on a message
 * still compares the two formats.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EnvelopeBenchmarks {

	static final int BATCH = 10_000;

	/** 64 ASCII characters: 64 bytes of UTF-8. */
	static final String MESSAGE = "0123456789abcdef".repeat(4);

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public long oneWaySpring(SpringSender sender) throws Exception {
		return sender.sendBatch();
	}

	/**
	 * A Spring Boot client whose listener receives the count, and its forked server.
	 */
	@State(Scope.Benchmark)
	public static class SpringSender {

		@Param({ "envelope", "raw" })
		public String format;

		private ForkedPeer peer;

		private ConfigurableApplicationContext client;

		private PipeTemplate template;

		private SpringListeners.Replies replies;

		private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

		private long messages;

		private long senderCpuNanos;

		private long peerCpuNanos;

		private long senderCpuAtStart;

		private Duration peerCpuAtStart;

		@Setup(Level.Trial)
		public void setUp() throws Exception {
			String name = "bench-" + UUID.randomUUID().toString().substring(0, 8);
			this.peer = new ForkedPeer("spring-counter", name, this.format);
			this.client = SpringPipes.start(name, "client", this.format, SpringListeners.RepliesConfiguration.class);
			SpringPipes.awaitConnected(this.client, TIMEOUT);
			this.template = this.client.getBean(PipeTemplate.class);
			this.replies = this.client.getBean(SpringListeners.Replies.class);
		}

		long sendBatch() throws Exception {
			for (int i = 0; i < BATCH; i++) {
				this.template.convertAndSendAsync(MESSAGE);
			}
			String counted = this.replies.exchange(this.template, "", TIMEOUT);
			if (!counted.equals(Integer.toString(BATCH))) {
				throw new IllegalStateException("the listener counted " + counted + " of " + BATCH + " messages");
			}
			this.messages += BATCH;
			return BATCH;
		}

		@Setup(Level.Iteration)
		public void startIteration() {
			this.senderCpuAtStart = this.os.getProcessCpuTime();
			this.peerCpuAtStart = this.peer.cpuTime();
		}

		@TearDown(Level.Iteration)
		public void endIteration(IterationParams iteration) {
			if (iteration.getType() == IterationType.MEASUREMENT) {
				this.senderCpuNanos += this.os.getProcessCpuTime() - this.senderCpuAtStart;
				this.peerCpuNanos += this.peer.cpuTime().minus(this.peerCpuAtStart).toNanos();
			}
			else {
				// Warm-up iterations come first: count only the messages of the measured ones.
				this.messages = 0;
			}
		}

		@TearDown(Level.Trial)
		public void close() throws Exception {
			if (this.messages > 0) {
				System.out.printf("%n[cpu] format=%s: sender %.3f us, peer %.3f us of CPU per message (%d messages)%n",
						this.format, this.senderCpuNanos / 1000.0 / this.messages,
						this.peerCpuNanos / 1000.0 / this.messages, this.messages);
			}
			this.client.close();
			this.peer.close();
		}

	}

}
