package io.asyncipc.autoconfigure;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.messaging.PipeListenerEndpointRegistry;
import io.asyncipc.transport.EndpointState;
import io.asyncipc.transport.EndpointStatus;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeHandler;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeRole;
import io.asyncipc.transport.PipeTransport;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How each endpoint state shows in health, and each pipe under its id in the {@code pipe}
 * composite. The endpoint is a stub that reports a given status: the transport cannot yet be
 * made to fail for real, and the real states that it can reach are covered end to end in
 * {@link AsyncIpcEndToEndIntegrationTests}.
 */
class PipeHealthIndicatorTests {

	@Test
	void failedIsDownWithTheCauseAndTheState() {
		IOException cause = new IOException("I/O thread asyncipc-orders-io died: epoll_wait failed");
		Health health = healthOf(PipeRole.SERVER, new EndpointStatus(EndpointState.FAILED, 0, 0, cause));
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("state", EndpointState.FAILED)
			.containsEntry("error", "java.io.IOException: I/O thread asyncipc-orders-io died: epoll_wait failed")
			.containsEntry("name", "orders")
			.containsEntry("role", "server")
			.containsEntry("mode", "stub")
			.containsEntry("address", "/run/stub/orders")
			.containsEntry("connections", 0);
	}

	@Test
	void failedWithoutACauseIsStillDown() {
		Health health = healthOf(PipeRole.CLIENT, new EndpointStatus(EndpointState.FAILED, 0, 0, null));
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("state", EndpointState.FAILED).doesNotContainKey("error");
	}

	@Test
	void listeningServerAndConnectedClientAreUp() {
		assertThat(healthOf(PipeRole.SERVER, new EndpointStatus(EndpointState.LISTENING, 2, 0, null)).getStatus())
			.isEqualTo(Status.UP);
		assertThat(healthOf(PipeRole.CLIENT, new EndpointStatus(EndpointState.CONNECTED, 1, 0, null)).getStatus())
			.isEqualTo(Status.UP);
	}

	@Test
	void reconnectingClientIsDownWithItsLastErrorAndAttempts() {
		Health health = healthOf(PipeRole.CLIENT,
				new EndpointStatus(EndpointState.RECONNECTING, 0, 3, new IOException("connection refused")));
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("state", EndpointState.RECONNECTING)
			.containsEntry("failedAttempts", 3)
			.containsEntry("lastError", "connection refused");
	}

	@Test
	void theAutoConfiguredCompositeHasEachPipeUnderItsIdWithItsOwnStatus() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AsyncIpcHealthContributorAutoConfiguration.class))
			.withBean("ordersContainer", PipeEndpointContainer.class,
					() -> container("orders", PipeRole.SERVER, new EndpointStatus(EndpointState.LISTENING, 1, 0, null)))
			.withBean("auditContainer", PipeEndpointContainer.class,
					() -> container("audit", PipeRole.CLIENT, new EndpointStatus(EndpointState.FAILED, 0, 0, null)))
			.run((context) -> {
				CompositeHealthContributor pipe = context.getBean("pipeHealthIndicator",
						CompositeHealthContributor.class);
				assertThat(pipe.stream().map(HealthContributors.Entry::name)).containsExactlyInAnyOrder("orders",
						"audit");
				Health orders = ((HealthIndicator) pipe.getContributor("orders")).health(true);
				Health audit = ((HealthIndicator) pipe.getContributor("audit")).health(true);
				assertThat(orders.getStatus()).isEqualTo(Status.UP);
				assertThat(orders.getDetails()).containsEntry("role", "server");
				assertThat(audit.getStatus()).isEqualTo(Status.DOWN);
				assertThat(audit.getDetails()).containsEntry("role", "client")
					.containsEntry("state", EndpointState.FAILED);
			});
	}

	private static Health healthOf(PipeRole role, EndpointStatus status) {
		PipeEndpointContainer container = container(PipeEndpointContainer.DEFAULT_ID, role, status);
		container.start();
		return new PipeHealthIndicator(container).health(true);
	}

	private static PipeEndpointContainer container(String id, PipeRole role, EndpointStatus status) {
		return new PipeEndpointContainer(id, new StubTransport(status), "orders", role, PipeOptions.defaults(),
				new PipeListenerEndpointRegistry());
	}

	/**
	 * Creates endpoints that report a fixed status.
	 */
	record StubTransport(EndpointStatus status) implements PipeTransport {

		@Override
		public String name() {
			return "stub";
		}

		@Override
		public PipeEndpoint createServer(String name, PipeOptions options, PipeHandler handler) {
			return new StubEndpoint(name, PipeRole.SERVER, this.status);
		}

		@Override
		public PipeEndpoint createClient(String name, PipeOptions options, PipeHandler handler) {
			return new StubEndpoint(name, PipeRole.CLIENT, this.status);
		}

	}

	/**
	 * An endpoint that does nothing and reports a fixed status.
	 */
	record StubEndpoint(String name, PipeRole role, EndpointStatus status) implements PipeEndpoint {

		@Override
		public String address() {
			return "/run/stub/" + this.name;
		}

		@Override
		public void start() {
		}

		@Override
		public void stop(Duration timeout) {
		}

		@Override
		public CompletableFuture<Void> stopAsync(Duration timeout) {
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public Collection<PipeConnection> connections() {
			return List.of();
		}

		@Override
		public Optional<PipeConnection> connection(String id) {
			return Optional.empty();
		}

	}

}
