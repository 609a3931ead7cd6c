package io.asyncipc.autoconfigure;

import java.time.Duration;

import ch.qos.logback.classic.Level;
import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.messaging.PipeListenerEndpointRegistry;
import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.messaging.PipeTemplates;
import io.asyncipc.transport.InboundMemoryBudget;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeRole;
import io.asyncipc.transport.PipeTransport;
import io.asyncipc.transport.TestNames;
import io.asyncipc.transport.unix.UnixSocketTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.converter.StringMessageConverter;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;

class AsyncIpcAutoConfigurationTests {

	private final String name = TestNames.random();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(AsyncIpcAutoConfiguration.class, AsyncIpcHealthContributorAutoConfiguration.class))
		.withPropertyValues("asyncipc.name=" + this.name);

	@Test
	void serverIsListeningOnceTheContextIsRefreshed() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(PipeTemplate.class).hasBean("pipeHealthIndicator");
			PipeEndpointContainer container = context.getBean(PipeEndpointContainer.class);
			assertThat(container.isRunning()).isTrue();
			assertThat(container.getRole()).isEqualTo(PipeRole.SERVER);
			assertThat(container.getMode()).isEqualTo("unix");
			assertThat(context.getBean(ThreadPoolTaskExecutor.class).getThreadNamePrefix())
				.isEqualTo("asyncipc-listener-");
		});
	}

	@Test
	void theSinglePipeHasTheIdDefaultAndItsTemplateThatQualifier() {
		this.runner.withUserConfiguration(DefaultQualified.class).run((context) -> {
			PipeTemplate template = context.getBean(PipeTemplate.class);
			assertThat(template.getPipeId()).isEqualTo(PipeEndpointContainer.DEFAULT_ID);
			assertThat(context.getBean(DefaultQualified.class).template).isSameAs(template);
			assertThat(context.getBean(PipeTemplates.class).get("default")).isSameAs(template);
		});
	}

	@Test
	void aRoleWithoutNameFailsAtStartupAndNamesTheProperty() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(AsyncIpcAutoConfiguration.class))
			.withPropertyValues("asyncipc.role=client")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("asyncipc.name must be set"));
	}

	@Test
	void withNoPipeConfiguredTheContextStartsWithoutPipeAndSaysSoOnce() {
		try (CapturedLog log = CapturedLog.of(NoPipeConfiguredNotice.class.getName(), Level.INFO)) {
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(AsyncIpcAutoConfiguration.class,
						AsyncIpcHealthContributorAutoConfiguration.class))
				.run((context) -> {
					assertThat(context).hasNotFailed()
						.doesNotHaveBean(PipeEndpointContainer.class)
						.doesNotHaveBean(PipeTemplate.class)
						.doesNotHaveBean(HealthIndicator.class);
					assertThat(context.getBean(PipeTemplates.class).getPipeIds()).isEmpty();
				});
			assertThat(log.events()).singleElement()
				.satisfies((event) -> assertThat(event.getFormattedMessage()).contains("no pipe is configured")
					.contains("set asyncipc.name"));
		}
	}

	@Test
	void aListenerWithNoPipeConfiguredFailsAtStartupSayingWhatToSet() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(AsyncIpcAutoConfiguration.class))
			.withUserConfiguration(TextCollector.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("receives the messages of a pipe, but no pipe is configured: set asyncipc.name"));
	}

	@Test
	void enabledFalseSwitchesTheStarterOffWhateverElseIsSet() {
		this.runner.withPropertyValues("asyncipc.enabled=false")
			.withUserConfiguration(TextCollector.class)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(PipeEndpointContainer.class)
				.doesNotHaveBean(PipeTemplates.class)
				.doesNotHaveBean(HealthIndicator.class)
				.doesNotHaveBean(NoPipeConfiguredNotice.class));
	}

	@Test
	void badRoleFailsAtStartupQuotingTheValue() {
		this.runner.withPropertyValues("asyncipc.role=sever")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("asyncipc.role must be 'server' or 'client', got 'sever'"));
	}

	@Test
	void badModeFailsAtStartupQuotingTheValue() {
		this.runner.withPropertyValues("asyncipc.mode=turbo")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("asyncipc.mode must be 'auto', 'overlapped' or 'completion-routine', got 'turbo'"));
	}

	@Test
	void windowsModeOnAnotherOsFailsAtStartup() {
		this.runner.withPropertyValues("asyncipc.mode=completion-routine")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("asyncipc.mode 'completion-routine' uses Windows named pipes"));
	}

	@Test
	void badDispatchFailsAtStartup() {
		this.runner.withPropertyValues("asyncipc.listener.dispatch=threads")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("asyncipc.listener.dispatch must be 'executor' or 'inline', got 'threads'"));
	}

	@Test
	void queueSmallerThanTheMaximumMessageFailsAtStartup() {
		this.runner.withPropertyValues("asyncipc.max-message-size=2MB", "asyncipc.max-queued-bytes=1MB")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("asyncipc.max-queued-bytes"));
	}

	@Test
	void zeroBackoffFailsAtStartup() {
		this.runner.withPropertyValues("asyncipc.reconnect.min-backoff=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("asyncipc.reconnect.min-backoff must be positive"));
	}

	@Test
	void aBacklogBelowOneFailsAtStartupNamingTheProperty() {
		this.runner.withPropertyValues("asyncipc.backlog=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("asyncipc.backlog")
				.hasMessageContaining("the listen backlog must be at least 1, got 0"));
	}

	@Test
	void limitsAreBoundFromProperties() {
		this.runner
			.withPropertyValues("asyncipc.max-connections=7", "asyncipc.frame-timeout=2s", "asyncipc.idle-timeout=5m",
					"asyncipc.max-inbound-memory=32MB")
			.run((context) -> {
				PipeOptions options = PipeSettings.options(context.getBean(AsyncIpcProperties.class), null);
				assertThat(options.maxConnections()).isEqualTo(7);
				assertThat(options.frameTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(options.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
				assertThat(options.inboundBudget().limit()).isEqualTo(32L * 1024 * 1024);
			});
	}

	@Test
	void withoutPropertiesTheLimitsAreTheTransportDefaults() {
		this.runner.run((context) -> {
			PipeOptions options = PipeSettings.options(context.getBean(AsyncIpcProperties.class), null);
			assertThat(options.maxConnections()).isEqualTo(PipeOptions.DEFAULT_MAX_CONNECTIONS);
			assertThat(options.frameTimeout()).isEqualTo(PipeOptions.DEFAULT_FRAME_TIMEOUT);
			assertThat(options.idleTimeout()).isZero();
			assertThat(options.inboundBudget()).isSameAs(InboundMemoryBudget.processWide());
		});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			asyncipc.max-connections=0      | asyncipc.max-connections    | the connection limit must be at least 1, got 0
			asyncipc.frame-timeout=0s       | asyncipc.frame-timeout      | the frame timeout must be positive, got PT0S
			asyncipc.idle-timeout=-1s       | asyncipc.idle-timeout       | the idle timeout must not be negative, got PT-1S
			asyncipc.max-inbound-memory=1KB | asyncipc.max-inbound-memory | must be at least 1 MiB, got 1024 bytes
			""")
	void aBadLimitFailsAtStartupNamingTheProperty(String property, String name, String message) {
		this.runner.withPropertyValues(property)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining(name)
				.hasMessageContaining(message));
	}

	@Test
	void inlineDispatchNeedsNoListenerExecutor() {
		this.runner.withPropertyValues("asyncipc.listener.dispatch=inline")
			.run((context) -> assertThat(context).doesNotHaveBean(ThreadPoolTaskExecutor.class)
				.hasSingleBean(PipeEndpointContainer.class));
	}

	@Test
	void theSinglePipeIsTheDefaultComponentOfThePipeHealthComposite() {
		this.runner.run((context) -> {
			CompositeHealthContributor pipe = context.getBean("pipeHealthIndicator", CompositeHealthContributor.class);
			assertThat(pipe.stream().map((entry) -> entry.name())).containsExactly(PipeEndpointContainer.DEFAULT_ID);
			assertThat(pipe.getContributor(PipeEndpointContainer.DEFAULT_ID)).isInstanceOfSatisfying(
					PipeHealthIndicator.class,
					(health) -> assertThat(health.health(true).getDetails()).containsEntry("name", this.name)
						.containsEntry("role", "server"));
		});
	}

	@Test
	void noHealthIndicatorWithoutSpringBootHealth() {
		this.runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean("pipeHealthIndicator")
				.hasSingleBean(PipeTemplate.class));
	}

	@Test
	void healthIndicatorCanBeTurnedOff() {
		this.runner.withPropertyValues("management.health.pipe.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean("pipeHealthIndicator")
				.hasSingleBean(PipeEndpointContainer.class));
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AsyncIpcAutoConfiguration.class,
					AsyncIpcHealthContributorAutoConfiguration.class))
			.withPropertyValues("asyncipc.pipes.orders.name=" + this.name, "management.health.pipe.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("pipeHealthIndicator"));
	}

	@Test
	void twoPipesOfOneIdFailTheStartupNamingTheId() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AsyncIpcHealthContributorAutoConfiguration.class))
			.withUserConfiguration(TwoContainersOfOneId.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("two pipes have the id 'default' (pipe names 'first' and 'second')"));
	}

	@Test
	void usersOwnBeansReplaceTheAutoConfiguredOnes() {
		this.runner.withUserConfiguration(UserBeans.class).run((context) -> {
			assertThat(context).hasSingleBean(PipeTemplate.class).hasSingleBean(PipeTransport.class);
			assertThat(context.getBean(PipeTemplate.class)).isSameAs(context.getBean(UserBeans.class).template);
			assertThat(context.getBean(PipeTransport.class)).isSameAs(context.getBean(UserBeans.class).transport);
			assertThat(context.getBean("pipeHealthIndicator")).isSameAs(context.getBean(UserBeans.class).health);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class DefaultQualified {

		final PipeTemplate template;

		DefaultQualified(@Qualifier("default") PipeTemplate template) {
			this.template = template;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoContainersOfOneId {

		@Bean
		PipeEndpointContainer first() {
			return new PipeEndpointContainer(new UnixSocketTransport(), "first", PipeRole.SERVER,
					PipeOptions.defaults(), new PipeListenerEndpointRegistry());
		}

		@Bean
		PipeEndpointContainer second() {
			return new PipeEndpointContainer(new UnixSocketTransport(), "second", PipeRole.SERVER,
					PipeOptions.defaults(), new PipeListenerEndpointRegistry());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		final PipeTransport transport = new UnixSocketTransport();

		PipeTemplate template;

		final HealthIndicator health = () -> org.springframework.boot.health.contributor.Health.up().build();

		@Bean
		PipeTransport myTransport() {
			return this.transport;
		}

		@Bean
		PipeTemplate myTemplate(PipeEndpointContainer container) {
			this.template = new PipeTemplate(container, new StringMessageConverter());
			return this.template;
		}

		@Bean
		HealthIndicator pipeHealthIndicator() {
			return this.health;
		}

	}

}
