package io.asyncipc.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One side of a pipe with Spring Boot's observation registry and a real tracer, Brave with W3C
 * propagation (Boot's default), sampling every trace, and its finished spans in a
 * {@link FinishedSpans} bean.
 */
final class TracingContexts {

	private TracingContexts() {
	}

	/**
	 * Returns a runner for one side of a traced pipe.
	 * @param name the pipe's name
	 * @param role {@code server} or {@code client}
	 * @param userConfiguration the test's own configuration, such as its listeners
	 * @return the runner
	 */
	static ApplicationContextRunner runner(String name, String role, Class<?>... userConfiguration) {
		return PipeContexts.runner(name, role, userConfiguration)
			.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class,
					MicrometerTracingAutoConfiguration.class, BraveAutoConfiguration.class))
			.withUserConfiguration(SpanRecording.class)
			.withPropertyValues("management.tracing.sampling.probability=1.0", "spring.application.name=" + role);
	}

	@Configuration(proxyBeanMethods = false)
	static class SpanRecording {

		@Bean
		FinishedSpans finishedSpans() {
			return new FinishedSpans();
		}

	}

}
