package io.asyncipc.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.asyncipc.messaging.MessagingPipeListenerAdapter;
import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.messaging.PipeHandler;
import io.asyncipc.messaging.PipeListener;
import io.asyncipc.messaging.PipeListenerEndpointRegistry;
import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.messaging.PipeTemplates;
import io.asyncipc.messaging.event.PipeConnectedEvent;
import io.asyncipc.transport.EndpointState;
import io.asyncipc.transport.InboundMemoryBudget;
import io.asyncipc.transport.PipeRole;
import io.asyncipc.transport.TestNames;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Several pipes in one application: one context holds the server pipe {@code orders} and the
 * client pipe {@code audit} of the same pipe name, so that it talks to itself over a real
 * socket (or named pipe), each pipe with its own listeners (method-level, and class-level with
 * routing by type) and template, in both directions.
 */
class SeveralPipesIntegrationTests {

	private final String name = TestNames.random();

	/**
	 * Returns the value of {@code asyncipc.pipes.<id>.mode} the pipes run with.
	 * @return the mode
	 */
	protected String mode() {
		return "auto";
	}

	private ApplicationContextRunner runner(Class<?>... userConfiguration) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AsyncIpcAutoConfiguration.class,
					AsyncIpcHealthContributorAutoConfiguration.class))
			.withUserConfiguration(userConfiguration)
			.withPropertyValues("asyncipc.pipes.orders.name=" + this.name, "asyncipc.pipes.orders.mode=" + mode(),
					"asyncipc.pipes.audit.name=" + this.name, "asyncipc.pipes.audit.role=client",
					"asyncipc.pipes.audit.mode=" + mode(), "asyncipc.reconnect.min-backoff=20ms",
					"asyncipc.pipes.audit.reconnect.max-backoff=200ms");
	}

	@Test
	void eachPipeDeliversToItsOwnListenersOnly() {
		runner(OrdersListener.class, AuditListener.class, Senders.class).run((context) -> {
			awaitConnected(context);
			Senders senders = context.getBean(Senders.class);
			senders.audit.convertAndSend("to the server");
			senders.orders.convertAndSend("to the client");
			assertThat(context.getBean(OrdersListener.class).texts.poll(5, TimeUnit.SECONDS)).isEqualTo("to the server");
			assertThat(context.getBean(AuditListener.class).texts.poll(5, TimeUnit.SECONDS)).isEqualTo("to the client");
			// One more round: a message that reached the wrong listener would show up before it.
			senders.audit.convertAndSend("second");
			assertThat(context.getBean(OrdersListener.class).texts.poll(5, TimeUnit.SECONDS)).isEqualTo("second");
			assertThat(context.getBean(AuditListener.class).texts).isEmpty();
		});
	}

	@Test
	void eachPipeRoutesByTypeToItsOwnListenersInBothDirections() {
		try (CapturedLog unmatched = CapturedLog.of(PipeListenerEndpointRegistry.class);
				CapturedLog failures = CapturedLog.of(MessagingPipeListenerAdapter.class)) {
			runner(OrdersRouter.class, AuditOrders.class, AuditTexts.class, Senders.class).run((context) -> {
				awaitConnected(context);
				Senders senders = context.getBean(Senders.class);
				for (PipeTemplate template : List.of(senders.audit, senders.orders)) {
					template.convertAndSend(new Order("A-17", 3));
					template.convertAndSend("words");
					template.convertAndSend("last");
				}
				OrdersRouter orders = context.getBean(OrdersRouter.class);
				AuditTexts auditTexts = context.getBean(AuditTexts.class);
				assertThat(pollUntilLast(orders.received)).containsExactly(new Order("A-17", 3), "words", "last");
				assertThat(pollUntilLast(auditTexts.texts)).containsExactly("words", "last");
				// Each pipe's messages were routed before its "last": a message that reached a
				// listener of the other pipe would be in its queue by now.
				assertThat(context.getBean(AuditOrders.class).orders).containsExactly(new Order("A-17", 3));
				assertThat(orders.received).isEmpty();
			});
			assertThat(unmatched.events()).isEmpty();
			assertThat(failures.events()).isEmpty();
		}
	}

	private static List<Object> pollUntilLast(BlockingQueue<?> queue) throws InterruptedException {
		List<Object> taken = new ArrayList<>();
		while (!taken.contains("last")) {
			Object next = queue.poll(5, TimeUnit.SECONDS);
			assertThat(next).as("the next message before 'last'; received so far: %s", taken).isNotNull();
			taken.add(next);
		}
		return taken;
	}

	@Test
	void eachPipeHasItsContainerAndTemplateByQualifierAndById() {
		runner(Senders.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeansOfType(PipeEndpointContainer.class)).hasSize(2);
			Senders senders = context.getBean(Senders.class);
			assertThat(senders.orders.getPipeId()).isEqualTo("orders");
			assertThat(senders.audit.getPipeId()).isEqualTo("audit");
			assertThat(senders.ordersContainer.getRole()).isEqualTo(PipeRole.SERVER);
			assertThat(senders.auditContainer.getRole()).isEqualTo(PipeRole.CLIENT);
			PipeTemplates templates = context.getBean(PipeTemplates.class);
			assertThat(templates.get("orders")).isSameAs(senders.orders);
			assertThat(templates.get("audit")).isSameAs(senders.audit);
			assertThat(templates.getPipeIds()).containsExactly("orders", "audit");
			assertThatIllegalArgumentException().isThrownBy(() -> templates.get("billing"))
				.withMessage("no pipe has the id 'billing': the pipes of this application are [orders, audit]");
		});
	}

	@Test
	void settingsOfAPipeFallBackToTheTopLevel() {
		runner().withPropertyValues("asyncipc.max-connections=7", "asyncipc.pipes.orders.max-connections=3")
			.run((context) -> {
				AsyncIpcProperties properties = context.getBean(AsyncIpcProperties.class);
				InboundMemoryBudget budget = InboundMemoryBudget.processWide();
				assertThat(PipeSettings.options(PipeDefinition.of("orders", properties), budget, null).maxConnections())
					.isEqualTo(3);
				assertThat(PipeSettings.options(PipeDefinition.of("audit", properties), budget, null).maxConnections())
					.isEqualTo(7);
			});
	}

	@Test
	void allPipesShareOneInboundMemoryBudget() {
		runner().withPropertyValues("asyncipc.max-inbound-memory=32MB").run((context) -> {
			assertThat(context).hasNotFailed();
			List<PipeEndpointContainer> containers = List
				.copyOf(context.getBeansOfType(PipeEndpointContainer.class).values());
			assertThat(containers).hasSize(2);
			assertThat(containers.get(0).getOptions().inboundBudget())
				.isSameAs(containers.get(1).getOptions().inboundBudget());
			assertThat(containers.get(0).getOptions().inboundBudget().limit()).isEqualTo(32L * 1024 * 1024);
		});
	}

	@Test
	void eventsCarryThePipeId() {
		runner(ConnectionEvents.class).run((context) -> {
			awaitConnected(context);
			List<PipeConnectedEvent> events = context.getBean(ConnectionEvents.class).events;
			await().atMost(5, TimeUnit.SECONDS).until(() -> events.size() == 2);
			assertThat(events).extracting(PipeConnectedEvent::getPipeId).containsExactlyInAnyOrder("orders", "audit");
			assertThat(events).extracting(PipeConnectedEvent::getPipeName).containsOnly(this.name);
		});
	}

	@Test
	void healthIsACompositeWithOneComponentPerPipe() {
		runner().run((context) -> {
			awaitConnected(context);
			CompositeHealthContributor pipe = context.getBean("pipeHealthIndicator", CompositeHealthContributor.class);
			assertThat(pipe.stream().map((entry) -> entry.name())).containsExactlyInAnyOrder("orders", "audit");
			HealthIndicator orders = (HealthIndicator) pipe.getContributor("orders");
			HealthIndicator audit = (HealthIndicator) pipe.getContributor("audit");
			assertThat(orders.health(true).getStatus()).isEqualTo(Status.UP);
			assertThat(orders.health(true).getDetails()).containsEntry("role", "server").containsEntry("connections", 1);
			assertThat(audit.health(true).getStatus()).isEqualTo(Status.UP);
			assertThat(audit.health(true).getDetails()).containsEntry("role", "client")
				.containsEntry("state", EndpointState.CONNECTED);
		});
	}

	@Test
	void oneListenerBindsToTheOnlyPipeOfTheMapWithoutNamingIt() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(AsyncIpcAutoConfiguration.class))
			.withUserConfiguration(TextCollector.class)
			.withPropertyValues("asyncipc.pipes.orders.name=" + this.name, "asyncipc.pipes.orders.mode=" + mode())
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(PipeTemplate.class);
				assertThat(context.getBean(PipeTemplate.class).getPipeId()).isEqualTo("orders");
			});
	}

	@Test
	void aListenerThatNamesNoPipeAmongSeveralFailsNamingItAndThePipes() {
		runner(TextCollector.class).run((context) -> assertThat(context).getFailure()
			.isInstanceOf(BeanInitializationException.class)
			.hasMessageContaining("@PipeListener method 'collect' of bean")
			.hasMessageContaining(TextCollector.class.getName())
			.hasMessageContaining("names no pipe, and this application has the pipes [audit, orders]"));
	}

	@Test
	void aListenerThatNamesAnUnknownPipeFailsNamingItAndThePipes() {
		runner(BillingListener.class).run((context) -> assertThat(context).getFailure()
			.isInstanceOf(BeanInitializationException.class)
			.hasMessageContaining("@PipeListener method 'onBill' of bean")
			.hasMessageContaining("names the pipe 'billing', which does not exist: the pipes of this application are "
					+ "[audit, orders]"));
	}

	@Test
	void theSinglePipeAndTheMapTogetherFailNamingTheProperties() {
		runner().withPropertyValues("asyncipc.name=" + this.name)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("asyncipc.name configures the single pipe and asyncipc.pipes.* configures several"));
	}

	@Test
	void aBadValueOfAPipeFailsNamingTheFullProperty() {
		runner().withPropertyValues("asyncipc.pipes.orders.role=sever")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("asyncipc.pipes.orders.role must be 'server' or 'client', got 'sever'"));
	}

	@Test
	void aBadLimitOfAPipeFailsNamingTheFullProperty() {
		runner().withPropertyValues("asyncipc.pipes.audit.max-connections=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("asyncipc.pipes.audit.max-connections")
				.hasMessageContaining("the connection limit must be at least 1, got 0"));
	}

	@Test
	void aFailFastClientPipeWithoutItsServerFailsNamingItsProperty() {
		runner().withPropertyValues("asyncipc.pipes.orders.name=" + TestNames.random(),
				"asyncipc.pipes.audit.client.fail-fast=true", "asyncipc.pipes.audit.client.startup-timeout=300ms")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("asyncipc.pipes.audit.client.fail-fast is set and no server answered on pipe '"
						+ this.name + "'"));
	}

	private static void awaitConnected(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		for (PipeEndpointContainer container : context.getBeansOfType(PipeEndpointContainer.class).values()) {
			await().atMost(10, TimeUnit.SECONDS).until(() -> container.getEndpoint().connections().size() == 1);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class OrdersListener {

		final BlockingQueue<String> texts = new LinkedBlockingQueue<>();

		@PipeListener(pipe = "orders")
		void onOrder(String text) {
			this.texts.add(text);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AuditListener {

		final BlockingQueue<String> texts = new LinkedBlockingQueue<>();

		@PipeListener(pipe = "audit")
		void onAudit(String text) {
			this.texts.add(text);
		}

	}

	record Order(String id, int quantity) {
	}

	/**
	 * A class-level listener of the server pipe {@code orders}.
	 */
	@Configuration(proxyBeanMethods = false)
	@PipeListener(pipe = "orders")
	static class OrdersRouter {

		final BlockingQueue<Object> received = new LinkedBlockingQueue<>();

		@PipeHandler
		void order(Order order) {
			this.received.add(order);
		}

		@PipeHandler
		void text(String text) {
			this.received.add(text);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AuditOrders {

		final BlockingQueue<Order> orders = new LinkedBlockingQueue<>();

		@PipeListener(pipe = "audit")
		void onOrder(Order order) {
			this.orders.add(order);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AuditTexts {

		final BlockingQueue<String> texts = new LinkedBlockingQueue<>();

		@PipeListener(pipe = "audit")
		void onText(String text) {
			this.texts.add(text);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BillingListener {

		@PipeListener(pipe = "billing")
		void onBill(String text) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Senders {

		final PipeTemplate orders;

		final PipeTemplate audit;

		final PipeEndpointContainer ordersContainer;

		final PipeEndpointContainer auditContainer;

		Senders(@Qualifier("orders") PipeTemplate orders, @Qualifier("audit") PipeTemplate audit,
				@Qualifier("orders") PipeEndpointContainer ordersContainer,
				@Qualifier("audit") PipeEndpointContainer auditContainer) {
			this.orders = orders;
			this.audit = audit;
			this.ordersContainer = ordersContainer;
			this.auditContainer = auditContainer;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ConnectionEvents {

		final List<PipeConnectedEvent> events = new CopyOnWriteArrayList<>();

		@EventListener
		void onConnected(PipeConnectedEvent event) {
			this.events.add(event);
		}

	}

}
