package io.asyncipc.transport.support;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.asyncipc.transport.PipeClosedException;
import io.asyncipc.transport.PipeStatistics;
import io.asyncipc.transport.SendResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbound path both platforms share: accounting, watermarks, completion in order, and
 * what a close settles.
 */
class OutboundBufferTests {

	private final List<Boolean> told = new ArrayList<>();

	private final PipeStatistics statistics = new PipeStatistics();

	private final OutboundBuffer buffer = new OutboundBuffer("c-1", 4, 1000, this.told::add, opened(this.statistics));

	@Test
	void aMessageCompletesOnlyOnceAllOfItsFrameWasWritten() {
		CompletableFuture<SendResult> first = add(10);
		CompletableFuture<SendResult> second = add(20);
		this.buffer.take();
		this.buffer.take();
		assertThat(this.buffer.written(13)).isFalse();
		assertThat(this.buffer.written(1)).isTrue();
		completeWritten();
		assertThat(first).isCompletedWithValue(new SendResult("c-1", 10));
		assertThat(second).isNotDone();
		this.buffer.written(24);
		completeWritten();
		assertThat(second).isCompletedWithValue(new SendResult("c-1", 20));
		assertThat(this.buffer.pendingBytes()).isZero();
	}

	@Test
	void writabilityFlipsAtTheHighWatermarkAndBackAtTheLowOne() {
		List<CompletableFuture<SendResult>> sends = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			sends.add(add(96));
		}
		assertThat(this.buffer.isWritable()).as("600 bytes pending, high watermark 500").isFalse();
		assertThat(this.told).containsExactly(false);
		for (int i = 0; i < 4; i++) {
			this.buffer.take();
			this.buffer.written(100);
		}
		completeWritten();
		assertThat(this.buffer.pendingBytes()).isEqualTo(200);
		assertThat(this.buffer.isWritable()).as("200 bytes pending, low watermark 250").isTrue();
		assertThat(this.told).containsExactly(false, true);
	}

	@Test
	void aBatchIsCountedAndReleasedBeforeItsFuturesComplete() {
		List<String> seen = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			add(10).thenRun(() -> seen.add(this.statistics.messagesSent() + " sent, " + this.statistics.bytesSent()
					+ " bytes, " + this.buffer.pendingBytes() + " pending"));
		}
		CompletableFuture<SendResult> later = add(10);
		for (int i = 0; i < 4; i++) {
			this.buffer.take();
		}
		this.buffer.written(42);
		completeWritten();
		assertThat(seen).containsOnly("3 sent, 30 bytes, 14 pending").hasSize(3);
		assertThat(later).isNotDone();
		this.buffer.written(14);
		completeWritten();
		assertThat(later).isCompletedWithValue(new SendResult("c-1", 10));
		assertThat(this.statistics.messagesSent()).isEqualTo(4);
		assertThat(this.statistics.bytesSent()).isEqualTo(40);
		assertThat(this.buffer.pendingBytes()).isZero();
	}

	@Test
	void aFullQueueRefusesAndKeepsItsCount() {
		assertThat(this.buffer.reserve(900)).isEqualTo(-1);
		assertThat(this.buffer.reserve(200)).isEqualTo(900);
		assertThat(this.buffer.pendingBytes()).isEqualTo(900);
	}

	@Test
	void closingCompletesWhatWasWrittenAndFailsTheRestInOrder() {
		CompletableFuture<SendResult> written = add(10);
		CompletableFuture<SendResult> halfWritten = add(10);
		CompletableFuture<SendResult> queued = add(10);
		this.buffer.take();
		this.buffer.take();
		this.buffer.written(20);
		CompletableFuture<Void> drained = this.buffer.whenDrained();
		this.buffer.close(() -> new PipeClosedException("closed"));
		assertThat(written).isCompletedWithValue(new SendResult("c-1", 10));
		assertThat(halfWritten).isCompletedExceptionally();
		assertThat(queued).isCompletedExceptionally();
		assertThat(drained).isCompleted();
	}

	@Test
	void aWriteThatEndsInsideAMessageCompletesTheOnesBeforeIt() {
		List<CompletableFuture<SendResult>> sends = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			sends.add(add(6));
		}
		for (int i = 0; i < 5; i++) {
			this.buffer.take();
		}
		assertThat(this.buffer.written(25)).as("two whole frames of 10 bytes and half of the third").isTrue();
		completeWritten();
		assertThat(sends).filteredOn(CompletableFuture::isDone).hasSize(2);
		assertThat(this.buffer.written(4)).as("still inside the third").isFalse();
		assertThat(this.buffer.written(6)).as("the third, and half of the fourth").isTrue();
		assertThat(this.buffer.written(5)).as("the fourth").isTrue();
		completeWritten();
		assertThat(sends).filteredOn(CompletableFuture::isDone).hasSize(4);
		assertThat(this.statistics.messagesSent()).isEqualTo(4);
		assertThat(this.buffer.written(10)).isTrue();
		completeWritten();
		assertThat(sends).allSatisfy((send) -> assertThat(send).isCompletedWithValue(new SendResult("c-1", 6)));
		assertThat(this.buffer.pendingBytes()).isZero();
	}

	@Test
	void aMessageQueuedAfterTheCloseSettledFailsWhenItsSenderAsks() {
		this.buffer.close(() -> new PipeClosedException("closed"));
		CompletableFuture<SendResult> late = add(10);
		assertThat(this.buffer.hasQueued()).isTrue();
		this.buffer.failQueued(() -> new PipeClosedException("closed"));
		assertThat(late).isCompletedExceptionally();
		assertThat(this.buffer.hasQueued()).isFalse();
		assertThat(this.buffer.pendingBytes()).isZero();
	}

	@Test
	void aSenderThatSawTheCloseBeforeItSettledLeavesItsMessageToTheSettling() {
		CompletableFuture<SendResult> early = add(10);
		this.buffer.failQueued(() -> new PipeClosedException("closed"));
		assertThat(early).as("the last writer may still write it").isNotDone();
		this.buffer.close(() -> new PipeClosedException("closed"));
		assertThat(early).isCompletedExceptionally();
	}

	@Test
	void aSettledSendHoldsNoPayloadAndLinksToNoOtherMessage() {
		add(10);
		add(10);
		add(10);
		OutboundMessage written = this.buffer.take();
		OutboundMessage inFlight = this.buffer.take();
		this.buffer.written(14);
		completeWritten();
		assertThat(written.payload()).as("completed").isNull();
		assertThat(inFlight.payload()).as("still to be written").hasSize(10);
		this.buffer.close(() -> new PipeClosedException("closed"));
		assertThat(inFlight.payload()).as("failed").isNull();
		assertThat(inFlight.next()).as("a failed message that a later one follows").isSameAs(inFlight);
	}

	@Test
	void onlyADetachedFutureThatSomeoneWaitsForIsAwaited() {
		CompletableFuture<SendResult> first = add(10);
		add(10);
		this.buffer.take();
		this.buffer.take();
		this.buffer.written(28);
		this.buffer.detachWritten();
		assertThat(this.buffer.anyAwaited()).isFalse();
		first.thenRun(() -> {
		});
		assertThat(this.buffer.anyAwaited()).isTrue();
		this.buffer.completeWritten();
		assertThat(this.buffer.anyAwaited()).isFalse();
	}

	@Test
	@Timeout(60)
	void manySendersStreamingToOneWriterAllCompleteInTheOrderEachSent() throws Exception {
		OutboundBuffer large = new OutboundBuffer("c-2", 4, Long.MAX_VALUE, (writable) -> {
		}, opened(new PipeStatistics()));
		int senders = 4;
		int each = 20_000;
		List<List<CompletableFuture<SendResult>>> sent = new ArrayList<>();
		List<Thread> threads = new ArrayList<>();
		for (int s = 0; s < senders; s++) {
			List<CompletableFuture<SendResult>> mine = new ArrayList<>();
			sent.add(mine);
			int sender = s;
			threads.add(new Thread(() -> {
				for (int i = 0; i < each; i++) {
					large.reserve(8 + 4);
					mine.add(large.add(ByteBuffer.allocate(8).putInt(sender).putInt(i).array(), () -> {
					}));
				}
			}));
		}
		threads.forEach(Thread::start);
		int[] nextIndex = new int[senders];
		int total = senders * each;
		int written = 0;
		while (written < total) {
			OutboundMessage message = large.take();
			if (message == null) {
				Thread.onSpinWait();
				continue;
			}
			ByteBuffer payload = ByteBuffer.wrap(message.payload());
			int sender = payload.getInt();
			assertThat(payload.getInt()).as("sender %d's next message", sender).isEqualTo(nextIndex[sender]++);
			large.written(12);
			written++;
			if (written % 100 == 0) {
				large.detachWritten();
				large.completeWritten();
			}
		}
		for (Thread thread : threads) {
			thread.join();
		}
		large.detachWritten();
		large.completeWritten();
		assertThat(nextIndex).containsOnly(each);
		assertThat(large.hasQueued()).isFalse();
		assertThat(large.pendingBytes()).isZero();
		for (List<CompletableFuture<SendResult>> mine : sent) {
			assertThat(mine).hasSize(each).allSatisfy((send) -> assertThat(send).isCompletedWithValue(new SendResult("c-2", 8)));
		}
	}

	private static PipeStatistics.Traffic opened(PipeStatistics statistics) {
		PipeStatistics.Traffic traffic = statistics.newTraffic(() -> 0);
		traffic.opened();
		return traffic;
	}

	private void completeWritten() {
		this.buffer.detachWritten();
		this.buffer.completeWritten();
	}

	private CompletableFuture<SendResult> add(int size) {
		assertThat(this.buffer.reserve(size + 4)).isEqualTo(-1);
		return this.buffer.add(new byte[size], () -> {
		});
	}

}
