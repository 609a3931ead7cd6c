package io.asyncipc.transport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@link PipeStatistics} adds up its connections: an open connection's counts are read
 * live, a finished one's move to the totals once, and no total ever goes back.
 */
class PipeStatisticsTests {

	private final PipeStatistics statistics = new PipeStatistics();

	@Test
	void anOpenConnectionsTrafficIsReadLive() {
		PipeStatistics.Traffic traffic = this.statistics.newTraffic(() -> 12);
		traffic.opened();
		traffic.sent(10);
		traffic.sent(0);
		traffic.received(7);
		assertThat(this.statistics.connections()).isOne();
		assertThat(this.statistics.messagesSent()).isEqualTo(2);
		assertThat(this.statistics.bytesSent()).isEqualTo(10);
		assertThat(this.statistics.messagesReceived()).isOne();
		assertThat(this.statistics.bytesReceived()).isEqualTo(7);
		assertThat(this.statistics.queuedBytes()).isEqualTo(12);
	}

	@Test
	void aFinishedConnectionsTrafficMovesToTheTotalsOnce() {
		PipeStatistics.Traffic first = this.statistics.newTraffic(() -> 0);
		first.opened();
		first.sent(100);
		first.closed();
		assertThat(this.statistics.connections()).isZero();
		// Closed, its sends may still settle: it is still read live.
		first.sent(50);
		assertThat(this.statistics.bytesSent()).isEqualTo(150);
		first.done();
		first.done();
		PipeStatistics.Traffic second = this.statistics.newTraffic(() -> 0);
		second.opened();
		second.sent(1);
		assertThat(this.statistics.messagesSent()).isEqualTo(3);
		assertThat(this.statistics.bytesSent()).isEqualTo(151);
		assertThat(this.statistics.connections()).isOne();
		// A connection done does not open again.
		first.opened();
		assertThat(this.statistics.connections()).isOne();
		assertThat(this.statistics.bytesSent()).isEqualTo(151);
	}

	@Test
	void aConnectionThatNeverOpenedCountsNothingAsOpen() {
		PipeStatistics.Traffic traffic = this.statistics.newTraffic(() -> 99);
		traffic.closed();
		traffic.done();
		assertThat(this.statistics.connections()).isZero();
		assertThat(this.statistics.queuedBytes()).isZero();
	}

	@Test
	void failuresReconnectsAndRefusalsAreCountedByKind() {
		this.statistics.sendFailed(SendFailureReason.QUEUE_FULL);
		this.statistics.sendFailed(SendFailureReason.QUEUE_FULL);
		this.statistics.newTraffic(() -> 0).sendFailed(SendFailureReason.CLOSED);
		this.statistics.reconnected();
		this.statistics.peerRejected();
		this.statistics.peerRejected();
		assertThat(this.statistics.sendFailures(SendFailureReason.QUEUE_FULL)).isEqualTo(2);
		assertThat(this.statistics.sendFailures(SendFailureReason.CLOSED)).isOne();
		assertThat(this.statistics.sendFailures(SendFailureReason.TOO_LARGE)).isZero();
		assertThat(this.statistics.reconnects()).isOne();
		assertThat(this.statistics.peersRejected()).isEqualTo(2);
		assertThat(SendFailureReason.QUEUE_FULL.label()).isEqualTo("queue-full");
	}

}
