package io.asyncipc.autoconfigure;

import io.asyncipc.messaging.PipeEndpointContainer;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the pipes' Micrometer meters, where Micrometer and Spring Boot's
 * {@code spring-boot-micrometer-metrics} are present and a {@link MeterRegistry} exists: one
 * {@link PipeMeterBinder} for every pipe, which Boot binds to its registry once, as it binds
 * its own meter binders. The meters are listed in {@code docs/metrics.md}.
 */
@AutoConfiguration(after = AsyncIpcAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(value = MeterRegistry.class,
		name = "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration")
@ConditionalOnBean({ MeterRegistry.class, PipeEndpointContainer.class })
public final class AsyncIpcMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PipeMeterBinder pipeMeterBinder(ObjectProvider<PipeEndpointContainer> containers) {
		return new PipeMeterBinder(containers);
	}

}
