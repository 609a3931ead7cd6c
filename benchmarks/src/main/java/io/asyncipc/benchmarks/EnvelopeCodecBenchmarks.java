package io.asyncipc.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.asyncipc.messaging.envelope.Envelope;
import io.asyncipc.messaging.envelope.EnvelopeCodec;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The envelope codec alone, in one thread, on the envelope that {@link EnvelopeBenchmarks}
 * sends: 64 bytes of text with the content type and type id that {@code PipeTemplate} gives a
 * {@code String}. It tells how much of the envelope's cost in the Spring layer is the codec's:
 * compare it with the time per message there.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class EnvelopeCodecBenchmarks {

	private final EnvelopeCodec codec = new EnvelopeCodec();

	private final Envelope envelope = Envelope.builder()
		.contentType("text/plain;charset=UTF-8")
		.typeId(String.class.getName())
		.payload(EnvelopeBenchmarks.MESSAGE.getBytes(StandardCharsets.UTF_8))
		.build();

	private final byte[] encoded = this.codec.encode(this.envelope);

	@Benchmark
	public byte[] encode() {
		return this.codec.encode(this.envelope);
	}

	@Benchmark
	public Envelope decode() {
		return this.codec.decode(this.encoded);
	}

}
