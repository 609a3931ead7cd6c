package io.asyncipc.transport.windows;

import java.io.ByteArrayOutputStream;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.asyncipc.transport.PipeProtocolException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the reassembly of Windows pipe messages from the chunks that reads return, against a
 * model: the chunks of a message, concatenated, are the message; one above the maximum is
 * refused, and nothing is held afterwards; the array held is never much more than what
 * arrived. Pure Java, so it runs on Linux, in the replay of the committed inputs by
 * {@code ./mvnw verify} and in {@code .ci/fuzz}.
 * <p>How the fuzzer's bytes are used: the last 3 bytes are the maximum message size (1 to
 * 1 MiB); then, per chunk, a length (up to 64 KiB) and whether more of the message follows, taken
 * from the end, and the chunk's bytes from the start.
 */
class MessageAssemblerFuzzTests {

	private static final int MAX_MESSAGE_SIZE_LIMIT = 1 << 20;

	private static final int CHUNK_LIMIT = 64 * 1024;

	/** The first array of a message that spans chunks. */
	private static final int FIRST_ARRAY = 1024;

	@FuzzTest
	void reassemblesAnyChunking(FuzzedDataProvider data) {
		int maxMessageSize = data.consumeInt(1, MAX_MESSAGE_SIZE_LIMIT);
		MessageAssembler assembler = new MessageAssembler(maxMessageSize);
		ByteArrayOutputStream expected = new ByteArrayOutputStream();
		while (data.remainingBytes() > 0) {
			int length = data.consumeInt(0, CHUNK_LIMIT);
			boolean more = data.consumeBoolean();
			byte[] chunk = data.consumeBytes(length);
			expected.write(chunk, 0, chunk.length);
			byte[] message;
			try {
				message = assembler.feed(chunk, more);
			}
			catch (PipeProtocolException ex) {
				assertThat(expected.size()).as("size when refused").isGreaterThan(maxMessageSize);
				assertThat(ex).hasMessageContaining("larger than the maximum of " + maxMessageSize);
				assertThat(assembler.heldBytes()).as("held after a refusal").isZero();
				assertThat(assembler.inMessage()).isFalse();
				return;
			}
			assertThat(expected.size()).as("size of an accepted message or part").isLessThanOrEqualTo(maxMessageSize);
			if (more) {
				assertThat(message).isNull();
				assertThat(assembler.inMessage()).isTrue();
				assertThat(assembler.bufferedBytes()).isEqualTo(expected.size());
				assertThat(assembler.heldBytes()).as("array held after %s bytes", expected.size())
					.isLessThanOrEqualTo(Math.max(2 * expected.size(), FIRST_ARRAY))
					.isLessThanOrEqualTo(Math.max(maxMessageSize, FIRST_ARRAY));
			}
			else {
				assertThat(message).isEqualTo(expected.toByteArray());
				assertThat(assembler.inMessage()).isFalse();
				assertThat(assembler.heldBytes()).as("held between messages").isZero();
				expected.reset();
			}
		}
	}

}
