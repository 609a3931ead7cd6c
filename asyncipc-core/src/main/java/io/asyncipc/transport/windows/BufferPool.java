package io.asyncipc.transport.windows;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.jna.Memory;

/**
 * The native buffers of one I/O thread's reads and writes, lent for the time of one operation,
 * so that a connection holds a buffer only while it moves bytes: an idle connection holds
 * none. A few buffers are kept for the next operations; the rest are freed as soon as they
 * come back.
 * <p>
 * A buffer must come back only once the OS is done with it: when its operation completed, or
 * when it was never handed to the OS. Borrowed and given back on any thread (a sender may
 * start its own write).
 */
final class BufferPool {

	private final int bufferSize;

	private final int maxIdle;

	private final Queue<Memory> idle = new ConcurrentLinkedQueue<>();

	private final AtomicInteger idleCount = new AtomicInteger();

	/**
	 * Creates a pool.
	 * @param bufferSize the size of each buffer, in bytes
	 * @param maxIdle how many buffers to keep while nobody uses them
	 */
	BufferPool(int bufferSize, int maxIdle) {
		this.bufferSize = bufferSize;
		this.maxIdle = maxIdle;
	}

	/**
	 * Lends a buffer of {@link #bufferSize()} bytes, a kept one if any.
	 * @return the buffer, whose content is undefined
	 */
	Memory borrow() {
		Memory buffer = this.idle.poll();
		if (buffer != null) {
			this.idleCount.decrementAndGet();
			return buffer;
		}
		return new Memory(this.bufferSize);
	}

	/**
	 * Takes a buffer back once the OS is done with it. One of another size (made for a large
	 * write) or one too many is freed at once rather than left to the garbage collector.
	 * @param buffer the buffer
	 */
	void release(Memory buffer) {
		if (buffer.size() == this.bufferSize && this.idleCount.incrementAndGet() <= this.maxIdle) {
			this.idle.offer(buffer);
			return;
		}
		if (buffer.size() == this.bufferSize) {
			this.idleCount.decrementAndGet();
		}
		buffer.close();
	}

	/**
	 * Frees the buffers kept; those lent out are freed when they come back, or by the
	 * garbage collector.
	 */
	void clear() {
		Memory buffer;
		while ((buffer = this.idle.poll()) != null) {
			this.idleCount.decrementAndGet();
			buffer.close();
		}
	}

	int bufferSize() {
		return this.bufferSize;
	}

	/**
	 * Returns how many buffers are kept for the next operations.
	 * @return the idle buffers
	 */
	int idleBuffers() {
		return this.idleCount.get();
	}

}
