package io.asyncipc.autoconfigure;

import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.transport.TestNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When {@link AsyncIpcMetricsAutoConfiguration} binds the pipes' meters, and that an
 * application without Micrometer, or without a registry, runs as before.
 */
class AsyncIpcMetricsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncIpcAutoConfiguration.class, MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
				AsyncIpcMetricsAutoConfiguration.class))
		.withPropertyValues("asyncipc.name=" + TestNames.random());

	@Test
	void bindsTheMetersOfThePipeTaggedWithItsIdAndRole() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(PipeMeterBinder.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("asyncipc.connections").tags("pipe", "default", "role", "server").gauge().value())
				.isZero();
			assertThat(registry.find("asyncipc.send.failures").tags("pipe", "default").functionCounters())
				.extracting((counter) -> counter.getId().getTag("reason"))
				.containsExactlyInAnyOrder("closed", "queue-full", "too-large", "not-started", "other");
			assertThat(registry.get("asyncipc.bytes.sent").functionCounter().getId().getBaseUnit()).isEqualTo("bytes");
			// A server refuses peers; only a client reconnects.
			assertThat(registry.find("asyncipc.peers.rejected").functionCounter()).isNotNull();
			assertThat(registry.find("asyncipc.reconnects").meter()).isNull();
		});
	}

	@Test
	void bindsEachPipeOfTheMapUnderItsId() {
		// The two pipes connect to each other; the server may see the client go first at close.
		try (CapturedLog log = CapturedLog.of("io.asyncipc.transport.support.AbstractPipeConnection")) {
			bindEachPipeOfTheMap();
		}
	}

	private void bindEachPipeOfTheMap() {
		String name = TestNames.random();
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AsyncIpcAutoConfiguration.class, MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
					AsyncIpcMetricsAutoConfiguration.class))
			.withPropertyValues("asyncipc.pipes.orders.name=" + name, "asyncipc.pipes.audit.name=" + name,
					"asyncipc.pipes.audit.role=client")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.find("asyncipc.messages.sent").functionCounters())
					.extracting((counter) -> counter.getId().getTag("pipe") + "/" + counter.getId().getTag("role"))
					.containsExactlyInAnyOrder("orders/server", "audit/client");
				assertThat(registry.get("asyncipc.reconnects").tag("pipe", "audit").functionCounter()).isNotNull();
			});
	}

	@Test
	void removesTheMetersFromARegistryThatOutlivesTheContext() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AsyncIpcAutoConfiguration.class, MetricsAutoConfiguration.class,
					AsyncIpcMetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, () -> registry)
			.withPropertyValues("asyncipc.name=" + TestNames.random())
			.run((context) -> assertThat(registry.find("asyncipc.connections").gauge()).isNotNull());
		assertThat(registry.getMeters()).noneMatch((meter) -> meter.getId().getName().startsWith("asyncipc."));
	}

	@Test
	void noMetersWithoutARegistry() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(AsyncIpcAutoConfiguration.class,
				MetricsAutoConfiguration.class, AsyncIpcMetricsAutoConfiguration.class))
			.withPropertyValues("asyncipc.name=" + TestNames.random())
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(PipeMeterBinder.class)
				.hasSingleBean(PipeTemplate.class));
	}

	@Test
	void noMetersAndNoFailureWithoutMicrometer() {
		pipeOnly().withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(PipeMeterBinder.class)
				.hasSingleBean(PipeTemplate.class));
	}

	@Test
	void noMetersWithoutSpringBootsMetricsModule() {
		pipeOnly().withClassLoader(new FilteredClassLoader(MetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PipeMeterBinder.class));
	}

	private static ApplicationContextRunner pipeOnly() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(AsyncIpcAutoConfiguration.class, AsyncIpcMetricsAutoConfiguration.class))
			.withPropertyValues("asyncipc.name=" + TestNames.random());
	}

}
