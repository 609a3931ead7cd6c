package io.asyncipc.transport.windows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import com.sun.jna.Native;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;
import io.asyncipc.transport.EndpointState;
import io.asyncipc.transport.PeerIdentity;
import io.asyncipc.transport.PipeAddressInUseException;
import io.asyncipc.transport.PipeException;
import io.asyncipc.transport.PipeHandler;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeRole;
import io.asyncipc.transport.support.AbstractPipeEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A named-pipe server. It always keeps {@link #PENDING_INSTANCES} instances waiting for
 * clients, so that a connecting client never finds a gap; the first is created with
 * {@code FILE_FLAG_FIRST_PIPE_INSTANCE}, so a second server on the same name fails rather
 * than share it. Instances reject remote clients and admit only this user and SYSTEM.
 */
final class WindowsServerEndpoint extends AbstractPipeEndpoint {

	private static final Logger logger = LoggerFactory.getLogger(WindowsServerEndpoint.class);

	static final int PENDING_INSTANCES = 2;

	private static final int BUFFER_SIZE = 64 * 1024;

	private final String path;

	private final PipeIoLoop loop;

	private final PipeKernel32 kernel32;

	private final List<Listening> listening = new ArrayList<>();

	private PipeSecurity security;

	WindowsServerEndpoint(String name, PipeOptions options, PipeHandler handler, WindowsIoMode mode) {
		this(name, options, handler, mode, PipeKernel32.INSTANCE);
	}

	/**
	 * Creates a server that makes its instances through the given kernel32 calls, which tests
	 * replace to inject faults.
	 */
	WindowsServerEndpoint(String name, PipeOptions options, PipeHandler handler, WindowsIoMode mode,
			PipeKernel32 kernel32) {
		super(name, PipeRole.SERVER, options, handler);
		this.path = WindowsPipeNames.resolve(name);
		this.loop = mode.newLoop("asyncipc-" + name + "-io", options.daemonThreads());
		this.kernel32 = kernel32;
	}

	@Override
	public String address() {
		return this.path;
	}

	@Override
	protected void doStart() {
		this.security = PipeSecurity.currentUserOnly();
		this.loop.start();
		try {
			this.loop.runAndWait(() -> {
				listen(true);
				for (int i = 1; i < PENDING_INSTANCES; i++) {
					listen(false);
				}
			}, Duration.ofSeconds(10));
		}
		catch (RuntimeException ex) {
			this.loop.runAndWait(this::closeListening, Duration.ofSeconds(10));
			this.loop.shutdownAndJoin(Duration.ofSeconds(5));
			this.security.close();
			throw ex;
		}
		changeState(EndpointState.LISTENING, null);
		logger.info("Pipe '{}' listening on {}", name(), this.path);
	}

	/**
	 * Creates one pipe instance and waits for a client on it. Runs on the I/O thread.
	 */
	private void listen(boolean first) {
		if (first && isTaken()) {
			throw new PipeAddressInUseException("pipe '" + name() + "' is already in use: another server listens on "
					+ this.path + "; stop it, or choose another name");
		}
		int openMode = PipeKernel32.PIPE_ACCESS_DUPLEX | PipeKernel32.FILE_FLAG_OVERLAPPED
				| (first ? PipeKernel32.FILE_FLAG_FIRST_PIPE_INSTANCE : 0);
		int pipeMode = PipeKernel32.PIPE_TYPE_MESSAGE | PipeKernel32.PIPE_READMODE_MESSAGE | PipeKernel32.PIPE_WAIT
				| PipeKernel32.PIPE_REJECT_REMOTE_CLIENTS;
		HANDLE pipe = this.kernel32.CreateNamedPipe(new WString(this.path), openMode, pipeMode,
				PipeKernel32.PIPE_UNLIMITED_INSTANCES, BUFFER_SIZE, BUFFER_SIZE, 0, this.security.attributes());
		if (pipe == null || WinBase.INVALID_HANDLE_VALUE.equals(pipe)) {
			int error = Native.getLastError();
			if (first && error == PipeKernel32.ERROR_ACCESS_DENIED) {
				throw new PipeAddressInUseException("pipe '" + name() + "' is already in use: another server owns "
						+ this.path + "; stop it, or choose another name");
			}
			throw new PipeException(WindowsErrors.describe("CreateNamedPipe " + this.path, error));
		}
		int error = this.loop.attach(pipe);
		if (error != 0) {
			this.kernel32.CloseHandle(pipe);
			throw new PipeException(WindowsErrors.describe("CreateIoCompletionPort", error));
		}
		Listening instance = new Listening(pipe);
		error = this.loop.connect(pipe, instance);
		if (error == 0) {
			this.listening.add(instance);
		}
		else if (error == PipeKernel32.ERROR_PIPE_CONNECTED) {
			this.loop.execute(() -> instance.completed(0, 0));
			this.listening.add(instance);
		}
		else {
			this.kernel32.CloseHandle(pipe);
			throw new PipeException(WindowsErrors.describe("ConnectNamedPipe", error));
		}
	}

	/**
	 * Whether a pipe of this name exists already. {@code FILE_FLAG_FIRST_PIPE_INSTANCE} makes
	 * Windows refuse a second server anyway; this check also covers Wine, which ignores that
	 * flag.
	 */
	private boolean isTaken() {
		if (this.kernel32.WaitNamedPipe(new WString(this.path), 1)) {
			return true;
		}
		return Native.getLastError() != PipeKernel32.ERROR_FILE_NOT_FOUND;
	}

	/**
	 * A client connected to a waiting instance: identify it, then open the connection or
	 * refuse the client. Any failure to identify it refuses it.
	 */
	private void clientConnected(HANDLE pipe) {
		PeerIdentity peer;
		try {
			peer = identifyClient(pipe);
		}
		catch (PipePeers.RefusedPeerException ex) {
			refuse(pipe, ex.peer(), ex.getMessage());
			return;
		}
		catch (RuntimeException ex) {
			refuse(pipe, PipePeers.unknown(OptionalLong.empty()), "it could not be identified: " + ex);
			return;
		}
		new WindowsConnection(this, peer, pipe, this.loop, true).open();
	}

	private PeerIdentity identifyClient(HANDLE pipe) {
		IntByReference pid = new IntByReference();
		if (!this.kernel32.GetNamedPipeClientProcessId(pipe, pid)) {
			throw new PipePeers.RefusedPeerException(PipePeers.unknown(OptionalLong.empty()),
					WindowsErrors.describe("GetNamedPipeClientProcessId", Native.getLastError()));
		}
		return PipePeers.identify(pid.getValue());
	}

	private void refuse(HANDLE pipe, PeerIdentity peer, String reason) {
		this.kernel32.DisconnectNamedPipe(pipe);
		this.kernel32.CloseHandle(pipe);
		rejected(peer, reason);
	}

	private void replenish() {
		try {
			listen(false);
		}
		catch (PipeException ex) {
			logger.error("Pipe '{}' could not create a new instance: {}", name(), ex.getMessage());
		}
	}

	@Override
	protected void stopConnecting() {
		this.loop.runAndWait(this::closeListening, Duration.ofSeconds(10));
	}

	private void closeListening() {
		for (Listening instance : this.listening) {
			this.kernel32.CancelIoEx(instance.pipe, null);
			this.kernel32.CloseHandle(instance.pipe);
		}
		this.listening.clear();
	}

	@Override
	protected void releaseResources() {
		this.loop.shutdownAndJoin(Duration.ofSeconds(10));
		this.security.close();
	}

	/**
	 * A pipe instance waiting for its client.
	 */
	private final class Listening extends PipeOperation {

		private final HANDLE pipe;

		Listening(HANDLE pipe) {
			this.pipe = pipe;
		}

		@Override
		void completed(int error, int bytes) {
			if (!WindowsServerEndpoint.this.listening.remove(this) || isStopping()) {
				return;
			}
			if (error == 0 || error == PipeKernel32.ERROR_PIPE_CONNECTED) {
				clientConnected(this.pipe);
			}
			else {
				logger.warn("Pipe '{}': {}", name(), WindowsErrors.describe("ConnectNamedPipe", error));
				WindowsServerEndpoint.this.kernel32.CloseHandle(this.pipe);
			}
			replenish();
		}

	}

}
