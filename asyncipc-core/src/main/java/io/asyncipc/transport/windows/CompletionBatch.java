package io.asyncipc.transport.windows;

/**
 * How many completions the I/O thread asks {@code GetQueuedCompletionStatusEx} for. It doubles,
 * up to a maximum, after a few calls in a row came back full, and shrinks to what a call found
 * that did not fill it.
 * <p>
 * Under Wine a call that asks for more completions than are queued costs one more trip
 * through wineserver: {@code NtRemoveIoCompletionEx} asks for one more entry, which is not
 * there, before it returns. A connection that exchanges one message at a time is therefore
 * served by calls that ask for one; a busy thread still takes many completions per call, as
 * it should on Windows, where one call is one kernel transition.
 */
final class CompletionBatch {

	/** Full calls in a row before the batch doubles. */
	static final int FULL_BEFORE_GROWING = 4;

	private final int max;

	private int size = 1;

	private int fullInARow;

	/**
	 * Creates a batch that starts at one completion.
	 * @param max the most completions one call may take
	 */
	CompletionBatch(int max) {
		this.max = max;
	}

	/**
	 * Returns how many completions the next call asks for.
	 * @return the batch size, at least 1
	 */
	int size() {
		return this.size;
	}

	/**
	 * Records what the last call took.
	 * @param taken the completions it returned
	 */
	void taken(int taken) {
		if (taken < this.size) {
			this.size = Math.max(taken, 1);
			this.fullInARow = 0;
		}
		else if (++this.fullInARow == FULL_BEFORE_GROWING) {
			this.size = Math.min(this.size * 2, this.max);
			this.fullInARow = 0;
		}
	}

}
