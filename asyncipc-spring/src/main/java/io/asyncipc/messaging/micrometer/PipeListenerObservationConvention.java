package io.asyncipc.messaging.micrometer;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The names and keys of a {@link PipeListenerObservation}; implement it, or extend
 * {@link DefaultPipeListenerObservationConvention}, to add or change keys.
 */
public interface PipeListenerObservationConvention extends ObservationConvention<PipeReceiverContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof PipeReceiverContext;
	}

	@Override
	default String getName() {
		return DefaultPipeListenerObservationConvention.NAME;
	}

}
