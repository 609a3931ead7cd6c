package io.asyncipc.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.transport.TestNames;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pipe outlives the web server's graceful shutdown: an HTTP request still in flight when
 * the context begins to close can send on the pipe, and the peer receives what it sent.
 */
class WebServerShutdownIntegrationTests {

	private final String name = TestNames.random();

	@Test
	void pipeStartsBeforeAndStopsAfterTheWebServerInBootsPhases() {
		// Phases start from the lowest and stop from the highest.
		assertThat(PipeEndpointContainer.DEFAULT_PHASE)
			.isLessThan(WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE)
			.isLessThan(WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE);
		try (ConfigurableApplicationContext web = startWebApp()) {
			int pipe = web.getBean(PipeEndpointContainer.class).getPhase();
			int gracefulShutdown = web.getBean("webServerGracefulShutdown", SmartLifecycle.class).getPhase();
			int webServer = web.getBean("webServerStartStop", SmartLifecycle.class).getPhase();
			assertThat(gracefulShutdown).isEqualTo(WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE);
			assertThat(webServer).isEqualTo(WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE);
			assertThat(pipe).isEqualTo(PipeEndpointContainer.DEFAULT_PHASE);
		}
	}

	@Test
	void requestInFlightWhenTheContextClosesSendsOnThePipe() {
		ConfigurableApplicationContext web = startWebApp();
		try {
			new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(AsyncIpcAutoConfiguration.class))
				.withUserConfiguration(TextCollector.class)
				.withPropertyValues("asyncipc.name=" + this.name, "asyncipc.role=client")
				.run((client) -> {
					PipeEndpointContainer pipe = web.getBean(PipeEndpointContainer.class);
					await().atMost(10, TimeUnit.SECONDS).until(() -> pipe.getEndpoint().connections().size() == 1);
					SlowController controller = web.getBean(SlowController.class);
					int port = ((ServletWebServerApplicationContext) web).getWebServer().getPort();
					CompletableFuture<HttpResponse<String>> response = HttpClient.newHttpClient()
						.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/send")).build(),
								HttpResponse.BodyHandlers.ofString());
					assertThat(controller.entered.await(10, TimeUnit.SECONDS)).isTrue();

					CompletableFuture<Void> closing = CompletableFuture.runAsync(web::close);
					SmartLifecycle gracefulShutdown = web.getBean("webServerGracefulShutdown", SmartLifecycle.class);
					await().atMost(10, TimeUnit.SECONDS).until(() -> !gracefulShutdown.isRunning());
					assertThat(pipe.isRunning()).isTrue();
					controller.release.countDown();

					HttpResponse<String> answer = response.get(10, TimeUnit.SECONDS);
					assertThat(answer.statusCode()).isEqualTo(200);
					assertThat(answer.body()).isEqualTo("sent");
					assertThat(client.getBean(TextCollector.class).texts.poll(10, TimeUnit.SECONDS))
						.isEqualTo("sent while the web server shut down");
					closing.get(20, TimeUnit.SECONDS);
					assertThat(pipe.isRunning()).isFalse();
				});
		}
		finally {
			web.close();
		}
	}

	private ConfigurableApplicationContext startWebApp() {
		return new SpringApplicationBuilder(WebApp.class)
			.properties("server.port=0", "server.shutdown=graceful", "spring.lifecycle.timeout-per-shutdown-phase=20s",
					"asyncipc.name=" + this.name, "asyncipc.role=server", "spring.main.banner-mode=off")
			.run();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(SlowController.class)
	static class WebApp {

	}

	/**
	 * Holds its request until released, then sends on the pipe with the blocking template.
	 */
	@RestController
	static class SlowController {

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		private final PipeTemplate template;

		SlowController(PipeTemplate template) {
			this.template = template;
		}

		@GetMapping("/send")
		String send() throws InterruptedException {
			this.entered.countDown();
			if (!this.release.await(30, TimeUnit.SECONDS)) {
				return "never released";
			}
			this.template.convertAndSend("sent while the web server shut down");
			return "sent";
		}

	}

}
