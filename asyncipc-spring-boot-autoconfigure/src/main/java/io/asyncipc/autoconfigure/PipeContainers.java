package io.asyncipc.autoconfigure;

import java.time.Duration;
import java.util.concurrent.Executor;

import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.messaging.PipeListenerEndpointRegistry;
import io.asyncipc.transport.InboundMemoryBudget;
import io.asyncipc.transport.PipeTransport;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Makes the container of one pipe from its settings, the same way for the single pipe and for
 * each pipe of {@code asyncipc.pipes}.
 */
final class PipeContainers {

	/** Spring Boot's default for {@code spring.lifecycle.timeout-per-shutdown-phase}. */
	private static final Duration DEFAULT_TIMEOUT_PER_SHUTDOWN_PHASE = Duration.ofSeconds(30);

	private PipeContainers() {
	}

	static PipeEndpointContainer create(PipeDefinition pipe, PipeTransport transport, InboundMemoryBudget budget,
			Executor listenerExecutor, PipeListenerEndpointRegistry registry, Environment environment) {
		String name = PipeSettings.name(pipe);
		PipeEndpointContainer container = new PipeEndpointContainer(pipe.id(), transport, name,
				PipeSettings.role(pipe), PipeSettings.options(pipe, budget, listenerExecutor), registry);
		// A pipe of the map that takes the top-level format is still best set on its own.
		container.setFormat(PipeSettings.format(pipe), PipeEndpointContainer.DEFAULT_ID.equals(pipe.id())
				? pipe.format().property() : "asyncipc.pipes." + pipe.id() + ".format");
		container.setReplyTimeout(PipeSettings.replyTimeout(pipe));
		// The pipe's stop must fit in the phase Spring waits for, so that it calls back in time.
		container.setShutdownTimeout(Binder.get(environment)
			.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
			.orElse(DEFAULT_TIMEOUT_PER_SHUTDOWN_PHASE));
		if (Boolean.TRUE.equals(pipe.failFast().value())) {
			container.setFailFastTimeout(pipe.startupTimeout().value(), pipe.failFast().property());
		}
		return container;
	}

}
