package io.asyncipc.transport.unix;

import java.io.IOException;
import java.net.BindException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;

import io.asyncipc.transport.EndpointState;
import io.asyncipc.transport.PeerIdentity;
import io.asyncipc.transport.PipeAddressInUseException;
import io.asyncipc.transport.PipeException;
import io.asyncipc.transport.PipeHandler;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeRole;
import io.asyncipc.transport.support.AbstractPipeEndpoint;
import io.asyncipc.transport.support.IoThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server on a Unix domain socket, which owns its path through a {@link SocketFileLock} while
 * it runs. The first I/O thread accepts, and pauses with backoff when accepting fails (see
 * {@link AcceptFailures}); connections are spread over all of them. Only peers running as this
 * process's own user are accepted.
 */
final class UnixServerEndpoint extends AbstractPipeEndpoint implements IoHandler {

	private static final Logger logger = LoggerFactory.getLogger(UnixServerEndpoint.class);


	private final Path path;

	private final List<EventLoop> loops = new ArrayList<>();

	private final AcceptFailures acceptFailures;

	/**
	 * Test seam: sees each accepted socket of a local peer before it becomes a connection.
	 * Tests make it throw, to show that a socket whose set-up fails is closed.
	 */
	volatile Consumer<SocketChannel> acceptedHook = (channel) -> {
	};

	private SocketFileLock lock;

	private ServerSocketChannel listener;

	private SelectionKey listenerKey;

	private IoThread.Timer acceptRetry;

	private Object socketFileKey;

	private int nextLoop;

	UnixServerEndpoint(String name, PipeOptions options, PipeHandler handler) {
		super(name, PipeRole.SERVER, options, handler);
		this.path = UnixSocketAddresses.resolve(name);
		this.acceptFailures = new AcceptFailures(name, this.path);
	}

	@Override
	public String address() {
		return this.path.toString();
	}

	@Override
	protected void doStart() {
		SocketFiles.refuseNonSocket(name(), this.path);
		this.lock = SocketFileLock.acquire(name(), this.path);
		try {
			SocketFiles.removeStale(name(), this.path);
			listen();
			startLoops();
		}
		catch (RuntimeException ex) {
			closeListener();
			SocketFiles.deleteIfOwn(this.path, this.socketFileKey);
			releaseResources();
			releaseLock();
			throw ex;
		}
		moveTo(EndpointState.LISTENING, null);
		logger.info("Pipe '{}' listening on {}", name(), this.path);
	}

	private void listen() {
		try {
			this.listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
			this.listener.bind(UnixDomainSocketAddress.of(this.path), options().backlog());
			this.socketFileKey = SocketFiles.fileKey(this.path);
			Files.setPosixFilePermissions(this.path, PosixFilePermissions.fromString("rw-------"));
			this.listener.configureBlocking(false);
		}
		catch (BindException ex) {
			throw new PipeAddressInUseException("pipe '" + name() + "' is already in use: could not bind " + this.path
					+ " (" + ex.getMessage() + ")");
		}
		catch (IOException ex) {
			throw new PipeException("could not listen on " + this.path + " for pipe '" + name() + "': " + ex.getMessage(),
					ex);
		}
	}

	private void startLoops() {
		for (int i = 0; i < options().ioThreads(); i++) {
			EventLoop loop = new EventLoop("asyncipc-" + name() + "-io-" + i, options().daemonThreads());
			this.loops.add(loop);
			supervise(loop);
			loop.start();
		}
		this.loops.get(0).runAndWait(() -> {
			try {
				this.listenerKey = this.loops.get(0).register(this.listener, SelectionKey.OP_ACCEPT, this);
			}
			catch (IOException ex) {
				throw new PipeException("could not register the listener of pipe '" + name() + "'", ex);
			}
		}, Duration.ofSeconds(10));
	}

	@Override
	public void onReady(SelectionKey key) {
		acceptPending();
	}

