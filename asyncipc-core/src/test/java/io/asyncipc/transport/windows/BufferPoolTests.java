package io.asyncipc.transport.windows;

import com.sun.jna.Memory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How I/O buffers are lent and taken back: a few are kept for the next operations, the rest
 * are freed as soon as they come back. Runs anywhere JNA allocates memory; no Windows call is
 * made.
 */
class BufferPoolTests {

	private final BufferPool pool = new BufferPool(1024, 2);

	@Test
	void aBufferGivenBackIsLentAgain() {
		Memory buffer = this.pool.borrow();
		assertThat(buffer.size()).isEqualTo(1024);
		this.pool.release(buffer);
		assertThat(this.pool.idleBuffers()).isOne();
		assertThat(this.pool.borrow()).isSameAs(buffer);
		assertThat(this.pool.idleBuffers()).isZero();
	}

	@Test
	void buffersBeyondTheIdleLimitAreFreedAtOnce() {
		Memory first = this.pool.borrow();
		Memory second = this.pool.borrow();
		Memory third = this.pool.borrow();
		this.pool.release(first);
		this.pool.release(second);
		this.pool.release(third);
		assertThat(this.pool.idleBuffers()).isEqualTo(2);
		assertThat(first.valid()).isTrue();
		assertThat(second.valid()).isTrue();
		assertThat(third.valid()).isFalse();
	}

	@Test
	void aBufferOfAnotherSizeIsFreedNotKept() {
		Memory large = new Memory(4096);
		this.pool.release(large);
		assertThat(large.valid()).isFalse();
		assertThat(this.pool.idleBuffers()).isZero();
	}

	@Test
	void clearFreesTheKeptBuffers() {
		Memory buffer = this.pool.borrow();
		this.pool.release(buffer);
		this.pool.clear();
		assertThat(buffer.valid()).isFalse();
		assertThat(this.pool.idleBuffers()).isZero();
		assertThat(this.pool.borrow().valid()).isTrue();
	}

}
