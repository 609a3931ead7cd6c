package io.asyncipc.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import io.asyncipc.messaging.PipeEndpointContainer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * Auto-configuration of the {@code pipe} health contributor, where {@code spring-boot-health}
 * is present: the single pipe's {@link PipeHealthIndicator}, or, with {@code asyncipc.pipes},
 * a composite with one component per pipe id. Turn it off with
 * {@code management.health.pipe.enabled=false}.
 */
@AutoConfiguration(after = AsyncIpcAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(PipeEndpointContainer.class)
@ConditionalOnEnabledHealthIndicator("pipe")
public final class AsyncIpcHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "pipeHealthIndicator")
	@Conditional(PipesMap.OnSinglePipe.class)
	PipeHealthIndicator pipeHealthIndicator(PipeEndpointContainer container) {
		return new PipeHealthIndicator(container);
	}

	@Bean("pipeHealthIndicator")
	@ConditionalOnMissingBean(name = "pipeHealthIndicator")
	@Conditional(PipesMap.OnPipesMap.class)
	CompositeHealthContributor pipesHealthContributor(ObjectProvider<PipeEndpointContainer> containers) {
		Map<String, PipeEndpointContainer> byId = new LinkedHashMap<>();
		containers.orderedStream().forEach((container) -> byId.put(container.getId(), container));
		return CompositeHealthContributor.fromMap(byId, PipeHealthIndicator::new);
	}

}
