package io.asyncipc.transport.unix;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;

import io.asyncipc.transport.DisconnectReason;
import io.asyncipc.transport.PeerIdentity;
import io.asyncipc.transport.PipeProtocolException;
import io.asyncipc.transport.support.AbstractPipeConnection;
import io.asyncipc.transport.support.AbstractPipeEndpoint;
import io.asyncipc.transport.support.OutboundMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection over a Unix domain socket, served by one {@link EventLoop}.
 * <p>
 * Writing copies queued frames into one pooled direct buffer and hands the whole batch to the
 * OS in one call; each send's future completes once the OS has taken its last byte.
 */
final class UnixConnection extends AbstractPipeConnection implements IoHandler {

	private static final Logger logger = LoggerFactory.getLogger(UnixConnection.class);

	private static final int READS_PER_WAKEUP = 16;

	private static final int WRITES_PER_FLUSH = 64;

	private final SocketChannel channel;

	private final EventLoop loop;

	private final FrameDecoder decoder;

	private final AtomicBoolean flushScheduled = new AtomicBoolean();

	private final Runnable flushTask = this::scheduledFlush;

	private final ArrayDeque<OutboundMessage> inFlight = new ArrayDeque<>();

	private SelectionKey key;

	private boolean writeInterest;

	private ByteBuffer out;

	private OutboundMessage current;

	private int currentOffset;

	private long copiedPosition;

	private long writtenPosition;

	UnixConnection(AbstractPipeEndpoint endpoint, PeerIdentity peer, SocketChannel channel, EventLoop loop) {
		super(endpoint, peer);
		this.channel = channel;
		this.loop = loop;
		this.decoder = new FrameDecoder(endpoint.options().maxMessageSize());
	}

	/**
	 * Registers with the loop and tells the handler. Call on the loop's thread.
	 */
	void open() {
		try {
			this.key = this.loop.register(this.channel, SelectionKey.OP_READ, this);
		}
		catch (ClosedChannelException ex) {
			logger.debug("Channel closed before it was registered", ex);
			closeChannel();
			return;
		}
		opened();
		if (hasOutbound()) {
			flush();
		}
	}

	@Override
	protected void requestFlush() {
		if (this.flushScheduled.compareAndSet(false, true)) {
			this.loop.execute(this.flushTask);
		}
	}

	@Override
	public void close(DisconnectReason reason) {
		if (this.loop.inLoop()) {
			closeNow(reason, null);
		}
		else {
			this.loop.execute(() -> closeNow(reason, null));
		}
	}

	@Override
	public void onReady(SelectionKey key) {
		int ready = key.readyOps();
		if ((ready & SelectionKey.OP_WRITE) != 0) {
			flush();
		}
		if ((ready & SelectionKey.OP_READ) != 0 && key.isValid()) {
			read();
		}
	}

	@Override
	public void onLoopClosed() {
		closeNow(DisconnectReason.LOCAL_SHUTDOWN, null);
	}

	private void read() {
		ByteBuffer buffer = this.loop.readBuffer();
		try {
			for (int i = 0; i < READS_PER_WAKEUP; i++) {
				buffer.clear();
				int count = this.channel.read(buffer);
				if (count < 0) {
					closeNow(DisconnectReason.PEER_CLOSED, this.decoder.isMidFrame()
							? new EOFException("peer closed in the middle of a frame, after "
									+ this.decoder.describePartialFrame())
							: null);
					return;
				}
				if (count == 0) {
					return;
				}
				buffer.flip();
				this.decoder.decode(buffer, this::deliver);
				if (!isOpen() || buffer.limit() < buffer.capacity()) {
					return;
				}
			}
		}
		catch (PipeProtocolException ex) {
			closeNow(DisconnectReason.PROTOCOL_ERROR, ex);
		}
		catch (IOException ex) {
			closeNow(DisconnectReason.IO_ERROR, ex);
		}
	}

	private void scheduledFlush() {
		this.flushScheduled.set(false);
		flush();
	}

	private void flush() {
		if (!this.channel.isOpen()) {
			return;
		}
		try {
			for (int round = 0; round < WRITES_PER_FLUSH; round++) {
				if (this.out == null) {
					this.out = this.loop.acquireWriteBuffer();
					this.out.limit(0);
				}
				if (!this.out.hasRemaining()) {
					this.out.clear();
					fill(this.out);
					this.out.flip();
					if (!this.out.hasRemaining()) {
						this.loop.releaseWriteBuffer(this.out);
						this.out = null;
						setWriteInterest(false);
						return;
					}
				}
				this.writtenPosition += this.channel.write(this.out);
				completeWritten();
				if (this.out.hasRemaining()) {
					setWriteInterest(true);
					return;
				}
			}
			requestFlush();
		}
		catch (IOException ex) {
			closeNow(DisconnectReason.IO_ERROR, ex);
		}
	}

	private void fill(ByteBuffer buffer) {
		while (buffer.hasRemaining()) {
			if (this.current == null) {
				if (buffer.remaining() < FrameDecoder.HEADER_SIZE) {
					return;
				}
				this.current = pollOutbound();
				if (this.current == null) {
					return;
				}
				buffer.putInt(this.current.payload().length);
				this.copiedPosition += FrameDecoder.HEADER_SIZE;
				this.currentOffset = 0;
			}
			byte[] payload = this.current.payload();
			int count = Math.min(buffer.remaining(), payload.length - this.currentOffset);
			buffer.put(payload, this.currentOffset, count);
			this.currentOffset += count;
			this.copiedPosition += count;
			if (this.currentOffset == payload.length) {
				this.current.endPosition(this.copiedPosition);
				this.inFlight.add(this.current);
				this.current = null;
			}
		}
	}

	private void completeWritten() {
		OutboundMessage message;
		while ((message = this.inFlight.peek()) != null && message.endPosition() <= this.writtenPosition) {
			this.inFlight.poll();
			written(message);
		}
	}

	private void setWriteInterest(boolean interested) {
		if (this.writeInterest != interested && this.key != null && this.key.isValid()) {
			this.writeInterest = interested;
			this.key.interestOps(interested ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
		}
	}

	private void closeNow(DisconnectReason reason, Throwable cause) {
		if (!markClosed(reason, cause)) {
			return;
		}
		closeChannel();
		OutboundMessage message;
		while ((message = this.inFlight.poll()) != null) {
			failUnwritten(message);
		}
		if (this.current != null) {
			failUnwritten(this.current);
			this.current = null;
		}
		if (this.out != null) {
			this.loop.releaseWriteBuffer(this.out);
			this.out = null;
		}
	}

	private void closeChannel() {
		if (this.key != null) {
			this.key.cancel();
		}
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			logger.debug("Could not close channel of {}", this, ex);
		}
	}

}
