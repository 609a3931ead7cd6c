package io.asyncipc.messaging;

import io.asyncipc.messaging.micrometer.DefaultPipeListenerObservationConvention;
import io.asyncipc.messaging.micrometer.PipeListenerObservation;
import io.asyncipc.messaging.micrometer.PipeListenerObservationConvention;
import io.asyncipc.messaging.micrometer.PipeReceiverContext;
import io.asyncipc.transport.PipeRole;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.messaging.Message;

/**
 * Makes the observations of the listener invocations of one pipe; a pipe that observes nothing
 * has none.
 */
final class ListenerObservations {

	private final ObservationRegistry registry;

	private final PipeListenerObservationConvention convention;

	private final String pipeId;

	private final String pipeName;

	private final PipeRole role;

	ListenerObservations(ObservationRegistry registry, PipeListenerObservationConvention convention, String pipeId,
			String pipeName, PipeRole role) {
		this.registry = registry;
		this.convention = convention;
		this.pipeId = pipeId;
		this.pipeName = pipeName;
		this.role = role;
	}

	/**
	 * Starts the observation of one listener with one message: its parent is the trace context
	 * that the message's envelope headers carry, if any.
	 */
	Observation start(String listenerId, Message<byte[]> message) {
		return PipeListenerObservation.LISTENER_OBSERVATION
			.observation(this.convention, DefaultPipeListenerObservationConvention.INSTANCE,
					() -> new PipeReceiverContext(message, listenerId, this.pipeId, this.pipeName, this.role),
					this.registry)
			.start();
	}

}
