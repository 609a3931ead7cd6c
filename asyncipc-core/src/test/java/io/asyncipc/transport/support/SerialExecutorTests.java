package io.asyncipc.transport.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SerialExecutorTests {

	private final ExecutorService pool = Executors.newFixedThreadPool(8);

	private final ExecutorService oneThread = Executors.newSingleThreadExecutor();

	private final CountDownLatch queued = new CountDownLatch(1);

	@AfterEach
	void shutdown() {
		this.pool.shutdownNow();
		this.oneThread.shutdownNow();
	}

	@Test
	void runsTasksInSubmissionOrderOneAtATime() {
		SerialExecutor serial = new SerialExecutor(this.pool);
		List<Integer> seen = new CopyOnWriteArrayList<>();
		AtomicInteger running = new AtomicInteger();
		AtomicInteger overlaps = new AtomicInteger();
		for (int i = 0; i < 10_000; i++) {
			int n = i;
			serial.execute(() -> {
				if (running.incrementAndGet() > 1) {
					overlaps.incrementAndGet();
				}
				seen.add(n);
				running.decrementAndGet();
			});
		}
		await().atMost(10, TimeUnit.SECONDS).until(() -> seen.size() == 10_000);
		assertThat(overlaps).hasValue(0);
		assertThat(seen).containsExactlyElementsOf(IntStream.range(0, 10_000).boxed().toList());
	}

	@Test
	void aBlockedSerialExecutorDoesNotHoldUpAnother() throws InterruptedException {
		SerialExecutor slow = new SerialExecutor(this.pool);
		SerialExecutor fast = new SerialExecutor(this.pool);
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch fastDone = new CountDownLatch(100);
		slow.execute(() -> {
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		for (int i = 0; i < 100; i++) {
			fast.execute(fastDone::countDown);
		}
		assertThat(fastDone.await(10, TimeUnit.SECONDS)).isTrue();
		release.countDown();
	}

	@Test
	void aRunGoesOnWithTheNextBatchWithinItsTimeSlice() {
		List<String> order = runOnOneThread(TimeUnit.MINUTES.toNanos(1));
		assertThat(order.indexOf("other")).isEqualTo(1_000);
	}

	@Test
	void aRunWhoseTimeSliceIsUsedUpYieldsAfterItsBatch() {
		List<String> order = runOnOneThread(0);
		assertThat(order.indexOf("other")).isEqualTo(64);
		assertThat(order).hasSize(1_001);
	}

	@Test
	void callsItsAfterRunAtTheEndOfEachRunInOrderWithTheTasks() {
		holdOneThread();
		List<String> order = new CopyOnWriteArrayList<>();
		SerialExecutor serial = new SerialExecutor(this.oneThread, () -> order.add("after"), 0);
		for (int i = 0; i < 150; i++) {
			serial.execute(() -> order.add("task"));
		}
		this.queued.countDown();
		await().atMost(10, TimeUnit.SECONDS).until(() -> order.size() == 153);
		assertThat(IntStream.range(0, order.size()).filter((i) -> order.get(i).equals("after")).boxed())
			.containsExactly(64, 129, 152);
	}

	/**
	 * Queues 1,000 tasks on one serial executor and then one on another, both over a single
	 * thread that is busy until all are queued, and returns the order in which they ran.
	 */
	private List<String> runOnOneThread(long timeSliceNanos) {
		holdOneThread();
		SerialExecutor streaming = new SerialExecutor(this.oneThread, () -> {
		}, timeSliceNanos);
		SerialExecutor other = new SerialExecutor(this.oneThread, () -> {
		}, timeSliceNanos);
		List<String> order = new CopyOnWriteArrayList<>();
		for (int i = 0; i < 1_000; i++) {
			streaming.execute(() -> order.add("streaming"));
		}
		other.execute(() -> order.add("other"));
		this.queued.countDown();
		await().atMost(10, TimeUnit.SECONDS).until(() -> order.size() == 1_001);
		return order;
	}

	/**
	 * Keeps {@link #oneThread} busy until the test has queued its tasks and counts
	 * {@link #queued} down, so that they run in the order the executors hand them over.
	 */
	private void holdOneThread() {
		this.oneThread.execute(() -> {
			try {
				this.queued.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
	}

	@Test
	void runsOnTheCallerWhenTheExecutorRefuses() {
		SerialExecutor serial = new SerialExecutor((task) -> {
			throw new RejectedExecutionException("shut down");
		});
		AtomicInteger ran = new AtomicInteger();
		serial.execute(ran::incrementAndGet);
		assertThat(ran).hasValue(1);
	}

}
