package io.asyncipc.transport.unix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import io.asyncipc.transport.support.IoThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Unix transport's I/O thread: it waits in a selector.
 * <p>
 * It also owns the direct buffers that its connections read into and write from, so that
 * they are reused rather than allocated per message.
 */
final class EventLoop extends IoThread {

	private static final Logger logger = LoggerFactory.getLogger(EventLoop.class);

	static final int READ_BUFFER_SIZE = 64 * 1024;

	static final int WRITE_BUFFER_SIZE = 128 * 1024;

	private static final int POOLED_WRITE_BUFFERS = 16;

	private final Selector selector;

	private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_SIZE);

	private final Queue<ByteBuffer> writeBuffers = new ConcurrentLinkedQueue<>();

	private final AtomicInteger pooledWriteBuffers = new AtomicInteger();

	EventLoop(String threadName, boolean daemon) {
		super(threadName, daemon);
		try {
			this.selector = Selector.open();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not open a selector for " + threadName, ex);
		}
	}

	SelectionKey register(SelectableChannel channel, int ops, IoHandler handler) throws ClosedChannelException {
		return channel.register(this.selector, ops, handler);
	}

	ByteBuffer readBuffer() {
		return this.readBuffer;
	}

	/**
	 * Takes a direct write buffer from the pool, or allocates one. Thread-safe: a sender's
	 * thread may write too.
	 * @return an empty buffer
	 */
	ByteBuffer acquireWriteBuffer() {
		ByteBuffer buffer = this.writeBuffers.poll();
		if (buffer == null) {
			return ByteBuffer.allocateDirect(WRITE_BUFFER_SIZE);
		}
		this.pooledWriteBuffers.decrementAndGet();
		return buffer;
	}

	/**
	 * Returns a write buffer to the pool, unless the pool is full.
	 * @param buffer the buffer
	 */
	void releaseWriteBuffer(ByteBuffer buffer) {
		if (this.pooledWriteBuffers.incrementAndGet() <= POOLED_WRITE_BUFFERS) {
			buffer.clear();
			this.writeBuffers.add(buffer);
		}
		else {
			this.pooledWriteBuffers.decrementAndGet();
		}
	}

	@Override
	protected void waitForIo(long timeoutMillis) throws IOException {
		if (timeoutMillis == 0) {
			this.selector.selectNow(this::onReady);
		}
		else {
			this.selector.select(this::onReady, (timeoutMillis < 0) ? 0 : timeoutMillis);
		}
	}

	@Override
	protected void wakeup() {
		this.selector.wakeup();
	}

	private void onReady(SelectionKey key) {
		// A send's future completes before a reply read after it is handed on.
		runDeferredTasks();
		if (!key.isValid()) {
			return;
		}
		try {
			((IoHandler) key.attachment()).onReady(key);
		}
		catch (RuntimeException ex) {
			logger.error("Unexpected error on I/O thread {}; the thread goes on", name(), ex);
			if (key.attachment() instanceof IoHandler handler) {
				handler.onFailure(ex);
			}
		}
	}

	@Override
	protected void stopped() {
		for (SelectionKey key : this.selector.keys()) {
			if (key.attachment() instanceof IoHandler handler) {
				handler.onLoopClosed(failure());
			}
			try {
				key.channel().close();
			}
			catch (IOException ex) {
				logger.debug("Could not close channel on shutdown", ex);
			}
		}
		try {
			this.selector.close();
		}
		catch (IOException ex) {
			logger.debug("Could not close selector", ex);
		}
	}

}
