package io.asyncipc.transport.unix;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import io.asyncipc.transport.EndpointsFixture;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeTransport;

/**
 * Real Unix-socket endpoints, and raw sockets that speak the wire format by hand.
 */
abstract class UnixEndpoints extends EndpointsFixture {

	final PipeTransport transport = new UnixSocketTransport();

	@Override
	protected PipeTransport transport() {
		return this.transport;
	}

	static SocketChannel rawClient(PipeEndpoint server) throws IOException {
		SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
		channel.connect(UnixDomainSocketAddress.of(server.address()));
		return channel;
	}

	static void writeFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
		while (buffer.hasRemaining()) {
			channel.write(buffer);
		}
	}

	static ByteBuffer readFully(SocketChannel channel, int bytes) throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate(bytes);
		while (buffer.hasRemaining()) {
			if (channel.read(buffer) < 0) {
				throw new IOException("peer closed after " + buffer.position() + " of " + bytes + " bytes");
			}
		}
		return buffer.flip();
	}

}
