package io.asyncipc.test;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.asyncipc.autoconfigure.AsyncIpcAutoConfiguration;
import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.messaging.PipeFormat;
import io.asyncipc.messaging.PipeListener;
import io.asyncipc.messaging.PipeTemplate;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.MessageDeliveryException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * A {@link PipeTestClient} made without {@link AsyncIpcTest}, by name or from a pipe of this
 * process, against an application context over a real pipe.
 */
class PipeTestClientIntegrationTests {

	private final String name = "t-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);

	/**
	 * Returns the value of {@code asyncipc.mode} the pipes run with.
	 * @return the mode
	 */
	protected String mode() {
		return "auto";
	}

	private ApplicationContextRunner server(String... properties) {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(AsyncIpcAutoConfiguration.class))
			.withUserConfiguration(Echo.class)
			.withPropertyValues("asyncipc.name=" + this.name, "asyncipc.mode=" + mode())
			.withPropertyValues(properties);
	}

	@Test
	void aClientByNameRequestsAndReceives() {
		server().run((context) -> {
			try (PipeTestClient client = PipeTestClient.builder(this.name).mode(mode()).connect()) {
				assertThat(client.convertSendAndReceive("ping", String.class)).isEqualTo("echo: ping");
				context.getBean(PipeTemplate.class).convertAndSend("news");
				assertThat(client.awaitMessage(String.class, Duration.ofSeconds(5))).isEqualTo("news");
			}
		});
	}

	@Test
	void closingTheClientDisconnectsIt() {
		server().run((context) -> {
			PipeEndpointContainer pipe = context.getBean(PipeEndpointContainer.class);
			PipeTestClient client = PipeTestClient.builder(pipe).connect();
			await().atMost(10, TimeUnit.SECONDS).until(() -> pipe.getEndpoint().connections().size() == 1);
			client.close();
			assertThat(client.isConnected()).isFalse();
			await().atMost(10, TimeUnit.SECONDS).until(() -> pipe.getEndpoint().connections().isEmpty());
		});
	}

	@Test
	void aClientOfARawPipeSpeaksRawAndCannotRequest() {
		server("asyncipc.format=raw").run((context) -> {
			PipeEndpointContainer pipe = context.getBean(PipeEndpointContainer.class);
			assertThat(pipe.getFormat()).isEqualTo(PipeFormat.RAW);
			try (PipeTestClient client = PipeTestClient.builder(pipe).connect()) {
				client.convertAndSend("plain");
				// The listener's return value goes back as an ordinary message.
				assertThat(client.awaitMessage(String.class)).isEqualTo("echo: plain");
				assertThatExceptionOfType(MessageDeliveryException.class)
					.isThrownBy(() -> client.convertSendAndReceive("ping", String.class))
					.withMessageContaining("speaks the raw format");
			}
		});
	}

	@Test
	void noServerFailsTheConnectNamingThePipe() {
		assertThatIllegalStateException()
			.isThrownBy(() -> PipeTestClient.builder(this.name)
				.mode(mode())
				.connectTimeout(Duration.ofMillis(300))
				.connect())
			.withMessageStartingWith("PipeTestClient found no server on pipe '" + this.name + "' within PT0.3S");
	}

	@Test
	void aClientPipeOfTheApplicationIsRefused() {
		server("asyncipc.role=client").run((context) -> assertThatIllegalArgumentException()
			.isThrownBy(() -> PipeTestClient.builder(context.getBean(PipeEndpointContainer.class)))
			.withMessage("pipe 'default' (name '" + this.name + "') is a client pipe, and a PipeTestClient "
					+ "connects to a server pipe"));
	}

	@Test
	void anUnknownModeIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> PipeTestClient.builder(this.name).mode("fast").connect())
			.withMessage("the mode must be 'auto', 'unix', 'overlapped' or 'completion-routine', got 'fast'");
	}

	@Configuration(proxyBeanMethods = false)
	static class Echo {

		@Bean
		EchoListener echoListener() {
			return new EchoListener();
		}

	}

	static class EchoListener {

		@PipeListener
		String echo(String text) {
			return "echo: " + text;
		}

	}

}
