package io.asyncipc.transport.windows;

import java.util.function.IntUnaryOperator;

import com.sun.jna.Pointer;

/**
 * Finds the Windows error of a finished operation from what the OS reported.
 * <p>
 * A completion routine of {@code ReadFileEx} is told error 0 when a message was larger
 * than the buffer: kernel32 passes the NT warning {@code STATUS_BUFFER_OVERFLOW} on as
 * success, with the bytes transferred. Only {@code OVERLAPPED.Internal}, which
 * {@code GetOverlappedResult} reads, holds the real status, so the routine's error alone
 * would split such a message in two. Wine reports {@code ERROR_MORE_DATA} to the routine
 * instead, so both answers are taken here.
 */
final class CompletionStatus {

	static final int STATUS_SUCCESS = 0;

	static final int STATUS_BUFFER_OVERFLOW = 0x80000005;

	private CompletionStatus() {
	}

	/**
	 * Returns the error of an operation whose completion routine ran.
	 * @param routineError the error the routine was given
	 * @param overlapped the operation's {@code OVERLAPPED}, as the OS left it
	 * @param ntStatusToError turns other {@code NTSTATUS} values into Windows errors
	 * ({@code RtlNtStatusToDosError})
	 * @return 0, {@code ERROR_MORE_DATA}, or the Windows error
	 */
	static int ofRoutine(int routineError, Pointer overlapped, IntUnaryOperator ntStatusToError) {
		if (routineError != 0) {
			return routineError;
		}
		return ofNtStatus(OverlappedLayout.internalStatus(overlapped), ntStatusToError);
	}

	/**
	 * Turns an {@code NTSTATUS} into the Windows error the transport speaks, as
	 * {@code GetOverlappedResult} does: success and informational statuses are success,
	 * {@code STATUS_BUFFER_OVERFLOW} is {@code ERROR_MORE_DATA}, and every other warning or
	 * error is translated.
	 * @param status the status
	 * @param ntStatusToError turns other {@code NTSTATUS} values into Windows errors
	 * @return 0, {@code ERROR_MORE_DATA}, or the Windows error
	 */
	static int ofNtStatus(int status, IntUnaryOperator ntStatusToError) {
		if (status >= STATUS_SUCCESS) {
			return 0;
		}
		if (status == STATUS_BUFFER_OVERFLOW) {
			return PipeKernel32.ERROR_MORE_DATA;
		}
		return ntStatusToError.applyAsInt(status);
	}

}
