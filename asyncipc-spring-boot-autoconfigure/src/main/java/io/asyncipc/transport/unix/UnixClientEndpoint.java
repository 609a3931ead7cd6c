package io.asyncipc.transport.unix;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.asyncipc.transport.DisconnectReason;
import io.asyncipc.transport.EndpointState;
import io.asyncipc.transport.PeerIdentity;
import io.asyncipc.transport.PipeException;
import io.asyncipc.transport.PipeHandler;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeRole;
import io.asyncipc.transport.support.AbstractPipeConnection;
import io.asyncipc.transport.support.AbstractPipeEndpoint;
import io.asyncipc.transport.support.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client on a Unix domain socket. It connects in the background on its own I/O thread,
 * retries with backoff while the server is missing, and reconnects when the server goes away.
 * A server that runs as another OS user is refused.
 */
final class UnixClientEndpoint extends AbstractPipeEndpoint {

	private static final Logger logger = LoggerFactory.getLogger(UnixClientEndpoint.class);

	private final Path path;

	private final Backoff backoff;

	private EventLoop loop;

	private EventLoop.Timer retry;

	private SocketChannel pending;

	UnixClientEndpoint(String name, PipeOptions options, PipeHandler handler) {
		super(name, PipeRole.CLIENT, options, handler);
		this.path = UnixSocketAddresses.resolve(name);
		this.backoff = new Backoff(options.reconnectMinBackoff(), options.reconnectMaxBackoff());
	}

	@Override
	public String address() {
		return this.path.toString();
	}

	@Override
	protected void doStart() {
		this.loop = new EventLoop("asyncipc-" + name() + "-client", options().daemonThreads());
		this.loop.start();
		changeState(EndpointState.CONNECTING, null);
		this.loop.execute(this::attempt);
	}

	private void attempt() {
		if (isStopping()) {
			return;
		}
		this.retry = null;
		changeState(EndpointState.CONNECTING, null);
		SocketChannel channel = null;
		try {
			channel = SocketChannel.open(StandardProtocolFamily.UNIX);
			channel.configureBlocking(false);
			this.pending = channel;
			if (channel.connect(UnixDomainSocketAddress.of(this.path))) {
				established(channel);
			}
			else {
				SocketChannel connecting = channel;
				this.loop.register(channel, SelectionKey.OP_CONNECT, (key) -> finishConnect(key, connecting));
			}
		}
		catch (IOException | PipeException ex) {
			failed(channel, ex);
		}
	}

	private void finishConnect(SelectionKey key, SocketChannel channel) {
		try {
			if (channel.finishConnect()) {
				key.interestOps(0);
				established(channel);
			}
		}
		catch (IOException ex) {
			key.cancel();
			failed(channel, ex);
		}
	}

	private void established(SocketChannel channel) {
		this.pending = null;
		if (isStopping()) {
			closeQuietly(channel);
			return;
		}
		try {
			PeerIdentity server = PeerCredentials.of(channel);
			if (!PeerCredentials.isLocalUser(server)) {
				String reason = "the server at " + this.path + " runs as OS user '" + server.user() + "', not as '"
						+ LocalUser.name() + "'";
				rejected(server, reason);
				failed(channel, new PipeException("refused " + reason));
				return;
			}
			UnixConnection connection = new UnixConnection(this, server, channel, this.loop);
			this.backoff.reset();
			attemptSucceeded();
			changeState(EndpointState.CONNECTED, null);
			connection.open();
			logger.info("Pipe '{}' connected to {} ({})", name(), this.path, server);
		}
		catch (IOException | RuntimeException ex) {
			failed(channel, ex);
		}
	}

	private void failed(SocketChannel channel, Exception error) {
		this.pending = null;
		closeQuietly(channel);
		attemptFailed(error);
		scheduleRetry(error);
	}

	private void scheduleRetry(Throwable cause) {
		if (isStopping()) {
			return;
		}
		Duration delay = this.backoff.next();
		changeState(EndpointState.RECONNECTING, cause);
		logger.debug("Pipe '{}' retries {} in {}: {}", name(), this.path, delay, cause);
		this.retry = this.loop.schedule(this::attempt, delay);
	}

	@Override
	protected void connectionClosed(AbstractPipeConnection connection, DisconnectReason reason, Throwable cause) {
		if (isStopping()) {
			return;
		}
		logger.info("Pipe '{}' lost its server ({}); reconnecting", name(), reason);
		Throwable error = (cause != null) ? cause : new PipeException("server closed the connection (" + reason + ")");
		attemptFailed(error);
		this.loop.execute(() -> scheduleRetry(error));
	}

	@Override
	protected void stopConnecting() {
		CompletableFuture<Void> stopped = new CompletableFuture<>();
		this.loop.execute(() -> {
			if (this.retry != null) {
				this.retry.cancel();
				this.retry = null;
			}
			closeQuietly(this.pending);
			this.pending = null;
			stopped.complete(null);
		});
		stopped.join();
	}

	@Override
	protected void releaseResources() {
		this.loop.shutdownAndJoin(Duration.ofSeconds(10));
	}

	private boolean isStopping() {
		EndpointState state = state();
		return state == EndpointState.STOPPING || state == EndpointState.STOPPED;
	}

	private static void closeQuietly(SocketChannel channel) {
		if (channel != null) {
			try {
				channel.close();
			}
			catch (IOException ex) {
				logger.debug("Could not close channel", ex);
			}
		}
	}

}
