package io.asyncipc.messaging;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.asyncipc.messaging.event.PipeEvent;
import io.asyncipc.messaging.event.PipeFailedEvent;
import io.asyncipc.messaging.event.PipeWritabilityChangedEvent;
import io.asyncipc.transport.EndpointState;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeRole;
import io.asyncipc.transport.RecordingHandler;
import io.asyncipc.transport.TestNames;
import io.asyncipc.transport.unix.UnixSocketTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.SmartLifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the container makes of the transport's reports. The transport cannot yet be made to
 * fail or to cross a writability watermark for real, so these tests call the container's
 * {@link io.asyncipc.transport.PipeHandler} methods as the transport would, on a real
 * endpoint and connection.
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
	void failedStatePublishesPipeFailedEventWithTheCause() {
		this.server.start();
		this.events.clear();
		IOException cause = new IOException("epoll_wait failed");
		this.server.onStateChanged(this.server.getEndpoint(), EndpointState.STOPPING, null);
		this.server.onStateChanged(this.server.getEndpoint(), EndpointState.FAILED, cause);
		assertThat(this.events).hasSize(1).first().isInstanceOfSatisfying(PipeFailedEvent.class, (failed) -> {
			assertThat(failed.getPipeName()).isEqualTo(this.server.getName());
			assertThat(failed.getRole()).isEqualTo(PipeRole.SERVER);
			assertThat(failed.getCause()).isSameAs(cause);
			assertThat(failed.getSource()).isSameAs(this.server);
		});
	}

	@Test
	void writabilityChangePublishesPipeWritabilityChangedEvent() {
		this.server.start();
		this.client = this.transport.createClient(this.server.getName(), PipeOptions.defaults(), new RecordingHandler());
		this.client.start();
		await().atMost(10, TimeUnit.SECONDS).until(() -> this.server.getEndpoint().connections().size() == 1);
		PipeConnection connection = this.server.getEndpoint().connections().iterator().next();
		this.server.onWritabilityChanged(connection, false);
		this.server.onWritabilityChanged(connection, true);
		List<PipeWritabilityChangedEvent> changes = this.events.stream()
			.filter(PipeWritabilityChangedEvent.class::isInstance)
			.map(PipeWritabilityChangedEvent.class::cast)
			.toList();
		assertThat(changes).extracting(PipeWritabilityChangedEvent::isWritable).containsExactly(false, true);
		assertThat(changes).allSatisfy((change) -> {
			assertThat(change.getConnectionId()).isEqualTo(connection.id());
			// The connection as listeners see it: what the application sends on it goes out as an envelope.
			assertThat(change.getConnection()).isInstanceOf(EnvelopeConnection.class);
			assertThat(change.getConnection().id()).isEqualTo(connection.id());
			assertThat(change.getPipeName()).isEqualTo(this.server.getName());
		});
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
