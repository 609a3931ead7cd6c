package io.asyncipc.messaging;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.asyncipc.messaging.event.PipeEvent;
import io.asyncipc.transport.EndpointState;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeRole;
import io.asyncipc.transport.TestNames;
import io.asyncipc.transport.unix.UnixSocketTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.SmartLifecycle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container's life cycle on a real endpoint.
 */
class PipeEndpointContainerTests {

	private final UnixSocketTransport transport = new UnixSocketTransport();

	private final List<PipeEvent> events = new CopyOnWriteArrayList<>();

	private final PipeEndpointContainer server = container(PipeRole.SERVER, TestNames.random());

	private PipeEndpoint client;

	@AfterEach
	void stop() {
		if (this.client != null) {
			this.client.stop(Duration.ZERO);
		}
		this.server.stop();
	}

	@Test
	void stopsAfterTheWebServerUnlessTold() {
		assertThat(this.server.getPhase()).isEqualTo(PipeEndpointContainer.DEFAULT_PHASE)
			.isEqualTo(SmartLifecycle.DEFAULT_PHASE - 3072);
		this.server.setPhase(42);
		assertThat(this.server.getPhase()).isEqualTo(42);
	}

	@Test
	void drainsForTheShutdownTimeoutLessAMargin() {
		this.server.setShutdownTimeout(Duration.ofSeconds(30));
		assertThat(this.server.endpointStopTimeout()).isEqualTo(Duration.ofSeconds(29));
		this.server.setShutdownTimeout(Duration.ofSeconds(1));
		assertThat(this.server.endpointStopTimeout()).isEqualTo(Duration.ofMillis(800));
		this.server.setShutdownTimeout(Duration.ZERO);
		assertThat(this.server.endpointStopTimeout()).isEqualTo(Duration.ZERO);
	}

	@Test
	void isNotRunningOnceStopBegan() throws Exception {
		this.server.start();
		assertThat(this.server.isRunning()).isTrue();
		CompletableFuture<Void> stopped = new java.util.concurrent.CompletableFuture<>();
		this.server.stop(() -> stopped.complete(null));
		assertThat(this.server.isRunning()).isFalse();
		stopped.get(10, TimeUnit.SECONDS);
		assertThat(this.server.getEndpoint().status().state()).isEqualTo(EndpointState.STOPPED);
		CompletableFuture<Void> again = new java.util.concurrent.CompletableFuture<>();
		this.server.stop(() -> again.complete(null));
		assertThat(again).isDone();
	}

	private PipeEndpointContainer container(PipeRole role, String name) {
		PipeEndpointContainer container = new PipeEndpointContainer(this.transport, name, role, PipeOptions.defaults(),
				new PipeListenerEndpointRegistry());
		container.setApplicationEventPublisher((event) -> {
			if (event instanceof PipeEvent pipeEvent) {
				this.events.add(pipeEvent);
			}
		});
		return container;
	}

}
