package io.asyncipc.transport.windows;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * One overlapped operation: its native {@code OVERLAPPED} and buffer, kept reachable by the
 * I/O thread's table of pending operations until the OS reports the operation complete.
 * Nothing native is freed while the OS may still write to it.
 */
abstract class PipeOperation {

	private static final int EVENT_OFFSET = OverlappedLayout.NATIVE.eventOffset();

	final Memory overlapped = new Memory(OverlappedLayout.NATIVE.overlappedSize());

	Memory buffer;

	PipeOperation() {
		this.overlapped.clear();
	}

	/**
	 * Prepares the {@code OVERLAPPED} for the next use.
	 */
	void reset() {
		Pointer event = event();
		this.overlapped.clear();
		event(event);
	}

	Pointer event() {
		return this.overlapped.getPointer(EVENT_OFFSET);
	}

	void event(Pointer event) {
		this.overlapped.setPointer(EVENT_OFFSET, event);
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

	/**
	 * {@link #completed(int, int)} threw: release what the operation belongs to (close the
	 * connection, or the waiting instance) so that the I/O thread can go on serving the
	 * others. Runs on the I/O thread.
	 * @param failure what was thrown
	 */
	abstract void failed(RuntimeException failure);

	/**
	 * Names the operation and what it belongs to, for logs.
	 * @return for example {@code read on connection 3f2a-1 on pipe 'orders'}
	 */
	abstract String describe();

}
