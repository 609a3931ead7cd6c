package io.asyncipc.transport.support;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When an I/O thread is woken: only when it may be blocked in its wait. Tasks handed over
 * while it runs are seen before its next wait, so their senders skip the wake-up, which is a
 * system call (and, on a selector, one more on the I/O thread to clear it). A deferred task
 * wakes it only through the watch, or when someone hurries it.
 */
class IoThreadWakeupTests {

	private final CountingIoThread thread = new CountingIoThread();

	@AfterEach
	void stop() {
		this.thread.shutdownAndJoin(Duration.ofSeconds(5));
	}

	@Test
	void tasksHandedOverWhileTheThreadRunsDoNotWakeIt() throws InterruptedException {
		startAndAwaitItsWait();
		// A timer holds the thread while a task arrives, so that its next round starts with a
		// task queued and does not wait: the tasks handed over during that round need no wake-up.
		CountDownLatch timerRunning = new CountDownLatch(1);
		CountDownLatch releaseTimer = new CountDownLatch(1);
		this.thread.execute(() -> this.thread.schedule(() -> {
			timerRunning.countDown();
			await(releaseTimer);
		}, Duration.ZERO));
		assertThat(timerRunning.await(5, TimeUnit.SECONDS)).isTrue();
		int before = this.thread.wakeups.get();
		CountDownLatch taskRunning = new CountDownLatch(1);
		CountDownLatch releaseTask = new CountDownLatch(1);
		this.thread.execute(() -> {
			taskRunning.countDown();
			await(releaseTask);
		});
		releaseTimer.countDown();
		assertThat(taskRunning.await(5, TimeUnit.SECONDS)).isTrue();
		CountDownLatch ran = new CountDownLatch(100);
		for (int i = 0; i < 100; i++) {
			this.thread.execute(ran::countDown);
		}
		releaseTask.countDown();
		assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(this.thread.wakeups.get() - before).as("wake-ups while the thread ran tasks").isZero();
	}

	@Test
	void aTaskHandedOverWhileTheThreadWaitsWakesIt() throws InterruptedException {
		startAndAwaitItsWait();
		CountDownLatch ran = new CountDownLatch(1);
		this.thread.execute(ran::countDown);
		assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(this.thread.wakeups.get()).isOne();
	}

	@Test
	void aDeferredTaskRunsThoughNothingElseWakesTheThread() throws InterruptedException {
		startAndAwaitItsWait();
		CountDownLatch ran = new CountDownLatch(1);
		this.thread.executeDeferred(ran::countDown);
		// The watch wakes the thread, once, within two of its ticks.
		assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(this.thread.wakeups.get()).isOne();
	}

	@Test
	void hurryWakesTheThreadForItsDeferredTasksOnly() throws InterruptedException {
		startAndAwaitItsWait();
		this.thread.hurry();
		assertThat(this.thread.wakeups.get()).as("hurried with nothing deferred").isZero();
		CountDownLatch ran = new CountDownLatch(1);
		this.thread.executeDeferred(ran::countDown);
		this.thread.hurry();
		assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
		// Woken once, by the hurry or by the watch if it came first.
		assertThat(this.thread.wakeups.get()).isOne();
	}

	private void startAndAwaitItsWait() throws InterruptedException {
		this.thread.start();
		assertThat(this.thread.waiting.await(5, TimeUnit.SECONDS)).isTrue();
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Waits on a monitor with no time limit unless woken, and counts its wake-ups.
	 */
	static final class CountingIoThread extends IoThread {

		final AtomicInteger wakeups = new AtomicInteger();

		/** Counted down when the thread first blocks in its wait. */
		final CountDownLatch waiting = new CountDownLatch(1);

		private final Object monitor = new Object();

		private boolean woken;

		CountingIoThread() {
			super("counting-io", true);
		}

		@Override
		protected void waitForIo(long timeoutMillis) throws InterruptedException {
			synchronized (this.monitor) {
				if (!this.woken && timeoutMillis != 0) {
					this.waiting.countDown();
					this.monitor.wait(Math.max(timeoutMillis, 0));
				}
				this.woken = false;
			}
		}

		@Override
		protected void wakeup() {
			this.wakeups.incrementAndGet();
			synchronized (this.monitor) {
				this.woken = true;
				this.monitor.notifyAll();
			}
		}

		@Override
		protected void stopped() {
		}

	}

}
