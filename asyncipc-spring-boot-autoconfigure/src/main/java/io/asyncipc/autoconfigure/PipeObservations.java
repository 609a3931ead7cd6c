package io.asyncipc.autoconfigure;

import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.messaging.micrometer.PipeListenerObservationConvention;
import io.asyncipc.messaging.micrometer.PipeTemplateObservationConvention;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Switches on the observations of a pipe as its settings say
 * ({@code asyncipc.template.observation-enabled}, {@code asyncipc.listener.observation-enabled},
 * or the same under {@code asyncipc.pipes.<id>.}), with the application's
 * {@link ObservationRegistry} and its conventions, if it has a unique one of each. Without a
 * registry, nothing is observed. It exists only where Micrometer's observation API is present.
 */
final class PipeObservations {

	private final ObjectProvider<ObservationRegistry> registry;

	private final ObjectProvider<PipeTemplateObservationConvention> templateConvention;

	private final ObjectProvider<PipeListenerObservationConvention> listenerConvention;

	PipeObservations(ObjectProvider<ObservationRegistry> registry,
			ObjectProvider<PipeTemplateObservationConvention> templateConvention,
			ObjectProvider<PipeListenerObservationConvention> listenerConvention) {
		this.registry = registry;
		this.templateConvention = templateConvention;
		this.listenerConvention = listenerConvention;
	}

	void configure(PipeEndpointContainer container, PipeDefinition pipe) {
		ObservationRegistry observationRegistry = enabledRegistry(pipe.listenerObservation());
		if (observationRegistry != null) {
			container.setObservationRegistry(observationRegistry);
			container.setObservationConvention(this.listenerConvention.getIfUnique());
			container.setObservationEnabled(true);
		}
	}

	void configure(PipeTemplate template, PipeDefinition pipe) {
		ObservationRegistry observationRegistry = enabledRegistry(pipe.templateObservation());
		if (observationRegistry != null) {
			template.setObservationRegistry(observationRegistry);
			template.setObservationConvention(this.templateConvention.getIfUnique());
			template.setObservationEnabled(true);
		}
	}

	private ObservationRegistry enabledRegistry(PipeDefinition.Setting<Boolean> enabled) {
		return Boolean.TRUE.equals(enabled.value()) ? this.registry.getIfAvailable() : null;
	}

}
