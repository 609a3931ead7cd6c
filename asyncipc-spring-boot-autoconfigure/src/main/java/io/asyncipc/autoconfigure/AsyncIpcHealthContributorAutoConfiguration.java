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

/**
 * Auto-configuration of the {@code pipe} health contributor, where {@code spring-boot-health}
 * is present: a composite with one {@link PipeHealthIndicator} per pipe id, whether the pipes
 * come from {@code asyncipc.pipes} or the single pipe of {@code asyncipc.name} (its id is
 * {@value PipeEndpointContainer#DEFAULT_ID}), so that health has one shape, {@code pipe}
 * then the pipe ids. Turn it off with {@code management.health.pipe.enabled=false}.
 */
@AutoConfiguration(after = AsyncIpcAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(PipeEndpointContainer.class)
@ConditionalOnEnabledHealthIndicator("pipe")
public final class AsyncIpcHealthContributorAutoConfiguration {

	@Bean("pipeHealthIndicator")
	@ConditionalOnMissingBean(name = "pipeHealthIndicator")
	CompositeHealthContributor pipeHealthIndicator(ObjectProvider<PipeEndpointContainer> containers) {
		Map<String, PipeEndpointContainer> byId = new LinkedHashMap<>();
		containers.orderedStream().forEach((container) -> {
			PipeEndpointContainer other = byId.putIfAbsent(container.getId(), container);
			if (other != null) {
				throw new IllegalStateException("two pipes have the id '" + container.getId() + "' (pipe names '"
						+ other.getName() + "' and '" + container.getName()
						+ "'), so the pipe health component cannot tell them apart; give each "
						+ "PipeEndpointContainer its own id");
			}
		});
		return CompositeHealthContributor.fromMap(byId, PipeHealthIndicator::new);
	}

}
