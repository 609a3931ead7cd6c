package io.asyncipc.transport.windows;

import java.util.function.IntUnaryOperator;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a completion routine's result is read, with {@code OVERLAPPED}s in native memory
 * written the way the OS leaves them: {@code Internal} holds the {@code NTSTATUS},
 * {@code InternalHigh} the bytes transferred. Runs anywhere; no Windows call is made. The
 * NTSTATUS translation is a table of the two values used here, as
 * {@code RtlNtStatusToDosError} maps them.
 */
class CompletionStatusTests {

	private static final int STATUS_PIPE_BROKEN = 0xC000014B;

	private static final int STATUS_CANCELLED = 0xC0000120;

	private static final IntUnaryOperator NT_STATUS_TO_ERROR = (status) -> switch (status) {
		case STATUS_PIPE_BROKEN -> PipeKernel32.ERROR_BROKEN_PIPE;
		case STATUS_CANCELLED -> PipeKernel32.ERROR_OPERATION_ABORTED;
		default -> throw new AssertionError("unexpected NTSTATUS 0x" + Integer.toHexString(status));
	};

	@Test
	void windowsReportsAMessageLargerThanTheBufferAsSuccessWithTheOverflowInInternal() {
		Memory overlapped = completed(CompletionStatus.STATUS_BUFFER_OVERFLOW, 65536);
		assertThat(CompletionStatus.ofRoutine(0, overlapped, NT_STATUS_TO_ERROR))
			.isEqualTo(PipeKernel32.ERROR_MORE_DATA);
	}

	@Test
	void wineReportsAMessageLargerThanTheBufferAsMoreData() {
		Memory overlapped = completed(CompletionStatus.STATUS_BUFFER_OVERFLOW, 65536);
		assertThat(CompletionStatus.ofRoutine(PipeKernel32.ERROR_MORE_DATA, overlapped, NT_STATUS_TO_ERROR))
			.isEqualTo(PipeKernel32.ERROR_MORE_DATA);
	}

	@Test
	void aWholeMessageIsSuccess() {
		Memory overlapped = completed(CompletionStatus.STATUS_SUCCESS, 42);
		assertThat(CompletionStatus.ofRoutine(0, overlapped, NT_STATUS_TO_ERROR)).isZero();
	}

	@Test
	void anErrorGivenToTheRoutineIsKept() {
		Memory overlapped = completed(STATUS_PIPE_BROKEN, 0);
		assertThat(CompletionStatus.ofRoutine(PipeKernel32.ERROR_BROKEN_PIPE, overlapped, NT_STATUS_TO_ERROR))
			.isEqualTo(PipeKernel32.ERROR_BROKEN_PIPE);
	}

	@Test
	void anErrorStatusBehindASuccessfulRoutineIsTranslated() {
		Memory overlapped = completed(STATUS_CANCELLED, 0);
		assertThat(CompletionStatus.ofRoutine(0, overlapped, NT_STATUS_TO_ERROR))
			.isEqualTo(PipeKernel32.ERROR_OPERATION_ABORTED);
	}

	@Test
	void completionPortStatusesAreReadTheWayGetOverlappedResultReadsThem() {
		assertThat(CompletionStatus.ofNtStatus(CompletionStatus.STATUS_SUCCESS, NT_STATUS_TO_ERROR)).isZero();
		assertThat(CompletionStatus.ofNtStatus(CompletionStatus.STATUS_BUFFER_OVERFLOW, NT_STATUS_TO_ERROR))
			.isEqualTo(PipeKernel32.ERROR_MORE_DATA);
		assertThat(CompletionStatus.ofNtStatus(STATUS_PIPE_BROKEN, NT_STATUS_TO_ERROR))
			.isEqualTo(PipeKernel32.ERROR_BROKEN_PIPE);
	}

	/**
	 * An {@code OVERLAPPED} as the OS leaves it: the 32-bit {@code NTSTATUS} in the
	 * pointer-sized {@code Internal}, the byte count in {@code InternalHigh}.
	 */
	private static Memory completed(int status, int bytes) {
		Memory overlapped = new Memory(OverlappedLayout.NATIVE.overlappedSize());
		overlapped.clear();
		overlapped.setInt(0, status);
		if (Native.POINTER_SIZE == 8) {
			overlapped.setLong(8, bytes);
		}
		else {
			overlapped.setInt(4, bytes);
		}
		return overlapped;
	}

}
