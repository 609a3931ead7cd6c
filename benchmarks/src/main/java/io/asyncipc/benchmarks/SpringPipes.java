package io.asyncipc.benchmarks;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.asyncipc.autoconfigure.AsyncIpcAutoConfiguration;
import io.asyncipc.messaging.event.PipeConnectedEvent;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring Boot applications with the auto-configured pipe, as a user of the starter has them:
 * listeners invoked through the {@code PipeListenerEndpointRegistry} on the listener executor,
 * and a {@code PipeTemplate} that sends. The benchmarks of the Spring layer run one as the
 * client in the JMH JVM and one as the server in a {@link ForkedPeer}.
 */
final class SpringPipes {

	private SpringPipes() {
	}

	/**
	 * Starts an application with one pipe.
	 * @param name the pipe name
	 * @param role {@code server} or {@code client}
	 * @param format {@code envelope} or {@code raw}
	 * @param configuration the application's own beans, such as its listeners
	 * @return the started context
	 */
	static ConfigurableApplicationContext start(String name, String role, String format, Class<?> configuration) {
		return new SpringApplicationBuilder(PipeConfiguration.class, configuration).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.registerShutdownHook(false)
			.properties("asyncipc.name=" + name, "asyncipc.role=" + role, "asyncipc.format=" + format,
					"asyncipc.reconnect.min-backoff=20ms", "asyncipc.reconnect.max-backoff=200ms")
			.run();
	}

	/**
	 * Waits until a client application's pipe is connected.
	 * @param client the client's context, whose configuration includes {@link Connected}
	 * @param timeout how long to wait
	 * @throws InterruptedException if interrupted while waiting
	 */
	static void awaitConnected(ConfigurableApplicationContext client, Duration timeout) throws InterruptedException {
		if (!client.getBean(Connected.class).latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			throw new IllegalStateException("the benchmark's client did not connect within " + timeout);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(AsyncIpcAutoConfiguration.class)
	static class PipeConfiguration {

		@Bean
		Connected benchmarkConnected() {
			return new Connected();
		}

	}

	/**
	 * Counts down once the pipe has a connection.
	 */
	static final class Connected implements ApplicationListener<PipeConnectedEvent> {

		private final CountDownLatch latch = new CountDownLatch(1);

		@Override
		public void onApplicationEvent(PipeConnectedEvent event) {
			this.latch.countDown();
		}

	}

}
