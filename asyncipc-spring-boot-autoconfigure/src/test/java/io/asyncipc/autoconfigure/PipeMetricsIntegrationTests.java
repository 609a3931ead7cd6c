package io.asyncipc.autoconfigure;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.messaging.PipeListener;
import io.asyncipc.messaging.PipeReplyTimeoutException;
import io.asyncipc.messaging.PipeRemoteException;
import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.messaging.event.PipePeerRejectedEvent;
import io.asyncipc.transport.MessageTooLargeException;
import io.asyncipc.transport.OutboundQueueFullException;
import io.asyncipc.transport.PipeClosedException;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeStatistics;
import io.asyncipc.transport.SendResult;
import io.asyncipc.transport.TestNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.RequiredSearch;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * The pipes' meters after real traffic between two application contexts over a real pipe, each
 * with Boot's metrics auto-configuration and its simple registry: exact message and byte counts
 * both ways, the connection gauge, send failures by reason, the listener and request timers,
 * a client's reconnect after its server restarted, a server's refused peer, counts that go on
 * across a restart of the pipe, and meters removed when the context closes.
 */
class PipeMetricsIntegrationTests {

	private static final int MESSAGES = 20;

	private static final int SIZE = 100;

	private static final int REPLIES = 7;

	private static final int REPLY_SIZE = 50;

	private final String name = TestNames.random();

	/**
	 * Returns the value of {@code asyncipc.mode} the pipes run with.
	 * @return the mode
	 */
	protected String mode() {
		return "auto";
	}

