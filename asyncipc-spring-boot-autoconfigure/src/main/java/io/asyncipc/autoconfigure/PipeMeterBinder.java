package io.asyncipc.autoconfigure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.asyncipc.messaging.PipeEndpointContainer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Binds the {@link PipeContainerMetrics meters} of every pipe of the application to the
 * registry that Spring Boot hands it, and removes them when the context closes, so that a
 * registry that outlives the context keeps no meters of pipes that are gone.
 */
public class PipeMeterBinder implements MeterBinder, DisposableBean {

	private final ObjectProvider<PipeEndpointContainer> containers;

	private final List<PipeContainerMetrics> bound = new CopyOnWriteArrayList<>();

	/**
	 * Creates a binder for the pipes the provider gives when it binds.
	 * @param containers the containers of the application's pipes
	 */
	public PipeMeterBinder(ObjectProvider<PipeEndpointContainer> containers) {
		this.containers = containers;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.containers.orderedStream().forEach((container) -> {
			PipeContainerMetrics metrics = new PipeContainerMetrics(container);
			metrics.bindTo(registry);
			this.bound.add(metrics);
		});
	}

	@Override
	public void destroy() {
		for (PipeContainerMetrics metrics : this.bound) {
			metrics.close();
		}
		this.bound.clear();
	}

}
