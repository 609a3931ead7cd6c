package io.asyncipc.autoconfigure;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.asyncipc.messaging.BroadcastResult;
import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.messaging.PipeListener;
import io.asyncipc.messaging.PipeRemoteException;
import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.messaging.micrometer.DefaultPipeListenerObservationConvention;
import io.asyncipc.messaging.micrometer.DefaultPipeTemplateObservationConvention;
import io.asyncipc.messaging.micrometer.PipeListenerObservationConvention;
import io.asyncipc.messaging.micrometer.PipeReceiverContext;
import io.asyncipc.messaging.micrometer.PipeSenderContext;
import io.asyncipc.messaging.micrometer.PipeTemplateObservationConvention;
import io.asyncipc.transport.PipeClosedException;
import io.asyncipc.transport.TestNames;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The observations of sends and listener invocations over a real pipe, with a
 * {@link TestObservationRegistry} on each side: off by default; their names and keys once
 * switched on; a failed send observed with its error; the application's conventions; and a
 * pipe's own setting winning over the top-level one.
 */
class ObservationIntegrationTests {

	private final String name = TestNames.random();

	private ApplicationContextRunner runner(String role, Class<?>... userConfiguration) {
		return PipeContexts.runner(this.name, role, userConfiguration).withUserConfiguration(Registry.class);
	}

	@Test
	void nothingIsObservedByDefault() {
		runner("server", Recorder.class).run((server) -> runner("client").run((client) -> {
			PipeContexts.awaitConnected(client);
			client.getBean(PipeTemplate.class).convertAndSend("hello");
			assertThat(server.getBean(Recorder.class).messages.poll(5, TimeUnit.SECONDS)).isEqualTo("hello");
			assertThat(registry(client)).doesNotHaveAnyObservation();
			assertThat(registry(server)).doesNotHaveAnyObservation();
		}));
	}

	@Test
	void sendsAndListenerInvocationsAreObservedWithTheirKeys() {
		runner("server", Recorder.class).withPropertyValues("asyncipc.listener.observation-enabled=true")
			.run((server) -> runner("client").withPropertyValues("asyncipc.template.observation-enabled=true")
				.run((client) -> {
					PipeContexts.awaitConnected(client);
					client.getBean(PipeTemplate.class).convertAndSend("hello");
					assertThat(server.getBean(Recorder.class).messages.poll(5, TimeUnit.SECONDS)).isEqualTo("hello");
					String serverSide = server.getBean(PipeEndpointContainer.class)
						.getEndpoint()
						.connections()
						.iterator()
						.next()
						.id();
					assertThat(registry(client)).hasNumberOfObservationsEqualTo(1)
						.hasObservationWithNameEqualTo("asyncipc.template")
						.that()
						.hasContextualNameEqualTo("default send")
						.hasLowCardinalityKeyValue("messaging.system", "asyncipc")
						.hasLowCardinalityKeyValue("asyncipc.pipe", "default")
						.hasLowCardinalityKeyValue("asyncipc.role", "client")
						.hasLowCardinalityKeyValue("messaging.operation", "send")
						.hasHighCardinalityKeyValue("asyncipc.connection.id", PipeTemplate.PEER)
						.doesNotHaveError()
						.hasBeenStopped();
					await().atMost(5, TimeUnit.SECONDS)
						.untilAsserted(() -> assertThat(registry(server)).hasNumberOfObservationsEqualTo(1)
							.hasObservationWithNameEqualTo("asyncipc.listener")
							.that()
							.hasContextualNameEqualTo("default process")
							.hasLowCardinalityKeyValue("messaging.system", "asyncipc")
							.hasLowCardinalityKeyValue("asyncipc.pipe", "default")
							.hasLowCardinalityKeyValue("asyncipc.role", "server")
							.hasLowCardinalityKeyValue("messaging.operation", "process")
							.hasLowCardinalityKeyValue("asyncipc.listener.id", "recorder")
							.doesNotHaveLowCardinalityKeyValueWithKey("asyncipc.connection.id")
							.hasHighCardinalityKeyValue("asyncipc.connection.id", serverSide)
							.hasBeenStopped());
				}));
	}

