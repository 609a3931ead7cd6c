package io.asyncipc.transport.windows;

import com.sun.jna.Native;
import com.sun.jna.win32.StdCallLibrary;

/**
 * Turns the {@code NTSTATUS} that {@code GetQueuedCompletionStatusEx} reports per entry into
 * the Windows error code the rest of the transport speaks.
 */
interface PipeNtdll extends StdCallLibrary {

	PipeNtdll INSTANCE = Native.load("ntdll", PipeNtdll.class);

	int RtlNtStatusToDosError(int status);

}
