package io.asyncipc.transport.windows;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * One overlapped operation: its native {@code OVERLAPPED} and buffer, kept reachable by the
 * I/O thread's table of pending operations until the OS reports the operation complete.
 * Nothing native is freed while the OS may still write to it.
 */
abstract class PipeOperation {

	final Memory overlapped = new Memory(PipeKernel32.OVERLAPPED_SIZE);

	Memory buffer;

	PipeOperation() {
		this.overlapped.clear();
	}

	/**
	 * Prepares the {@code OVERLAPPED} for the next use.
	 */
	void reset() {
		Pointer event = this.overlapped.getPointer(PipeKernel32.OVERLAPPED_EVENT_OFFSET);
		this.overlapped.clear();
		this.overlapped.setPointer(PipeKernel32.OVERLAPPED_EVENT_OFFSET, event);
	}

	long address() {
		return Pointer.nativeValue(this.overlapped);
	}

	/**
	 * The OS finished the operation. Runs on the I/O thread.
	 * @param error 0 on success, or the Windows error code
	 * @param bytes the bytes transferred
	 */
	abstract void completed(int error, int bytes);

}