	/**
	 * Accepts every client waiting in the backlog. Runs on the first I/O thread, when the
	 * listener is ready or when a retry after failed accepts is due.
	 */
	private void acceptPending() {
		this.acceptRetry = null;
		while (this.listener.isOpen()) {
			SocketChannel channel;
			try {
				channel = this.listener.accept();
			}
			catch (IOException ex) {
				pauseAccepting(ex);
				return;
			}
			if (channel == null) {
				return;
			}
			this.acceptFailures.succeeded();
			accepted(channel);
		}
	}

	/**
	 * Stops accepting until a retry is due. The client that could not be accepted stays in the
	 * backlog, so the listener would be selected again at once and spin the I/O thread.
	 */
	private void pauseAccepting(IOException ex) {
		Duration delay = this.acceptFailures.failed(ex);
		this.listenerKey.interestOps(0);
		this.acceptRetry = this.loops.get(0).schedule(this::resumeAccepting, delay);
	}

	private void resumeAccepting() {
		if (!this.listenerKey.isValid()) {
			return;
		}
		this.listenerKey.interestOps(SelectionKey.OP_ACCEPT);
		acceptPending();
	}

	/**
	 * Turns an accepted socket into a connection on one of the I/O threads. If anything fails
	 * on the way, the socket is closed, so that no descriptor leaks and the peer sees the end.
	 */
	private void accepted(SocketChannel channel) {
		PeerIdentity peer = admittedPeer(channel);
		if (peer == null) {
			return;
		}
		if (!admit(peer)) {
			closeQuietly(channel);
			return;
		}
		try {
			this.acceptedHook.accept(channel);
			channel.configureBlocking(false);
			EventLoop loop = this.loops.get(this.nextLoop);
			this.nextLoop = (this.nextLoop + 1) % this.loops.size();
			UnixConnection connection = new UnixConnection(this, peer, channel, loop);
			if (loop.inLoop()) {
				connection.open();
			}
			else {
				loop.execute(connection::open);
			}
		}
		catch (IOException | RuntimeException ex) {
			closeQuietly(channel);
			admissionReleased();
			logger.warn("Pipe '{}' closed a client it had accepted, because setting up its connection failed: {}",
					name(), ex.toString());
			logger.debug("Setting up a connection of pipe '{}' failed", name(), ex);
		}
	}

	/**
	 * Returns the peer if it may connect; otherwise closes the socket, reports the peer as
	 * rejected, and returns {@code null}.
	 */
	private PeerIdentity admittedPeer(SocketChannel channel) {
		PeerCredentials credentials;
		try {
			credentials = PeerCredentials.of(channel);
		}
		catch (IOException | UnsupportedOperationException ex) {
			closeQuietly(channel);
			rejected(PeerIdentity.of("unknown", OptionalLong.empty()), "its credentials could not be read: " + ex);
			return null;
		}
		PeerIdentity peer = credentials.identity();
		if (!credentials.isLocalUser()) {
			closeQuietly(channel);
			rejected(peer, "it runs as OS user '" + peer.user() + "', and only '" + LocalUser.name() + "' may connect");
			return null;
		}
		return peer;
	}

	/**
	 * A failed server stops accepting, so that clients are refused at once rather than
	 * accepted onto a dead I/O thread.
	 */
	@Override
	protected void failed(Throwable cause) {
		closeListener();
	}

	@Override
	protected void stopConnecting() {
		this.loops.get(0).runAndWait(this::closeListener, timeLeft());
		SocketFiles.deleteIfOwn(this.path, this.socketFileKey);
		releaseLock();
	}

	@Override
	protected void releaseResources() {
		for (EventLoop loop : this.loops) {
			loop.shutdownAndJoin(timeLeft());
		}
		this.loops.clear();
	}

	private void releaseLock() {
		if (this.lock != null) {
			this.lock.release();
			this.lock = null;
		}
	}

	private void closeListener() {
		if (this.acceptRetry != null) {
			this.acceptRetry.cancel();
			this.acceptRetry = null;
		}
		if (this.listener != null) {
			try {
				this.listener.close();
			}
			catch (IOException ex) {
				logger.debug("Could not close listener of pipe '{}'", name(), ex);
			}
		}
	}

	private static void closeQuietly(SocketChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			logger.debug("Could not close an accepted channel", ex);
		}
	}

}
