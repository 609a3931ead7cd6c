package io.asyncipc.transport.windows;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batch of completions asked for grows while calls come back full and shrinks to what a
 * call found, so that one completion at a time is asked for one at a time.
 */
class CompletionBatchTests {

	private final CompletionBatch batch = new CompletionBatch(64);

	@Test
	void startsAtOneAndStaysThereWhileOneCompletionComesAtATime() {
		assertThat(this.batch.size()).isEqualTo(1);
		for (int i = 0; i < CompletionBatch.FULL_BEFORE_GROWING - 1; i++) {
			this.batch.taken(1);
			assertThat(this.batch.size()).isEqualTo(1);
		}
	}

	@Test
	void doublesAfterFullCallsInARowUpToTheMaximum() {
		int calls = 0;
		while (this.batch.size() < 64) {
			int before = this.batch.size();
			this.batch.taken(before);
			calls++;
			assertThat(this.batch.size()).isIn(before, before * 2);
		}
		assertThat(calls).isEqualTo(6 * CompletionBatch.FULL_BEFORE_GROWING);
		for (int i = 0; i < 10; i++) {
			this.batch.taken(64);
		}
		assertThat(this.batch.size()).isEqualTo(64);
	}

	@Test
	void shrinksToWhatACallFoundAndNeverBelowOne() {
		growTo(16);
		this.batch.taken(3);
		assertThat(this.batch.size()).isEqualTo(3);
		this.batch.taken(0);
		assertThat(this.batch.size()).isEqualTo(1);
	}

	@Test
	void aCallThatIsNotFullStartsTheCountAgain() {
		for (int i = 0; i < CompletionBatch.FULL_BEFORE_GROWING - 1; i++) {
			this.batch.taken(1);
		}
		this.batch.taken(0);
		for (int i = 0; i < CompletionBatch.FULL_BEFORE_GROWING - 1; i++) {
			this.batch.taken(1);
		}
		assertThat(this.batch.size()).isEqualTo(1);
		this.batch.taken(1);
		assertThat(this.batch.size()).isEqualTo(2);
	}

	private void growTo(int size) {
		while (this.batch.size() < size) {
			this.batch.taken(this.batch.size());
		}
		assertThat(this.batch.size()).isEqualTo(size);
	}

}
