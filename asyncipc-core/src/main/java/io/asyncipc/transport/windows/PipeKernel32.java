package io.asyncipc.transport.windows;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import com.sun.jna.win32.StdCallLibrary;
import com.sun.jna.win32.W32APIOptions;

/**
 * The kernel32 functions the named-pipe transport needs, declared here rather than taken
 * from jna-platform: its {@code ReadFile} and {@code WriteFile} take {@code byte[]}, which is
 * only valid during the call and so unsafe for overlapped I/O, and it lacks most of the rest.
 * Buffers and {@code OVERLAPPED}s are native {@link com.sun.jna.Memory} that the caller keeps
 * reachable until the operation completes. Functions with A and W variants bind to the W
 * variant ({@code UNICODE_OPTIONS}), whatever {@code w32.ascii} says, since names are
 * passed as {@link WString}. Structure layouts are in {@link OverlappedLayout}.
 * <p>
 * {@code DisconnectNamedPipe} is left out on purpose: it discards what the peer has not read
 * yet, and instances are never reused, so {@code CloseHandle} is all a close needs.
 */
interface PipeKernel32 extends StdCallLibrary {

	/**
	 * Returns kernel32, loaded on first use. It is loaded in a holder, not in a field of this
	 * interface, so that implementing the interface (a test's recording fake) loads nothing.
	 * @return the library
	 */
	static PipeKernel32 instance() {
		return Loaded.INSTANCE;
	}

	int PIPE_ACCESS_DUPLEX = 0x00000003;

	int FILE_FLAG_OVERLAPPED = 0x40000000;

	int FILE_FLAG_FIRST_PIPE_INSTANCE = 0x00080000;

	int PIPE_TYPE_MESSAGE = 0x00000004;

	int PIPE_READMODE_MESSAGE = 0x00000002;

	int PIPE_WAIT = 0x00000000;

	int PIPE_REJECT_REMOTE_CLIENTS = 0x00000008;

	int PIPE_UNLIMITED_INSTANCES = 255;

	int GENERIC_READ = 0x80000000;

	int GENERIC_WRITE = 0x40000000;

	int OPEN_EXISTING = 3;

	int SECURITY_SQOS_PRESENT = 0x00100000;

	int SECURITY_IDENTIFICATION = 0x00010000;

	int PROCESS_QUERY_LIMITED_INFORMATION = 0x1000;

	int THREAD_TERMINATE = 0x0001;

	int THREAD_SET_CONTEXT = 0x0010;

	int INFINITE = -1;

	int WAIT_TIMEOUT = 258;

	int WAIT_IO_COMPLETION = 0xC0;

	int WAIT_FAILED = -1;

	int ERROR_FILE_NOT_FOUND = 2;

	int ERROR_ACCESS_DENIED = 5;

	int ERROR_BROKEN_PIPE = 109;

	int ERROR_SEM_TIMEOUT = 121;

	int ERROR_INSUFFICIENT_BUFFER = 122;

	int ERROR_PIPE_BUSY = 231;

	int ERROR_NO_DATA = 232;

	int ERROR_PIPE_NOT_CONNECTED = 233;

	int ERROR_MORE_DATA = 234;

	int ERROR_PIPE_CONNECTED = 535;

	int ERROR_OPERATION_ABORTED = 995;

	int ERROR_IO_PENDING = 997;

	int ERROR_NO_SYSTEM_RESOURCES = 1450;

	HANDLE CreateNamedPipe(WString name, int openMode, int pipeMode, int maxInstances, int outBufferSize,
			int inBufferSize, int defaultTimeout, Pointer securityAttributes);

	boolean ConnectNamedPipe(HANDLE pipe, Pointer overlapped);

	HANDLE CreateFile(WString name, int access, int shareMode, Pointer securityAttributes, int creation, int flags,
			HANDLE template);

	boolean WaitNamedPipe(WString name, int timeout);

	boolean SetNamedPipeHandleState(HANDLE pipe, IntByReference mode, Pointer maxCollectionCount,
			Pointer collectDataTimeout);

	boolean PeekNamedPipe(HANDLE pipe, Pointer buffer, int bufferSize, IntByReference bytesRead,
			IntByReference totalBytesAvailable, IntByReference bytesLeftThisMessage);

	boolean GetNamedPipeClientProcessId(HANDLE pipe, IntByReference processId);

	boolean GetNamedPipeServerProcessId(HANDLE pipe, IntByReference processId);

	boolean ReadFile(HANDLE file, Pointer buffer, int length, Pointer bytesRead, Pointer overlapped);

	boolean WriteFile(HANDLE file, Pointer buffer, int length, Pointer bytesWritten, Pointer overlapped);

	boolean ReadFileEx(HANDLE file, Pointer buffer, int length, Pointer overlapped, CompletionRoutine routine);

	boolean WriteFileEx(HANDLE file, Pointer buffer, int length, Pointer overlapped, CompletionRoutine routine);

	boolean GetOverlappedResult(HANDLE file, Pointer overlapped, IntByReference bytesTransferred, boolean wait);

	boolean CancelIoEx(HANDLE file, Pointer overlapped);

	boolean CancelSynchronousIo(HANDLE thread);

	boolean FlushFileBuffers(HANDLE file);

	HANDLE CreateIoCompletionPort(HANDLE file, HANDLE existingPort, Pointer completionKey, int concurrentThreads);

	boolean GetQueuedCompletionStatus(HANDLE port, IntByReference bytesTransferred, PointerByReference completionKey,
			PointerByReference overlapped, int timeout);

	boolean GetQueuedCompletionStatusEx(HANDLE port, Pointer entries, int count, IntByReference removed, int timeout,
			boolean alertable);

	boolean PostQueuedCompletionStatus(HANDLE port, int bytesTransferred, Pointer completionKey, Pointer overlapped);

	HANDLE CreateEvent(Pointer securityAttributes, boolean manualReset, boolean initialState, WString name);

	int WaitForMultipleObjectsEx(int count, Pointer[] handles, boolean waitAll, int timeout, boolean alertable);

	int SleepEx(int timeout, boolean alertable);

	int QueueUserAPC(ApcRoutine routine, HANDLE thread, Pointer data);

	HANDLE OpenThread(int access, boolean inheritHandle, int threadId);

	HANDLE OpenProcess(int access, boolean inheritHandle, int processId);

	HANDLE GetCurrentProcess();

	int GetCurrentThreadId();

	boolean CloseHandle(HANDLE handle);

	Pointer LocalFree(Pointer memory);

	/**
	 * A {@code LPOVERLAPPED_COMPLETION_ROUTINE}.
	 */
	interface CompletionRoutine extends StdCallCallback {

		void callback(int errorCode, int bytesTransferred, Pointer overlapped);

	}

	/**
	 * A {@code PAPCFUNC}.
	 */
	interface ApcRoutine extends StdCallCallback {

		void callback(Pointer data);

	}

	/**
	 * Holds the loaded library.
	 */
	final class Loaded {

		static final PipeKernel32 INSTANCE = Native.load("kernel32", PipeKernel32.class, W32APIOptions.UNICODE_OPTIONS);

		private Loaded() {
		}

	}

}
