package io.asyncipc.autoconfigure;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.transport.PipeClosedException;
import io.asyncipc.transport.SendResult;
import io.asyncipc.transport.TestNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.Lifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.context.support.DefaultLifecycleProcessor;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stopping the pipe never holds up the context longer than
 * {@code spring.lifecycle.timeout-per-shutdown-phase}, even when a peer never reads and the
 * queued messages cannot drain: the pipe stops in time and tells Spring so through the stop
 * callback, before Spring gives up on the phase.
 */
class PipeShutdownIntegrationTests {

	static final Duration PHASE_TIMEOUT = Duration.ofSeconds(2);

	/** More than a socket buffer holds, so that it stays queued while the peer does not read. */
	static final int UNREAD_BYTES = 8 * 1024 * 1024;

	@TempDir
	Path directory;

	/**
	 * The peers here are bare sockets that never speak, so the pipes use the raw format: an
	 * envelope server would hold its first sends to such a peer for a second, until it knows the
	 * peer's format, and they would not be queued when the stop begins.
	 */
	private ApplicationContextRunner runner(String role, String name) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AsyncIpcAutoConfiguration.class))
			.withUserConfiguration(RecordingLifecycleConfiguration.class)
			.withPropertyValues("asyncipc.name=" + name, "asyncipc.role=" + role, "asyncipc.format=raw",
					"asyncipc.reconnect.min-backoff=20ms", "asyncipc.reconnect.max-backoff=200ms",
					"spring.lifecycle.timeout-per-shutdown-phase=" + PHASE_TIMEOUT.toMillis() + "ms");
	}

	@Test
	void serverWhoseClientNeverReadsStopsWithinTheShutdownPhase() {
		runner("server", TestNames.random()).run((server) -> {
			assertThat(server).hasNotFailed();
			PipeEndpointContainer container = server.getBean(PipeEndpointContainer.class);
			try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
				client.connect(UnixDomainSocketAddress.of(container.getEndpoint().address()));
				awaitConnections(container);
				assertStopFailsAnUnreadSendWithinThePhase(server);
			}
		});
	}

	@Test
	void clientWhoseServerNeverReadsStopsWithinTheShutdownPhase() throws Exception {
		Path socket = this.directory.resolve("never-reads.sock");
		try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
			server.bind(UnixDomainSocketAddress.of(socket));
			server.configureBlocking(false);
			runner("client", socket.toString()).run((client) -> {
				assertThat(client).hasNotFailed();
				try (SocketChannel accepted = await().atMost(10, TimeUnit.SECONDS)
					.until(server::accept, (channel) -> channel != null)) {
					awaitConnections(client.getBean(PipeEndpointContainer.class));
					assertStopFailsAnUnreadSendWithinThePhase(client);
				}
			});
		}
	}

	@Test
	void stopWithACallbackReturnsAtOnceAndCallsBackWithinTheTimeout() {
		runner("server", TestNames.random()).run((server) -> {
			assertThat(server).hasNotFailed();
			PipeEndpointContainer container = server.getBean(PipeEndpointContainer.class);
			try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
				client.connect(UnixDomainSocketAddress.of(container.getEndpoint().address()));
				awaitConnections(container);
				sendUnreadable(server);
				CompletableFuture<Long> calledBack = new CompletableFuture<>();
				long start = System.nanoTime();
				container.stop(() -> calledBack.complete(System.nanoTime()));
				Duration returnedAfter = Duration.ofNanos(System.nanoTime() - start);
				assertThat(container.isRunning()).isFalse();
				assertThat(calledBack).isNotDone();
				assertThat(returnedAfter).isLessThan(PHASE_TIMEOUT.dividedBy(2));
				long calledBackAt = calledBack.get(2 * PHASE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
				assertThat(Duration.ofNanos(calledBackAt - start)).isLessThan(PHASE_TIMEOUT);
			}
		});
	}

	@Test
	void stopWithoutACallbackWaitsNoLongerThanTheTimeout() {
		runner("server", TestNames.random()).run((server) -> {
			assertThat(server).hasNotFailed();
			PipeEndpointContainer container = server.getBean(PipeEndpointContainer.class);
			try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
				client.connect(UnixDomainSocketAddress.of(container.getEndpoint().address()));
				awaitConnections(container);
				CompletableFuture<SendResult> unread = sendUnreadable(server);
				long start = System.nanoTime();
				container.stop();
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PHASE_TIMEOUT);
				assertThat(container.isRunning()).isFalse();
				assertThat(unread).isCompletedExceptionally();
			}
		});
	}

	/**
	 * Sends what the peer never reads, closes the context, and checks that it closed and
	 * called back within the phase and that the unread send failed.
	 */
	private static void assertStopFailsAnUnreadSendWithinThePhase(AssertableApplicationContext context) {
		CompletableFuture<SendResult> unread = sendUnreadable(context);
		assertClosesWithinThePhaseAndCallsBack(context);
		assertThat(unread).failsWithin(PHASE_TIMEOUT)
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(PipeClosedException.class);
	}

	private static CompletableFuture<SendResult> sendUnreadable(AssertableApplicationContext context) {
		CompletableFuture<SendResult> send = context.getBean(PipeTemplate.class)
			.convertAndSendAsync(new byte[UNREAD_BYTES]);
		assertThat(send).isNotDone();
		return send;
	}

	private static void assertClosesWithinThePhaseAndCallsBack(AssertableApplicationContext context) {
		StopRecorder recorder = context.getBean(RecordingLifecycleProcessor.class).recorder;
		long start = System.nanoTime();
		context.close();
		Duration closedAfter = Duration.ofNanos(System.nanoTime() - start);
		assertThat(recorder.stopBegan).isDone();
		assertThat(recorder.calledBack).isDone();
		Duration calledBackAfter = Duration.ofNanos(recorder.calledBack.join() - recorder.stopBegan.join());
		assertThat(calledBackAfter).isLessThan(PHASE_TIMEOUT);
		assertThat(closedAfter).isLessThan(PHASE_TIMEOUT.plusMillis(1500));
	}

	private static void awaitConnections(PipeEndpointContainer container) {
		await().atMost(10, TimeUnit.SECONDS).until(() -> container.getEndpoint().connections().size() == 1);
	}

	@Configuration(proxyBeanMethods = false)
	static class RecordingLifecycleConfiguration {

		@Bean(AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME)
		RecordingLifecycleProcessor lifecycleProcessor(Environment environment) {
			RecordingLifecycleProcessor processor = new RecordingLifecycleProcessor();
			processor.setTimeoutPerShutdownPhase(Binder.get(environment)
				.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
				.get()
				.toMillis());
			return processor;
		}

	}

	/**
	 * Spring's own lifecycle processor, with Spring Boot's phase timeout, that records when it
	 * asked the pipe container to stop and when the container called back.
	 */
	static class RecordingLifecycleProcessor extends DefaultLifecycleProcessor {

		final StopRecorder recorder = new StopRecorder();

		@Override
		protected Map<String, Lifecycle> getLifecycleBeans() {
			Map<String, Lifecycle> beans = new LinkedHashMap<>(super.getLifecycleBeans());
			beans.replaceAll((name, bean) -> (bean instanceof PipeEndpointContainer container)
					? new RecordingLifecycle(container, this.recorder) : bean);
			return beans;
		}

	}

	static class StopRecorder {

		final CompletableFuture<Long> stopBegan = new CompletableFuture<>();

		final CompletableFuture<Long> calledBack = new CompletableFuture<>();

	}

	/**
	 * Passes everything on to the container, and records the stop and its callback.
	 */
	record RecordingLifecycle(SmartLifecycle delegate, StopRecorder recorder) implements SmartLifecycle {

		@Override
		public void start() {
			this.delegate.start();
		}

		@Override
		public void stop() {
			this.delegate.stop();
		}

		@Override
		public void stop(Runnable callback) {
			this.recorder.stopBegan.complete(System.nanoTime());
			this.delegate.stop(() -> {
				this.recorder.calledBack.complete(System.nanoTime());
				callback.run();
			});
		}

		@Override
		public boolean isRunning() {
			return this.delegate.isRunning();
		}

		@Override
		public boolean isAutoStartup() {
			return this.delegate.isAutoStartup();
		}

		@Override
		public boolean isPauseable() {
			return this.delegate.isPauseable();
		}

		@Override
		public int getPhase() {
			return this.delegate.getPhase();
		}

	}

}
