package io.asyncipc.benchmarks.reliability;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A plain blocking JDK socket that speaks the wire format (a 4-byte big-endian length, then the
 * payload) or, for the attacks, any bytes at all. It costs the runner no thread, so that a
 * thousand of them can be held open.
 */
final class FramedSocket implements AutoCloseable {

	private final SocketChannel channel;

	private FramedSocket(SocketChannel channel) {
		this.channel = channel;
	}

	static FramedSocket connect(Path socket) throws IOException {
		SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
		try {
			channel.connect(UnixDomainSocketAddress.of(socket));
		}
		catch (IOException ex) {
			channel.close();
			throw ex;
		}
		return new FramedSocket(channel);
	}

	SocketChannel channel() {
		return this.channel;
	}

	void writeFrame(byte[] payload) throws IOException {
		ByteBuffer frame = ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).flip();
		write(frame);
	}

	void write(ByteBuffer bytes) throws IOException {
		while (bytes.hasRemaining()) {
			this.channel.write(bytes);
		}
	}

	byte[] readFrame() throws IOException {
		ByteBuffer header = ByteBuffer.allocate(4);
		readFully(header);
		ByteBuffer payload = ByteBuffer.allocate(header.getInt(0));
		readFully(payload);
		return payload.array();
	}

	private void readFully(ByteBuffer buffer) throws IOException {
		while (buffer.hasRemaining()) {
			if (this.channel.read(buffer) < 0) {
				throw new IOException("the server closed the connection");
			}
		}
	}

	@Override
	public void close() throws IOException {
		this.channel.close();
	}

}
