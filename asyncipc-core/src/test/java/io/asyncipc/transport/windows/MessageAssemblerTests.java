package io.asyncipc.transport.windows;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

import io.asyncipc.transport.PipeProtocolException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How pipe messages are put back together from the chunks of {@code ERROR_MORE_DATA} reads:
 * whole, in order, and never from an announced size. Pure Java; runs anywhere.
 */
class MessageAssemblerTests {

	private final MessageAssembler assembler = new MessageAssembler(100);

	@Test
	void aMessageInOneChunkIsReturnedAtOnceAndNothingIsHeld() {
		assertThat(this.assembler.feed(bytes(1, 2, 3), false)).containsExactly(1, 2, 3);
		assertThat(this.assembler.inMessage()).isFalse();
		assertThat(this.assembler.bufferedBytes()).isZero();
		assertThat(this.assembler.heldBytes()).isZero();
	}

	@Test
	void anEmptyMessageIsAMessage() {
		assertThat(this.assembler.feed(new byte[0], false)).isEmpty();
		assertThat(this.assembler.inMessage()).isFalse();
	}

	@Test
	void aZeroByteReadThatFoundAMessageStartsItWithoutHoldingAnything() {
		assertThat(this.assembler.feed(new byte[0], true)).isNull();
		assertThat(this.assembler.inMessage()).isTrue();
		assertThat(this.assembler.heldBytes()).isZero();
		assertThat(this.assembler.feed(bytes(7, 8), false)).containsExactly(7, 8);
		assertThat(this.assembler.inMessage()).isFalse();
	}

	@Test
	void chunksWithMoreDataMakeOneMessage() {
		assertThat(this.assembler.feed(bytes(1, 2), true)).isNull();
		assertThat(this.assembler.feed(bytes(3), true)).isNull();
		assertThat(this.assembler.bufferedBytes()).isEqualTo(3);
		assertThat(this.assembler.feed(bytes(4, 5), false)).containsExactly(1, 2, 3, 4, 5);
		assertThat(this.assembler.bufferedBytes()).isZero();
		assertThat(this.assembler.heldBytes()).isZero();
		assertThat(this.assembler.feed(bytes(6), false)).containsExactly(6);
	}

	@Test
	void theArrayGrowsWithWhatArrivedNotToTheMaximum() {
		MessageAssembler large = new MessageAssembler(16 * 1024 * 1024);
		large.feed(new byte[10], true);
		assertThat(large.heldBytes()).isEqualTo(1024);
		large.feed(new byte[5000], true);
		assertThat(large.bufferedBytes()).isEqualTo(5010);
		assertThat(large.heldBytes()).isEqualTo(5010);
		large.feed(new byte[100], true);
		assertThat(large.heldBytes()).isEqualTo(10020);
		assertThat(large.feed(new byte[0], false)).hasSize(5110);
	}

	@Test
	void theArrayNeverGrowsBeyondTheMaximum() {
		this.assembler.feed(new byte[60], true);
		this.assembler.feed(new byte[1], true);
		assertThat(this.assembler.heldBytes()).isEqualTo(100);
		assertThat(this.assembler.feed(new byte[39], false)).hasSize(100);
	}

	@Test
	void aMessageOfExactlyTheMaximumIsAccepted() {
		assertThat(this.assembler.feed(new byte[100], false)).hasSize(100);
		this.assembler.feed(new byte[50], true);
		assertThat(this.assembler.feed(new byte[50], false)).hasSize(100);
	}

	@Test
	void aMessageThatGrowsBeyondTheMaximumIsRefusedAndDropped() {
		this.assembler.feed(new byte[60], true);
		assertThatExceptionOfType(PipeProtocolException.class)
			.isThrownBy(() -> this.assembler.feed(new byte[41], true))
			.withMessage("peer sent a message of at least 101 bytes, larger than the maximum of 100 bytes; "
					+ "raise asyncipc.max-message-size (PipeOptions.maxMessageSize) on both ends");
		assertThat(this.assembler.inMessage()).isFalse();
		assertThat(this.assembler.heldBytes()).isZero();
	}

	@Test
	void aSingleChunkAboveTheMaximumIsRefused() {
		assertThatExceptionOfType(PipeProtocolException.class)
			.isThrownBy(() -> this.assembler.feed(new byte[101], false))
			.withMessageContaining("at least 101 bytes");
	}

	@Test
	void onlyTheBytesFromPositionToLimitAreTaken() {
		ByteBuffer chunk = ByteBuffer.wrap(bytes(9, 1, 2, 9));
		chunk.position(1).limit(3);
		assertThat(this.assembler.feed(chunk, true)).isNull();
		assertThat(chunk.hasRemaining()).isFalse();
		assertThat(this.assembler.feed(ByteBuffer.wrap(bytes(3)), false)).containsExactly(1, 2, 3);
	}

	@Test
	void anyChunkingGivesTheSameMessage() {
		Random random = new Random(8);
		MessageAssembler large = new MessageAssembler(1 << 20);
		for (int round = 0; round < 200; round++) {
			byte[] message = new byte[random.nextInt(200_000)];
			random.nextBytes(message);
			byte[] result = null;
			int offset = 0;
			do {
				int chunk = Math.min(message.length - offset, random.nextInt(70_000));
				offset += chunk;
				result = large.feed(Arrays.copyOfRange(message, offset - chunk, offset), offset < message.length);
				assertThat(result == null).isEqualTo(offset < message.length);
			}
			while (result == null);
			assertThat(result).isEqualTo(message);
		}
	}

	@Test
	void aNegativeMaximumIsRefused() {
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> new MessageAssembler(-1))
			.withMessage("maxMessageSize must not be negative, got -1");
	}

	private static byte[] bytes(int... values) {
		byte[] bytes = new byte[values.length];
		for (int i = 0; i < values.length; i++) {
			bytes[i] = (byte) values[i];
		}
		return bytes;
	}

}
