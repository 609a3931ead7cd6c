package io.asyncipc.transport;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class InboundMemoryBudgetTests {

	private static final long MIB = 1024 * 1024;

	private final InboundMemoryBudget budget = InboundMemoryBudget.ofBytes(4 * MIB);

	@Test
	void chargesPassTheLimitAndSayWhenToStopReading() {
		assertThat(this.budget.charge(4 * MIB)).isTrue();
		assertThat(this.budget.charge(1)).as("one byte over").isFalse();
		assertThat(this.budget.used()).isEqualTo(4 * MIB + 1);
		this.budget.release(4 * MIB + 1);
		assertThat(this.budget.used()).isZero();
	}

	@Test
	void aWaitingConnectionIsWokenOnceTheBudgetIsBackToThreeQuarters() {
		AtomicInteger woken = new AtomicInteger();
		this.budget.charge(5 * MIB);
		this.budget.whenRoom(woken::incrementAndGet);
		assertThat(woken).hasValue(0);
		this.budget.release(2 * MIB);
		assertThat(this.budget.hasRoom()).as("3 of 4 MiB used").isTrue();
		assertThat(woken).hasValue(1);
		this.budget.release(MIB);
		assertThat(woken).as("each wait is woken once").hasValue(1);
	}

	@Test
	void aConnectionThatWaitsWhenThereIsRoomIsWokenAtOnce() {
		AtomicInteger woken = new AtomicInteger();
		this.budget.whenRoom(woken::incrementAndGet);
		assertThat(woken).hasValue(1);
	}

	@Test
	void aConnectionThatFindsTheBudgetSpentAgainWaitsForTheNextReleaseInsteadOfSpinning() {
		AtomicInteger woken = new AtomicInteger();
		this.budget.charge(5 * MIB);
		Runnable[] waitAgain = new Runnable[1];
		waitAgain[0] = () -> {
			woken.incrementAndGet();
			this.budget.charge(2 * MIB);
			this.budget.whenRoom(waitAgain[0]);
		};
		this.budget.whenRoom(waitAgain[0]);
		this.budget.release(2 * MIB);
		assertThat(woken).as("woken once, then spent again").hasValue(1);
		this.budget.release(2 * MIB);
		assertThat(woken).hasValue(2);
	}

	@Test
	void aBudgetBelowOneMebibyteIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> InboundMemoryBudget.ofBytes(1000))
			.withMessage("the inbound memory budget must be at least 1 MiB, got 1000 bytes");
	}

	@Test
	void theProcessWideBudgetIsAQuarterOfTheHeap() {
		assertThat(InboundMemoryBudget.processWide().limit()).isEqualTo(Runtime.getRuntime().maxMemory() / 4);
	}

}
