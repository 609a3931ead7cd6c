package io.asyncipc.messaging;

/**
 * Hears how long the listener invocations and the requests of one pipe took: the hook that
 * the auto-configuration's Micrometer meters implement, so that this module needs no
 * Micrometer. Set one with {@link PipeEndpointContainer#setMetricsRecorder(PipeMetricsRecorder)}.
 * <p>
 * Calls come from the threads that run listeners and complete replies, I/O threads among
 * them: an implementation must be quick, must not block and must not throw.
 */
public interface PipeMetricsRecorder {

	/**
	 * Records nothing: the recorder of a container that was given none.
	 */
	PipeMetricsRecorder NONE = new PipeMetricsRecorder() {
	};

	/**
	 * Records one invocation of a listener: until it returned, or until the
	 * {@link java.util.concurrent.CompletionStage} it returned completed.
	 * @param listenerId the listener's id
	 * @param nanos how long it took
	 * @param failure what it failed with, or {@code null} if it succeeded
	 */
	default void listenerInvoked(String listenerId, long nanos, Throwable failure) {
	}

	/**
	 * Records one request: from when it was sent to when its reply came or it failed.
	 * @param nanos how long it took
	 * @param outcome how it ended
	 */
	default void requestCompleted(long nanos, RequestOutcome outcome) {
	}

}
