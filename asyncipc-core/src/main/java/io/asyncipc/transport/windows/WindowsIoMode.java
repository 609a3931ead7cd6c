package io.asyncipc.transport.windows;

/**
 * The two async modes of the named-pipe transport, as the original AsyncIPC offered them.
 */
public enum WindowsIoMode {

	/** Overlapped I/O on an I/O completion port, one I/O thread serving every connection. */
	OVERLAPPED("overlapped"),

	/** {@code ReadFileEx}/{@code WriteFileEx} completion routines on one alertable I/O thread. */
	COMPLETION_ROUTINE("completion-routine");

	private final String propertyValue;

	WindowsIoMode(String propertyValue) {
		this.propertyValue = propertyValue;
	}

	/**
	 * Returns the mode's name in {@code asyncipc.mode}.
	 * @return {@code overlapped} or {@code completion-routine}
	 */
	public String propertyValue() {
		return this.propertyValue;
	}

	PipeIoLoop newLoop(String threadName, boolean daemon) {
		return newLoop(threadName, daemon, PipeKernel32.instance());
	}

	/**
	 * Creates this mode's I/O loop, which starts its reads, writes and connects through
	 * {@code ioCalls}: for tests that inject faults.
	 */
	PipeIoLoop newLoop(String threadName, boolean daemon, PipeKernel32 ioCalls) {
		return (this == OVERLAPPED) ? new CompletionPortLoop(threadName, daemon, ioCalls)
				: new CompletionRoutineLoop(threadName, daemon, ioCalls);
	}

}