	@Test
	void aBroadcastAndARequestAreObservedAsSuch() {
		runner("server", Recorder.class)
			.withPropertyValues("asyncipc.template.observation-enabled=true")
			.run((server) -> runner("client", Recorder.class).run((client) -> {
				PipeContexts.awaitConnected(client);
				PipeTemplate template = server.getBean(PipeTemplate.class);
				BroadcastResult broadcast = template.convertAndBroadcastAsync("to all").get(5, TimeUnit.SECONDS);
				assertThat(broadcast.allDelivered()).isTrue();
				assertThat(template.convertSendAndReceive("question", String.class)).isEqualTo("answer to question");
				assertThat(registry(server)).hasNumberOfObservationsEqualTo(2)
					.hasAnObservation((observation) -> observation.hasNameEqualTo("asyncipc.template")
						.hasLowCardinalityKeyValue("messaging.operation", "broadcast")
						.hasLowCardinalityKeyValue("asyncipc.role", "server")
						.hasHighCardinalityKeyValue("asyncipc.connection.id", PipeTemplate.PEER))
					.hasAnObservation((observation) -> observation.hasNameEqualTo("asyncipc.template")
						.hasContextualNameEqualTo("default request")
						.hasLowCardinalityKeyValue("messaging.operation", "request")
						.hasHighCardinalityKeyValueWithKey("messaging.message.conversation_id")
						.doesNotHaveError());
			}));
	}

	@Test
	void aFailedSendIsObservedWithItsError() {
		runner("client").withPropertyValues("asyncipc.template.observation-enabled=true").run((client) -> {
			CompletableFuture<?> send = client.getBean(PipeTemplate.class).convertAndSendAsync("nobody listens");
			await().atMost(5, TimeUnit.SECONDS).until(send::isDone);
			assertThat(send).isCompletedExceptionally();
			assertThat(registry(client)).hasSingleObservationThat()
				.hasNameEqualTo("asyncipc.template")
				.hasBeenStopped()
				.assertThatError()
				.isInstanceOf(PipeClosedException.class);
		});
	}

	@Test
	void aListenersFailureIsTheErrorOfItsObservationAlsoWhenItsStageFails() {
		runner("server", Failing.class).withPropertyValues("asyncipc.listener.observation-enabled=true")
			.run((server) -> runner("client").run((client) -> {
				PipeContexts.awaitConnected(client);
				PipeTemplate template = client.getBean(PipeTemplate.class);
				assertThatExceptionOfType(PipeRemoteException.class)
					.isThrownBy(() -> template.convertSendAndReceive("now", String.class))
					.withMessageContaining("out of stock now");
				assertThatExceptionOfType(PipeRemoteException.class)
					.isThrownBy(() -> template.convertSendAndReceive(42, String.class))
					.withMessageContaining("out of stock later");
				await().atMost(5, TimeUnit.SECONDS)
					.untilAsserted(() -> assertThat(registry(server)).hasNumberOfObservationsEqualTo(2)
						.hasAnObservation((observation) -> observation
							.hasLowCardinalityKeyValue("asyncipc.listener.id", "failing.now")
							.assertThatError()
							.hasMessage("out of stock now"))
						.hasAnObservation((observation) -> observation
							.hasLowCardinalityKeyValue("asyncipc.listener.id", "failing.later")
							.assertThatError()
							.hasMessage("out of stock later")));
			}));
	}

	@Test
	void theApplicationsConventionsNameTheObservations() {
		runner("server", Recorder.class, Conventions.class)
			.withPropertyValues("asyncipc.listener.observation-enabled=true")
			.run((server) -> runner("client", Conventions.class)
				.withPropertyValues("asyncipc.template.observation-enabled=true")
				.run((client) -> {
					PipeContexts.awaitConnected(client);
					client.getBean(PipeTemplate.class).convertAndSend("hello");
					assertThat(registry(client)).hasObservationWithNameEqualTo("orders.sent")
						.that()
						.hasLowCardinalityKeyValue("tenant", "acme")
						.hasLowCardinalityKeyValue("messaging.operation", "send");
					await().atMost(5, TimeUnit.SECONDS)
						.untilAsserted(() -> assertThat(registry(server))
							.hasObservationWithNameEqualTo("orders.handled")
							.that()
							.hasLowCardinalityKeyValue("tenant", "acme")
							.hasLowCardinalityKeyValue("asyncipc.listener.id", "recorder"));
				}));
	}

