package io.asyncipc.transport.windows;

import io.asyncipc.transport.DisconnectReason;

/**
 * Names Windows error codes in messages, and tells which of them mean that the peer went away.
 */
final class WindowsErrors {

	private WindowsErrors() {
	}

	static boolean isPeerGone(int error) {
		return error == PipeKernel32.ERROR_BROKEN_PIPE || error == PipeKernel32.ERROR_PIPE_NOT_CONNECTED
				|| error == PipeKernel32.ERROR_NO_DATA;
	}

	static DisconnectReason reasonFor(int error) {
		return isPeerGone(error) ? DisconnectReason.PEER_CLOSED : DisconnectReason.IO_ERROR;
	}

	static String describe(String call, int error) {
		return call + " failed with Windows error " + error + " (" + name(error) + ")";
	}

	private static String name(int error) {
		return switch (error) {
			case PipeKernel32.ERROR_FILE_NOT_FOUND -> "no such pipe: no server is listening";
			case PipeKernel32.ERROR_ACCESS_DENIED -> "access denied";
			case PipeKernel32.ERROR_BROKEN_PIPE -> "the pipe was ended";
			case PipeKernel32.ERROR_SEM_TIMEOUT -> "timed out";
			case PipeKernel32.ERROR_PIPE_BUSY -> "all pipe instances are busy";
			case PipeKernel32.ERROR_NO_DATA -> "the pipe is being closed";
			case PipeKernel32.ERROR_PIPE_NOT_CONNECTED -> "no process is on the other end";
			case PipeKernel32.ERROR_MORE_DATA -> "more data is available";
			case PipeKernel32.ERROR_OPERATION_ABORTED -> "the operation was cancelled";
			case PipeKernel32.ERROR_NO_SYSTEM_RESOURCES -> "not enough system resources";
			default -> "see the Windows system error codes";
		};
	}

}
