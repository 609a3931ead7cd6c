package io.asyncipc.transport.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.asyncipc.transport.PipeClosedException;
import io.asyncipc.transport.PipeStatistics;
import io.asyncipc.transport.SendResult;
import org.junit.jupiter.api.Test;

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
