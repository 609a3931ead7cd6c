package io.asyncipc.transport.unix;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import io.asyncipc.transport.PeerIdentity;
import io.asyncipc.transport.PipeException;
import io.asyncipc.transport.PipeHandler;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.support.AbstractClientEndpoint;
import io.asyncipc.transport.support.IoThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client on a Unix domain socket, connecting without blocking on its own I/O thread. A
 * server that runs as another OS user is refused.
 */
final class UnixClientEndpoint extends AbstractClientEndpoint {

	private static final Logger logger = LoggerFactory.getLogger(UnixClientEndpoint.class);

	private final Path path;

	private SocketChannel pending;

	UnixClientEndpoint(String name, PipeOptions options, PipeHandler handler) {
		super(name, options, handler);
		this.path = UnixSocketAddresses.resolve(name);
	}

	@Override
	public String address() {
		return this.path.toString();
	}

	@Override
	protected IoThread newIoThread() {
		return new EventLoop("asyncipc-" + name() + "-client", options().daemonThreads());
	}

	private EventLoop loop() {
		return (EventLoop) ioThread();
	}

	@Override
	protected void attempt() {
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
				loop().register(channel, SelectionKey.OP_CONNECT, (key) -> finishConnect(key, connecting));
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
			PeerCredentials credentials = PeerCredentials.of(channel);
			PeerIdentity server = credentials.identity();
			if (!credentials.isLocalUser()) {
				String reason = "the server at " + this.path + " runs as OS user '" + server.user() + "', not as '"
						+ LocalUser.name() + "'";
				rejected(server, reason);
				failed(channel, new PipeException("refused " + reason));
				return;
			}
			if (!connected()) {
				closeQuietly(channel);
				return;
			}
			new UnixConnection(this, server, channel, loop()).open();
			logger.info("Pipe '{}' connected to {} ({})", name(), this.path, server);
		}
		catch (IOException | RuntimeException ex) {
			failed(channel, ex);
		}
	}

	private void failed(SocketChannel channel, Exception error) {
		this.pending = null;
		attemptFailed(error, () -> closeQuietly(channel));
	}

	@Override
	protected void abandonAttempt() {
		closeQuietly(this.pending);
		this.pending = null;
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
