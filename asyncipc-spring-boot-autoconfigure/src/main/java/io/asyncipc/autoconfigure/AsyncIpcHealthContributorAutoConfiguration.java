package io.asyncipc.autoconfigure;

import io.asyncipc.messaging.PipeEndpointContainer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code pipe} health contributor, where {@code spring-boot-health}
 * is present. Turn it off with {@code management.health.pipe.enabled=false}.
 */
@AutoConfiguration(after = AsyncIpcAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(PipeEndpointContainer.class)
@ConditionalOnEnabledHealthIndicator("pipe")
public final class AsyncIpcHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "pipeHealthIndicator")
	PipeHealthIndicator pipeHealthIndicator(PipeEndpointContainer container) {
		return new PipeHealthIndicator(container);
	}

}
