package io.asyncipc.autoconfigure;

import java.util.concurrent.TimeUnit;

import io.asyncipc.messaging.PipeEndpointContainer;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Application contexts with the auto-configured single pipe, for the end-to-end tests that run a
 * server context and a client context over a real pipe.
 */
final class PipeContexts {

	private PipeContexts() {
	}

	/**
	 * Returns a runner for one side of a pipe, with a client that retries quickly.
	 * @param name the pipe's name
	 * @param role {@code server} or {@code client}
	 * @param userConfiguration the test's own configuration, such as its listeners
	 * @return the runner
	 */
	static ApplicationContextRunner runner(String name, String role, Class<?>... userConfiguration) {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(AsyncIpcAutoConfiguration.class))
			.withUserConfiguration(userConfiguration)
			.withPropertyValues("asyncipc.name=" + name, "asyncipc.role=" + role,
					"asyncipc.reconnect.min-backoff=20ms", "asyncipc.reconnect.max-backoff=200ms");
	}

	/**
	 * Waits until a client context started and its pipe is connected.
	 * @param client the client's context
	 */
	static void awaitConnected(AssertableApplicationContext client) {
		assertThat(client).hasNotFailed();
		PipeEndpointContainer container = client.getBean(PipeEndpointContainer.class);
		await().atMost(10, TimeUnit.SECONDS).until(() -> container.getEndpoint().connections().size() == 1);
	}

}
