package io.asyncipc.transport.unix;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A peer process for the tests: it connects to a socket, sends the length of a 1,000-byte
 * frame and only 10 of its bytes, says {@code ready}, and waits to be killed.
 */
public final class PartialFramePeer {

	private PartialFramePeer() {
	}

	public static void main(String[] args) throws Exception {
		SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
		channel.connect(UnixDomainSocketAddress.of(args[0]));
		ByteBuffer partial = ByteBuffer.allocate(14).putInt(1000).put(new byte[10]).flip();
		while (partial.hasRemaining()) {
			channel.write(partial);
		}
		System.out.println("ready");
		System.out.flush();
		while (System.in.read() >= 0) {
			// Wait until killed.
		}
	}

}
