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
import io.asyncipc.transport.DisconnectReason;
import io.asyncipc.transport.EndpointState;
import io.asyncipc.transport.PeerIdentity;
import io.asyncipc.transport.PipeAddressInUseException;
import io.asyncipc.transport.PipeException;
import io.asyncipc.transport.PipeHandler;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeRole;
import io.asyncipc.transport.support.AbstractPipeEndpoint;
import io.asyncipc.transport.support.Backoff;
import io.asyncipc.transport.support.IoThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A named-pipe server. It keeps {@link #PENDING_INSTANCES} instances waiting for clients, so
 * that a connecting client never finds a gap; the first is created with
 * {@code FILE_FLAG_FIRST_PIPE_INSTANCE}, so a second server on the same name fails rather
 * than share it. When an instance cannot be created, the pool is refilled on a timer, with
 * backoff, until it can. Instances reject remote clients and admit only this user and
 * SYSTEM.
 */
final class WindowsServerEndpoint extends AbstractPipeEndpoint {

	private static final Logger logger = LoggerFactory.getLogger(WindowsServerEndpoint.class);

	static final int PENDING_INSTANCES = 2;

	private static final int BUFFER_SIZE = 64 * 1024;

	private static final Duration REFILL_MIN_BACKOFF = Duration.ofMillis(50);

	private static final Duration REFILL_MAX_BACKOFF = Duration.ofSeconds(5);

	private final String path;

	private final PipeIoLoop loop;

	private final PipeKernel32 kernel32;

	private final List<Listening> listening = new ArrayList<>();

	private final Backoff refillBackoff = new Backoff(REFILL_MIN_BACKOFF, REFILL_MAX_BACKOFF);

	/** The next attempt to refill the pool, while it is short. I/O thread only. */
	private IoThread.Timer refill;

	/** Why the pool is short, from the first failure until it is full again. I/O thread only. */
	private RuntimeException refillFailure;

	private PipeSecurity security;

	WindowsServerEndpoint(String name, PipeOptions options, PipeHandler handler, WindowsIoMode mode) {
		this(name, options, handler, mode, PipeKernel32.instance());
	}

	/**
	 * Creates a server that makes its instances, and starts the I/O on them, through the given
	 * kernel32 calls, which tests replace to inject faults.
	 */
	WindowsServerEndpoint(String name, PipeOptions options, PipeHandler handler, WindowsIoMode mode,
			PipeKernel32 kernel32) {
		super(name, PipeRole.SERVER, options, handler);
		this.path = WindowsPipeNames.resolve(name);
		this.loop = mode.newLoop("asyncipc-" + name + "-io", options.daemonThreads(), kernel32);
		this.kernel32 = kernel32;
	}

	@Override
	public String address() {
		return this.path;
	}

	PipeIoLoop loop() {
		return this.loop;
	}

	@Override
	protected void doStart() {
		this.security = PipeSecurity.currentUserOnly();
		supervise(this.loop);
		this.loop.start();
		try {
			this.loop.runAndWait(() -> {
				listen(true);
				refill();
			}, Duration.ofSeconds(10));
		}
		catch (RuntimeException ex) {
			this.loop.runAndWait(this::closeListening, Duration.ofSeconds(10));
			this.loop.shutdownAndJoin(Duration.ofSeconds(5));
			this.security.close();
			throw ex;
		}
		moveTo(EndpointState.LISTENING, null);
		logger.info("Pipe '{}' listening on {}", name(), this.path);
	}

	/**
	 * Creates one pipe instance and waits for a client on it. Runs on the I/O thread.
	 * @throws PipeException if the instance cannot be created
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
			this.loop.execute(() -> this.loop.deliver(instance, 0, 0));
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
	 * Tops the pool of waiting instances up. If an instance cannot be created, the next try
	 * is on a timer, with backoff: a server must not stay deaf after a passing failure, such
	 * as running out of handles. Runs on the I/O thread.
	 */
	private void refill() {
		if (isStopping() || this.refill != null) {
			return;
		}
		while (this.listening.size() < PENDING_INSTANCES) {
			try {
				listen(false);
			}
			catch (RuntimeException ex) {
				poolShort(ex);
				return;
			}
		}
		if (this.refillFailure != null) {
			logger.info("Pipe '{}' has {} instances waiting for clients again", name(), this.listening.size());
			this.refillFailure = null;
			this.refillBackoff.reset();
			attemptSucceeded();
		}
	}

	private void poolShort(RuntimeException failure) {
		Duration delay = this.refillBackoff.next();
		if (this.refillFailure == null) {
			logger.error("Pipe '{}' could not create an instance for the next client ({} of {} waiting): {}; "
					+ "trying again until it can", name(), this.listening.size(), PENDING_INSTANCES, failure.getMessage());
		}
		else {
			logger.debug("Pipe '{}' still could not create an instance, trying again in {}: {}", name(), delay,
					failure.getMessage());
		}
		this.refillFailure = failure;
		attemptFailed(failure);
		this.refill = this.loop.schedule(this::refillNow, delay);
	}

	private void refillNow() {
		this.refill = null;
		try {
			refill();
		}
		catch (RuntimeException ex) {
			logger.error("Pipe '{}' could not refill its instances: {}", name(), ex.toString());
		}
	}

	/**
	 * A client connected to a waiting instance: identify it, then open the connection or
	 * refuse the client. Any failure to identify it refuses it.
	 */
	private void clientConnected(Listening instance) {
		PeerIdentity peer;
		try {
			peer = identifyClient(instance.pipe);
		}
		catch (PipePeers.RefusedPeerException ex) {
			refuse(instance, ex.peer(), ex.getMessage());
			return;
		}
		catch (RuntimeException ex) {
			refuse(instance, PipePeers.unknown(OptionalLong.empty()), "it could not be identified: " + ex);
			return;
		}
		if (!admit(peer)) {
			instance.closePipe();
			return;
		}
		instance.connection = new WindowsConnection(this, peer, instance.pipe, this.loop);
		instance.connection.open();
	}

	private PeerIdentity identifyClient(HANDLE pipe) {
		IntByReference pid = new IntByReference();
		if (!this.kernel32.GetNamedPipeClientProcessId(pipe, pid)) {
			throw new PipePeers.RefusedPeerException(PipePeers.unknown(OptionalLong.empty()),
					WindowsErrors.describe("GetNamedPipeClientProcessId", Native.getLastError()));
		}
		return PipePeers.identify(pid.getValue());
	}

	/**
	 * Closes a refused client's instance. {@code CloseHandle} suffices: the client sees the
	 * pipe end, and {@code DisconnectNamedPipe} is never needed on an instance not reused.
	 */
	private void refuse(Listening instance, PeerIdentity peer, String reason) {
		instance.closePipe();
		rejected(peer, reason);
	}

	@Override
	protected void stopConnecting() {
		this.loop.runAndWait(this::closeListening, timeLeft());
	}

	/**
	 * A failed server closes its waiting instances, so that clients find no pipe rather than
	 * one that no thread serves. Runs on the dead I/O thread, which owns them.
	 */
	@Override
	protected void failed(Throwable cause) {
		closeListening();
	}

	private void closeListening() {
		if (this.refill != null) {
			this.refill.cancel();
			this.refill = null;
		}
		for (Listening instance : this.listening) {
			this.kernel32.CancelIoEx(instance.pipe, null);
			instance.closePipe();
		}
		this.listening.clear();
	}

	@Override
	protected void releaseResources() {
		this.loop.awaitClosed(timeLeft());
		this.loop.shutdownAndJoin(timeLeft());
		this.security.close();
	}

	/**
	 * A pipe instance waiting for its client.
	 */
	private final class Listening extends PipeOperation {

		private final HANDLE pipe;

		/** The connection the instance became, once its client was admitted. */
		private WindowsConnection connection;

		private boolean closed;

		Listening(HANDLE pipe) {
			this.pipe = pipe;
		}

		@Override
		void completed(int error, int bytes) {
			if (!WindowsServerEndpoint.this.listening.remove(this)) {
				return;
			}
			if (isStopping()) {
				// A client came while the server stops, before closeListening closed this one.
				closePipe();
				return;
			}
			if (error == 0 || error == PipeKernel32.ERROR_PIPE_CONNECTED) {
				clientConnected(this);
			}
			else {
				logger.warn("Pipe '{}': {}", name(), WindowsErrors.describe("ConnectNamedPipe", error));
				closePipe();
			}
			refill();
		}

		@Override
		void failed(RuntimeException failure) {
			WindowsServerEndpoint.this.listening.remove(this);
			if (this.connection != null) {
				this.connection.close(DisconnectReason.IO_ERROR);
			}
			else {
				closePipe();
			}
			refill();
		}

		/**
		 * Closes the instance's handle, unless a connection owns it or it was closed already.
		 */
		void closePipe() {
			if (this.connection == null && !this.closed) {
				this.closed = true;
				WindowsServerEndpoint.this.kernel32.CloseHandle(this.pipe);
			}
		}

		@Override
		String describe() {
			return "waiting instance of pipe '" + name() + "'";
		}

	}

}
