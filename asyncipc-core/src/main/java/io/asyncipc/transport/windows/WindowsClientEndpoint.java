package io.asyncipc.transport.windows;

import java.util.OptionalLong;

import com.sun.jna.Native;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;
import io.asyncipc.transport.PeerIdentity;
import io.asyncipc.transport.PipeException;
import io.asyncipc.transport.PipeHandler;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.support.AbstractClientEndpoint;
import io.asyncipc.transport.support.IoThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A named-pipe client. It opens the pipe with {@code SECURITY_IDENTIFICATION}, so that the
 * server can identify but never impersonate it, switches to message read mode, and talks only
 * to a pipe owned by its own user. While the
 * server is missing or busy it retries with backoff, waiting on {@code WaitNamedPipe} for a
 * busy server.
 */
final class WindowsClientEndpoint extends AbstractClientEndpoint {

	private static final Logger logger = LoggerFactory.getLogger(WindowsClientEndpoint.class);

	private static final int BUSY_WAIT_MILLIS = 200;

	private static final PipeKernel32 K = PipeKernel32.instance();

	private final String path;

	private final WindowsIoMode mode;

	WindowsClientEndpoint(String name, PipeOptions options, PipeHandler handler, WindowsIoMode mode) {
		super(name, options, handler);
		this.path = WindowsPipeNames.resolve(name);
		this.mode = mode;
	}

	@Override
	public String address() {
		return this.path;
	}

	@Override
	protected IoThread newIoThread() {
		return this.mode.newLoop("asyncipc-" + name() + "-client", options().daemonThreads());
	}

	private PipeIoLoop loop() {
		return (PipeIoLoop) ioThread();
	}

	@Override
	protected void attempt() {
		HANDLE pipe = open();
		if (pipe == null) {
			int error = Native.getLastError();
			if (error == PipeKernel32.ERROR_PIPE_BUSY && K.WaitNamedPipe(new WString(this.path), BUSY_WAIT_MILLIS)) {
				pipe = open();
				error = (pipe == null) ? Native.getLastError() : 0;
			}
			if (pipe == null) {
				attemptFailed(new PipeException(WindowsErrors.describe("CreateFile " + this.path, error)), null);
				return;
			}
		}
		HANDLE opened = pipe;
		IntByReference mode = new IntByReference(PipeKernel32.PIPE_READMODE_MESSAGE);
		if (!K.SetNamedPipeHandleState(pipe, mode, null, null)) {
			int error = Native.getLastError();
			attemptFailed(new PipeException(WindowsErrors.describe("SetNamedPipeHandleState", error)),
					() -> K.CloseHandle(opened));
			return;
		}
		int error = loop().attach(pipe);
		if (error != 0) {
			attemptFailed(new PipeException(WindowsErrors.describe("CreateIoCompletionPort", error)),
					() -> K.CloseHandle(opened));
			return;
		}
		PeerIdentity server;
		try {
			server = identifyServer(pipe);
		}
		catch (PipePeers.RefusedPeerException ex) {
			refuse(opened, ex.peer(), ex.getMessage());
			return;
		}
		catch (RuntimeException ex) {
			refuse(opened, PipePeers.unknown(OptionalLong.empty()), "it could not be identified: " + ex);
			return;
		}
		if (!connected()) {
			K.CloseHandle(pipe);
			return;
		}
		new WindowsConnection(this, server, pipe, loop()).open();
		logger.info("Pipe '{}' connected to {} ({})", name(), this.path, server);
	}

	/**
	 * Identifies the server by the owner of the pipe, which a server of another user cannot
	 * fake; its pid is only shown, since it may have gone to another process by now.
	 */
	private PeerIdentity identifyServer(HANDLE pipe) {
		IntByReference pid = new IntByReference();
		OptionalLong serverPid = K.GetNamedPipeServerProcessId(pipe, pid) ? OptionalLong.of(pid.getValue())
				: OptionalLong.empty();
		UserSid owner;
		UserSid current;
		try {
			owner = PipeOwners.ownerOf(pipe, this.path);
			current = ProcessUsers.current();
		}
		catch (RuntimeException ex) {
			throw new PipePeers.RefusedPeerException(PipePeers.unknown(serverPid),
					"the owner of pipe '" + this.path + "' could not be read: " + ex.getMessage());
		}
		return PipePeers.identifyServer(this.path, owner, current, serverPid);
	}

	private void refuse(HANDLE pipe, PeerIdentity server, String reason) {
		rejected(server, reason);
		attemptFailed(new PipeException("refused the server of " + this.path + ": " + reason), () -> K.CloseHandle(pipe));
	}

	private HANDLE open() {
		HANDLE pipe = K.CreateFile(new WString(this.path), PipeKernel32.GENERIC_READ | PipeKernel32.GENERIC_WRITE, 0,
				null, PipeKernel32.OPEN_EXISTING, PipeKernel32.FILE_FLAG_OVERLAPPED
						| PipeKernel32.SECURITY_SQOS_PRESENT | PipeKernel32.SECURITY_IDENTIFICATION,
				null);
		return (pipe == null || WinBase.INVALID_HANDLE_VALUE.equals(pipe)) ? null : pipe;
	}

	@Override
	protected void abandonAttempt() {
		// Attempts complete synchronously on the I/O thread; nothing is left half-open.
	}

	/**
	 * Lets the connection's close finish (its server may still be reading what was sent)
	 * before the I/O thread stops.
	 */
	@Override
	protected void releaseResources() {
		loop().awaitClosed(timeLeft());
		super.releaseResources();
	}

}