	private ApplicationContextRunner runner(String role, Class<?> listeners) {
		return PipeContexts.runner(this.name, role, listeners)
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
					AsyncIpcMetricsAutoConfiguration.class))
			.withPropertyValues("asyncipc.mode=" + mode());
	}

	@Test
	void rawTrafficIsCountedExactlyBothWaysAndTheConnectionGaugeGoesFromOneToZero() {
		runner("server", Bytes.class).withPropertyValues("asyncipc.format=raw").run((server) -> {
			MeterRegistry serverMeters = server.getBean(MeterRegistry.class);
			runner("client", Bytes.class).withPropertyValues("asyncipc.format=raw").run((client) -> {
				PipeContexts.awaitConnected(client);
				MeterRegistry clientMeters = client.getBean(MeterRegistry.class);
				assertThat(gauge(serverMeters, "asyncipc.connections", "server")).isEqualTo(1);
				assertThat(gauge(clientMeters, "asyncipc.connections", "client")).isEqualTo(1);
				PipeTemplate clientTemplate = client.getBean(PipeTemplate.class);
				for (int i = 0; i < MESSAGES; i++) {
					clientTemplate.convertAndSend(payload(SIZE, i));
				}
				PipeTemplate serverTemplate = server.getBean(PipeTemplate.class);
				for (int i = 0; i < REPLIES; i++) {
					serverTemplate.convertAndSend(payload(REPLY_SIZE, i));
				}
				await().atMost(10, TimeUnit.SECONDS)
					.until(() -> listenerCount(serverMeters, "server", "bytes") == MESSAGES
							&& listenerCount(clientMeters, "client", "bytes") == REPLIES);
				assertThat(count(serverMeters, "asyncipc.messages.received", "server")).isEqualTo(MESSAGES);
				assertThat(count(serverMeters, "asyncipc.bytes.received", "server")).isEqualTo(MESSAGES * SIZE);
				assertThat(count(serverMeters, "asyncipc.messages.sent", "server")).isEqualTo(REPLIES);
				assertThat(count(serverMeters, "asyncipc.bytes.sent", "server")).isEqualTo(REPLIES * REPLY_SIZE);
				assertThat(count(clientMeters, "asyncipc.messages.sent", "client")).isEqualTo(MESSAGES);
				assertThat(count(clientMeters, "asyncipc.bytes.sent", "client")).isEqualTo(MESSAGES * SIZE);
				assertThat(count(clientMeters, "asyncipc.messages.received", "client")).isEqualTo(REPLIES);
				assertThat(count(clientMeters, "asyncipc.bytes.received", "client")).isEqualTo(REPLIES * REPLY_SIZE);
				assertThat(listenerTimer(serverMeters, "server", "bytes", "success").count()).isEqualTo(MESSAGES);
				assertThat(listenerTimer(clientMeters, "client", "bytes", "success").count()).isEqualTo(REPLIES);
				assertThat(gauge(serverMeters, "asyncipc.queued.bytes", "server")).isZero();
				assertThat(gauge(clientMeters, "asyncipc.queued.bytes", "client")).isZero();
			});
			await().atMost(10, TimeUnit.SECONDS)
				.until(() -> gauge(serverMeters, "asyncipc.connections", "server") == 0);
			assertThat(count(serverMeters, "asyncipc.messages.received", "server")).isEqualTo(MESSAGES);
		});
	}

	@Test
	void onAnEnvelopePipeEachSideCountsItsHelloAndTheOtherSideTheSameBytes() {
		runner("server", Bytes.class).run((server) -> runner("client", Bytes.class).run((client) -> {
			PipeContexts.awaitConnected(client);
			for (int i = 0; i < MESSAGES; i++) {
				client.getBean(PipeTemplate.class).convertAndSend(payload(SIZE, i));
			}
			MeterRegistry serverMeters = server.getBean(MeterRegistry.class);
			MeterRegistry clientMeters = client.getBean(MeterRegistry.class);
			await().atMost(10, TimeUnit.SECONDS)
				.until(() -> listenerCount(serverMeters, "server", "bytes") == MESSAGES);
			// The hello each side sends once per connection is a transport message too.
			assertThat(count(serverMeters, "asyncipc.messages.received", "server")).isEqualTo(MESSAGES + 1);
			assertThat(count(serverMeters, "asyncipc.messages.sent", "server")).isEqualTo(1);
			assertThat(count(clientMeters, "asyncipc.messages.sent", "client")).isEqualTo(MESSAGES + 1);
			assertThat(count(clientMeters, "asyncipc.messages.received", "client")).isEqualTo(1);
			// Envelopes are larger than their payloads, and each byte is counted once on each side.
			double sent = count(clientMeters, "asyncipc.bytes.sent", "client");
			assertThat(sent).isGreaterThan(MESSAGES * SIZE);
			assertThat(count(serverMeters, "asyncipc.bytes.received", "server")).isEqualTo(sent);
			assertThat(count(clientMeters, "asyncipc.bytes.received", "client"))
				.isEqualTo(count(serverMeters, "asyncipc.bytes.sent", "server"));
			assertThat(listenerTimer(serverMeters, "server", "bytes", "success").count()).isEqualTo(MESSAGES);
		}));
	}

	@Test
	void sendsThatAreTooLargeOrOnAClosedConnectionAreCountedByReason() {
		try (CapturedLog log = CapturedLog.of("io.asyncipc.transport.support.AbstractClientEndpoint")) {
			runner("server", Bytes.class).run((server) -> runner("client", Bytes.class)
				.withPropertyValues("asyncipc.max-message-size=1KB")
				.run((client) -> {
					PipeContexts.awaitConnected(client);
					MeterRegistry meters = client.getBean(MeterRegistry.class);
					CompletableFuture<SendResult> tooLarge = client.getBean(PipeTemplate.class)
						.convertAndSendAsync(new byte[2048]);
					assertThat(tooLarge).failsWithin(Duration.ofSeconds(5))
						.withThrowableThat()
						.havingCause()
						.isInstanceOf(MessageTooLargeException.class);
					assertThat(failures(meters, "too-large")).isEqualTo(1);
					PipeConnection connection = client.getBean(PipeEndpointContainer.class)
						.getEndpoint()
						.connections()
						.iterator()
						.next();
					connection.close();
					await().atMost(5, TimeUnit.SECONDS).until(() -> !connection.isOpen());
					assertThat(connection.send(new byte[10])).failsWithin(Duration.ofSeconds(5))
						.withThrowableThat()
						.havingCause()
						.isInstanceOf(PipeClosedException.class);
					assertThat(failures(meters, "closed")).isEqualTo(1);
					assertThat(failures(meters, "queue-full")).isZero();
					assertThat(failures(meters, "not-started")).isZero();
					assertThat(failures(meters, "other")).isZero();
				}));
		}
	}

	@Test
	void aSendToAPeerThatDoesNotReadIsCountedAsQueueFull() {
		runner("server", Held.class)
			.withPropertyValues("asyncipc.max-message-size=1KB", "asyncipc.max-queued-bytes=8KB")
			.run((server) -> runner("client", Bytes.class)
				.withPropertyValues("asyncipc.max-message-size=1KB", "asyncipc.max-queued-bytes=8KB")
				.run((client) -> {
					PipeContexts.awaitConnected(client);
					MeterRegistry meters = client.getBean(MeterRegistry.class);
					PipeTemplate template = client.getBean(PipeTemplate.class);
					PipeConnection connection = client.getBean(PipeEndpointContainer.class)
						.getEndpoint()
						.connections()
						.iterator()
						.next();
					Held held = server.getBean(Held.class);
					try {
						// The server's listener holds the first message, so the server stops reading, the OS
						// buffers fill, and then the client's queue does, for good. A send can also be refused
						// before that, when a burst outruns the client's I/O thread: each refusal counts.
						PipeStatistics serverStatistics = server.getBean(PipeEndpointContainer.class).getStatistics();
						int refused = 0;
						boolean backedUp = false;
						for (int round = 0; round < 50 && !backedUp; round++) {
							refused += sendUntilRefused(template);
							backedUp = backedUp(connection, serverStatistics);
						}
						assertThat(backedUp).isTrue();
						assertThat(refused).isPositive();
						assertThat(failures(meters, "queue-full")).isEqualTo(refused);
						assertThat(gauge(meters, "asyncipc.queued.bytes", "client")).isGreaterThan(4 * 1024)
							.isLessThanOrEqualTo(8 * 1024);
					}
					finally {
						held.release.countDown();
					}
					await().atMost(10, TimeUnit.SECONDS)
						.until(() -> gauge(meters, "asyncipc.queued.bytes", "client") == 0);
					assertThat(failures(meters, "closed")).isZero();
				}));
	}

	/**
	 * Sends until a send is refused because the queue is full, and returns how many were.
	 */
	private static int sendUntilRefused(PipeTemplate template) {
		for (int i = 0; i < 100_000; i++) {
			CompletableFuture<SendResult> send = template.convertAndSendAsync(new byte[900]);
			if (send.isCompletedExceptionally()) {
				assertThat(catchThrowable(send::join)).hasCauseInstanceOf(OutboundQueueFullException.class);
				return 1;
			}
		}
		return 0;
	}

	/**
	 * Returns whether the server received nothing more for half a second while the client's
	 * connection held more than half its queue: the pipe is backed up, not just slow.
	 */
	private static boolean backedUp(PipeConnection connection, PipeStatistics server) {
		long received = server.messagesReceived();
		try {
			await().during(Duration.ofMillis(500))
				.atMost(Duration.ofMillis(700))
				.until(() -> connection.queuedBytes() > 4 * 1024 && server.messagesReceived() == received);
			return true;
		}
		catch (ConditionTimeoutException ex) {
			return false;
		}
	}

	@Test
	void requestsAreTimedByOutcomeAndListenersByResult() {
		runner("server", Answers.class).run((server) -> runner("client", Bytes.class).run((client) -> {
			PipeContexts.awaitConnected(client);
			PipeTemplate template = client.getBean(PipeTemplate.class);
			assertThat(template.convertSendAndReceive("ping", String.class)).isEqualTo("PING");
			assertThat(catchThrowable(() -> template.convertSendAndReceive(new Never("x"), String.class,
					Duration.ofMillis(200))))
				.isInstanceOf(PipeReplyTimeoutException.class);
			assertThat(catchThrowable(() -> template.convertSendAndReceive(new Failing("no stock"), String.class)))
				.isInstanceOf(PipeRemoteException.class);
			MeterRegistry clientMeters = client.getBean(MeterRegistry.class);
			assertThat(requestTimer(clientMeters, "success").count()).isOne();
			Timer timeout = requestTimer(clientMeters, "timeout");
			assertThat(timeout.count()).isOne();
			assertThat(timeout.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(200);
			assertThat(requestTimer(clientMeters, "remote-error").count()).isOne();
			assertThat(requestTimer(clientMeters, "closed").count()).isZero();
			MeterRegistry serverMeters = server.getBean(MeterRegistry.class);
			assertThat(listenerTimer(serverMeters, "server", "upper", "success").count()).isOne();
			Timer failed = serverMeters.get("asyncipc.listener.duration")
				.tags("pipe", "default", "role", "server", "listener", "failing", "result", "failure", "exception",
						"IllegalStateException")
				.timer();
			assertThat(failed.count()).isOne();
			// The listener that never replies has not finished its invocation: its future is still open.
			assertThat(serverMeters.find("asyncipc.listener.duration").tag("listener", "never").timer()).isNull();
			server.getBean(Answers.class).never.forEach((future) -> future.complete("done"));
			await().atMost(5, TimeUnit.SECONDS)
				.until(() -> serverMeters.find("asyncipc.listener.duration").tag("listener", "never").timer() != null);
			assertThat(listenerTimer(serverMeters, "server", "never", "success").count()).isOne();
		}));
	}

	@Test
	void aClientCountsItsReconnectAfterTheServerRestarted() {
		try (CapturedLog log = CapturedLog.of("io.asyncipc.transport.support.AbstractPipeConnection")) {
			runner("client", Bytes.class).run((client) -> {
				MeterRegistry meters = client.getBean(MeterRegistry.class);
				runner("server", Bytes.class).run((server) -> {
					PipeContexts.awaitConnected(client);
					assertThat(count(meters, "asyncipc.reconnects", "client")).isZero();
				});
				await().atMost(10, TimeUnit.SECONDS).until(() -> gauge(meters, "asyncipc.connections", "client") == 0);
				runner("server", Bytes.class).run((server) -> {
					PipeContexts.awaitConnected(client);
					assertThat(count(meters, "asyncipc.reconnects", "client")).isOne();
					assertThat(gauge(meters, "asyncipc.connections", "client")).isOne();
				});
			});
		}
	}

	@Test
	void aServerCountsThePeersItRefusesAtItsConnectionLimit() {
		// The refusal is logged by the server, and the refused client logs the reset it sees: expected here.
		try (CapturedLog refusals = CapturedLog.of("io.asyncipc.transport.support.AbstractPipeEndpoint");
				CapturedLog resets = CapturedLog.of("io.asyncipc.transport.support.AbstractPipeConnection")) {
			runner("server", Rejections.class).withPropertyValues("asyncipc.max-connections=1").run((server) -> {
				MeterRegistry meters = server.getBean(MeterRegistry.class);
				Rejections rejections = server.getBean(Rejections.class);
				runner("client", Bytes.class).run((first) -> {
					PipeContexts.awaitConnected(first);
					runner("client", Bytes.class).run((second) -> await().atMost(10, TimeUnit.SECONDS)
						.until(() -> rejections.count.get() > 0));
				});
				// Every refusal the server reported is counted, and nothing else.
				assertThat(count(meters, "asyncipc.peers.rejected", "server")).isEqualTo(rejections.count.get());
				assertThat(meters.find("asyncipc.reconnects").meter()).isNull();
			});
		}
	}

	@Test
	void countsGoOnAcrossAStopAndAStartOfThePipeAndTheMetersGoWithTheContext() {
		runner("server", Bytes.class).withPropertyValues("asyncipc.format=raw").run((server) -> {
			MeterRegistry meters = server.getBean(MeterRegistry.class);
			PipeEndpointContainer container = server.getBean(PipeEndpointContainer.class);
			for (int round = 1; round <= 2; round++) {
				int expected = round * MESSAGES;
				runner("client", Bytes.class).withPropertyValues("asyncipc.format=raw").run((client) -> {
					PipeContexts.awaitConnected(client);
					for (int i = 0; i < MESSAGES; i++) {
						client.getBean(PipeTemplate.class).convertAndSend(payload(SIZE, i));
					}
					await().atMost(10, TimeUnit.SECONDS)
						.until(() -> listenerCount(meters, "server", "bytes") == expected);
				});
				container.stop();
				container.start();
			}
			assertThat(count(meters, "asyncipc.bytes.received", "server")).isEqualTo(2 * MESSAGES * SIZE);
			assertThat(listenerTimer(meters, "server", "bytes", "success").count()).isEqualTo(2 * MESSAGES);
			server.close();
			assertThat(meters.find("asyncipc.messages.received").meter()).isNull();
			assertThat(meters.find("asyncipc.listener.duration").meter()).isNull();
		});
	}

	private static byte[] payload(int size, int index) {
		byte[] payload = new byte[size];
		Arrays.fill(payload, (byte) ('a' + index % 26));
		return payload;
	}

	private static RequiredSearch search(MeterRegistry registry, String name, String role) {
		return registry.get(name).tags("pipe", "default", "role", role);
	}

	private static double count(MeterRegistry registry, String name, String role) {
		return search(registry, name, role).functionCounter().count();
	}

	private static double gauge(MeterRegistry registry, String name, String role) {
		return search(registry, name, role).gauge().value();
	}

	private static double failures(MeterRegistry registry, String reason) {
		return search(registry, "asyncipc.send.failures", "client").tag("reason", reason).functionCounter().count();
	}

	private static Timer listenerTimer(MeterRegistry registry, String role, String listener, String result) {
		return search(registry, "asyncipc.listener.duration", role).tags("listener", listener, "result", result)
			.timer();
	}

	/**
	 * Returns how often a listener succeeded, or 0 before its timer exists.
	 */
	private static long listenerCount(MeterRegistry registry, String role, String listener) {
		Timer timer = registry.find("asyncipc.listener.duration")
			.tags("pipe", "default", "role", role, "listener", listener, "result", "success")
			.timer();
		return (timer != null) ? timer.count() : 0;
	}

	private static Timer requestTimer(MeterRegistry registry, String outcome) {
		return search(registry, "asyncipc.request.duration", "client").tag("outcome", outcome).timer();
	}

	record Never(String job) {
	}

	record Failing(String reason) {
	}

	/**
	 * Counts the messages it receives.
	 */
	@Configuration(proxyBeanMethods = false)
	static class Bytes {

		final AtomicInteger received = new AtomicInteger();

		@PipeListener(id = "bytes")
		void bytes(byte[] payload) {
			this.received.incrementAndGet();
		}

	}

	/**
	 * Holds the first message it receives until released, so that the pipe backs up.
	 */
	@Configuration(proxyBeanMethods = false)
	static class Held {

		final CountDownLatch release = new CountDownLatch(1);

		@PipeListener(id = "held")
		void held(byte[] payload) throws InterruptedException {
			this.release.await(30, TimeUnit.SECONDS);
		}

	}

	/**
	 * Answers a request, fails one and sends the failure back, or never answers.
	 */
	@Configuration(proxyBeanMethods = false)
	static class Answers {

		final BlockingQueue<CompletableFuture<String>> never = new LinkedBlockingQueue<>();

		@PipeListener(id = "upper")
		String upper(String text) {
			return text.toUpperCase(java.util.Locale.ROOT);
		}

		@PipeListener(id = "failing", returnExceptions = true)
		String failing(Failing request) {
			throw new IllegalStateException(request.reason());
		}

		@PipeListener(id = "never")
		CompletableFuture<String> never(Never request) {
			CompletableFuture<String> future = new CompletableFuture<>();
			this.never.add(future);
			return future;
		}

	}

	/**
	 * Counts the peers the server reports as refused.
	 */
	@Configuration(proxyBeanMethods = false)
	static class Rejections {

		final AtomicInteger count = new AtomicInteger();

		@EventListener
		void rejected(PipePeerRejectedEvent event) {
			this.count.incrementAndGet();
		}

	}

}
