package io.asyncipc.messaging.micrometer;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The names and keys of a {@link PipeTemplateObservation}; implement it, or extend
 * {@link DefaultPipeTemplateObservationConvention}, to add or change keys.
 */
public interface PipeTemplateObservationConvention extends ObservationConvention<PipeSenderContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof PipeSenderContext;
	}

	@Override
	default String getName() {
		return DefaultPipeTemplateObservationConvention.NAME;
	}

}
