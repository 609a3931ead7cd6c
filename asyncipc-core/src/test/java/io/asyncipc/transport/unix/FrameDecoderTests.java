package io.asyncipc.transport.unix;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import io.asyncipc.transport.PipeProtocolException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class FrameDecoderTests {

	private final FrameDecoder decoder = new FrameDecoder(1024);

	private final List<byte[]> messages = new ArrayList<>();

	@Test
	void decodesSeveralFramesFromOneBuffer() {
		ByteBuffer buffer = frames(new byte[] { 1, 0, 2 }, new byte[0], new byte[] { 0 });
		this.decoder.decode(buffer, this.messages::add);
		assertThat(this.messages).containsExactly(new byte[] { 1, 0, 2 }, new byte[0], new byte[] { 0 });
		assertThat(this.decoder.isMidFrame()).isFalse();
	}

	@Test
	void decodesFramesFedOneByteAtATime() {
		ByteBuffer all = frames("hello".getBytes(), new byte[0], "world".getBytes());
		while (all.hasRemaining()) {
			this.decoder.decode(ByteBuffer.wrap(new byte[] { all.get() }), this.messages::add);
		}
		assertThat(this.messages).containsExactly("hello".getBytes(), new byte[0], "world".getBytes());
	}

	@Test
	void reportsAPartialFrame() {
		ByteBuffer buffer = ByteBuffer.allocate(7).putInt(10).put(new byte[] { 1, 2, 3 }).flip();
		this.decoder.decode(buffer, this.messages::add);
		assertThat(this.decoder.isMidFrame()).isTrue();
		assertThat(this.decoder.describePartialFrame()).isEqualTo("3 of 10 payload bytes");
		assertThat(this.messages).isEmpty();
	}

	@Test
	void refusesAFrameAboveTheMaximumBeforeAllocatingIt() {
		ByteBuffer buffer = ByteBuffer.allocate(4).putInt(1025).flip();
		assertThatExceptionOfType(PipeProtocolException.class)
			.isThrownBy(() -> this.decoder.decode(buffer, this.messages::add))
			.withMessageContaining("1025 bytes")
			.withMessageContaining("maximum of 1024")
			.withMessageContaining("asyncipc.max-message-size");
	}

	@Test
	void refusesANegativeLength() {
		ByteBuffer buffer = ByteBuffer.allocate(4).putInt(-1).flip();
		assertThatExceptionOfType(PipeProtocolException.class)
			.isThrownBy(() -> this.decoder.decode(buffer, this.messages::add))
			.withMessageContaining("negative length -1");
	}

	@Test
	void acceptsAFrameOfExactlyTheMaximum() {
		this.decoder.decode(frames(new byte[1024]), this.messages::add);
		assertThat(this.messages).singleElement().satisfies((message) -> assertThat(message).hasSize(1024));
	}

	@Test
	void aLargeFrameGrowsWithWhatArrivedNotWithWhatWasAnnounced() {
		FrameDecoder large = new FrameDecoder(16 * 1024 * 1024);
		large.decode(ByteBuffer.allocate(5).putInt(16 * 1024 * 1024).put((byte) 7).flip(), this.messages::add);
		assertThat(large.bufferedBytes()).as("after 1 of 16 MiB").isLessThanOrEqualTo(1024);
		byte[] payload = new byte[16 * 1024 * 1024];
		new java.util.Random(7).nextBytes(payload);
		payload[0] = 7;
		int position = 1;
		while (position < payload.length) {
			int chunk = Math.min(64 * 1024, payload.length - position);
			large.decode(ByteBuffer.wrap(payload, position, chunk), this.messages::add);
			position += chunk;
			if (position < payload.length) {
				assertThat(large.bufferedBytes()).as("held after %d bytes", position).isLessThanOrEqualTo(2L * position);
			}
		}
		assertThat(this.messages).singleElement().satisfies((message) -> assertThat(message).isEqualTo(payload));
		assertThat(large.bufferedBytes()).isZero();
	}

	static ByteBuffer frames(byte[]... payloads) {
		int size = 0;
		for (byte[] payload : payloads) {
			size += 4 + payload.length;
		}
		ByteBuffer buffer = ByteBuffer.allocate(size);
		for (byte[] payload : payloads) {
			buffer.putInt(payload.length).put(payload);
		}
		return buffer.flip();
	}

}
