package io.asyncipc.transport.windows;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * Where the fields of {@code OVERLAPPED} and {@code OVERLAPPED_ENTRY} lie, for the pointer
 * size of the JVM, so that nothing assumes 64-bit Windows.
 * <pre>
 * OVERLAPPED        Internal, InternalHigh (ULONG_PTR); Offset, OffsetHigh (two DWORDs, in a
 *                   union with a PVOID, so 8 bytes either way); hEvent (HANDLE)
 * OVERLAPPED_ENTRY  lpCompletionKey (ULONG_PTR), lpOverlapped (pointer), Internal (ULONG_PTR),
 *                   dwNumberOfBytesTransferred (DWORD), padded to pointer alignment
 * </pre>
 *
 * @param overlappedSize {@code sizeof(OVERLAPPED)}
 * @param eventOffset offset of {@code OVERLAPPED.hEvent}
 * @param entrySize {@code sizeof(OVERLAPPED_ENTRY)}
 * @param entryOverlappedOffset offset of {@code OVERLAPPED_ENTRY.lpOverlapped}
 * @param entryInternalOffset offset of {@code OVERLAPPED_ENTRY.Internal}, the NTSTATUS
 * @param entryBytesOffset offset of {@code OVERLAPPED_ENTRY.dwNumberOfBytesTransferred}
 */
record OverlappedLayout(int overlappedSize, int eventOffset, int entrySize, int entryOverlappedOffset,
		int entryInternalOffset, int entryBytesOffset) {

	/** The layout of this JVM. */
	static final OverlappedLayout NATIVE = of(Native.POINTER_SIZE);

	/**
	 * Computes the layout for a pointer size.
	 * @param pointerSize 4 or 8
	 * @return the layout
	 */
	static OverlappedLayout of(int pointerSize) {
		if (pointerSize != 4 && pointerSize != 8) {
			throw new IllegalArgumentException("pointer size must be 4 or 8 bytes, got " + pointerSize);
		}
		int offsetUnion = Math.max(2 * Integer.BYTES, pointerSize);
		int eventOffset = 2 * pointerSize + offsetUnion;
		int entryBytesOffset = 3 * pointerSize;
		int entrySize = align(entryBytesOffset + Integer.BYTES, pointerSize);
		return new OverlappedLayout(eventOffset + pointerSize, eventOffset, entrySize, pointerSize, 2 * pointerSize,
				entryBytesOffset);
	}

	/**
	 * Reads the status that the OS stored in {@code OVERLAPPED.Internal}: an {@code NTSTATUS},
	 * which is the low 32 bits of that {@code ULONG_PTR} on little-endian Windows.
	 * @param overlapped the {@code OVERLAPPED}
	 * @return the {@code NTSTATUS}
	 */
	static int internalStatus(Pointer overlapped) {
		return overlapped.getInt(0);
	}

	private static int align(int size, int alignment) {
		return (size + alignment - 1) / alignment * alignment;
	}

}