	@Test
	void aPipesOwnSettingWinsOverTheTopLevelOne() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(AsyncIpcAutoConfiguration.class))
			.withUserConfiguration(Registry.class)
			.withPropertyValues("asyncipc.template.observation-enabled=true", "asyncipc.reconnect.max-backoff=200ms",
					"asyncipc.pipes.loud.name=" + this.name + "-loud", "asyncipc.pipes.loud.role=client",
					"asyncipc.pipes.quiet.name=" + this.name + "-quiet", "asyncipc.pipes.quiet.role=client",
					"asyncipc.pipes.quiet.template.observation-enabled=false")
			.run((context) -> {
				// Neither client has a server: both sends fail at once, and only the loud pipe's is observed.
				for (String id : new String[] { "loud", "quiet" }) {
					CompletableFuture<?> send = context.getBean(id + "PipeTemplate", PipeTemplate.class)
						.convertAndSendAsync("hello");
					await().atMost(5, TimeUnit.SECONDS).until(send::isDone);
				}
				assertThat(registry(context)).hasSingleObservationThat()
					.hasLowCardinalityKeyValue("asyncipc.pipe", "loud");
			});
	}

	@Test
	void withoutAnObservationRegistryNothingIsObservedAndThePipeStillWorks() {
		PipeContexts.runner(this.name, "server", Recorder.class)
			.withPropertyValues("asyncipc.listener.observation-enabled=true")
			.run((server) -> PipeContexts.runner(this.name, "client")
				.withPropertyValues("asyncipc.template.observation-enabled=true")
				.run((client) -> {
					PipeContexts.awaitConnected(client);
					client.getBean(PipeTemplate.class).convertAndSend("hello");
					assertThat(server.getBean(Recorder.class).messages.poll(5, TimeUnit.SECONDS)).isEqualTo("hello");
				}));
	}

	private static TestObservationRegistry registry(AssertableApplicationContext context) {
		return context.getBean(TestObservationRegistry.class);
	}

	@Configuration(proxyBeanMethods = false)
	static class Registry {

		@Bean
		TestObservationRegistry observationRegistry() {
			return TestObservationRegistry.create();
		}

	}

	static class Recorder {

		final BlockingQueue<String> messages = new LinkedBlockingQueue<>();

		@PipeListener(id = "recorder")
		String onMessage(String text) {
			this.messages.add(text);
			return text.equals("question") ? "answer to question" : null;
		}

	}

	static class Failing {

		@PipeListener(id = "failing.now", returnExceptions = true)
		String now(String order) {
			throw new IllegalStateException("out of stock " + order);
		}

		@PipeListener(id = "failing.later", returnExceptions = true)
		CompletableFuture<String> later(Integer order) {
			return CompletableFuture.failedFuture(new IllegalStateException("out of stock later"));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Conventions {

		@Bean
		PipeTemplateObservationConvention ordersTemplateConvention() {
			return new DefaultPipeTemplateObservationConvention() {

				@Override
				public String getName() {
					return "orders.sent";
				}

				@Override
				public KeyValues getLowCardinalityKeyValues(PipeSenderContext context) {
					return super.getLowCardinalityKeyValues(context).and("tenant", "acme");
				}

			};
		}

		@Bean
		PipeListenerObservationConvention ordersListenerConvention() {
			return new DefaultPipeListenerObservationConvention() {

				@Override
				public String getName() {
					return "orders.handled";
				}

				@Override
				public KeyValues getLowCardinalityKeyValues(PipeReceiverContext context) {
					return super.getLowCardinalityKeyValues(context).and("tenant", "acme");
				}

			};
		}

	}

}
