package io.asyncipc.autoconfigure;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import io.asyncipc.messaging.MessagingPipeListenerAdapter;
import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.messaging.PipeListener;
import io.asyncipc.messaging.PipeRemoteException;
import io.asyncipc.messaging.PipeReplyTimeoutException;
import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.transport.PipeClosedException;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.TestNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.converter.MessageConversionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Request-reply over real pipes between two application contexts: the listener's return
 * value, or what its future completes with, comes back to {@code convertSendAndReceive} in both
 * directions; a request without reply times out and its late reply is dropped; a listener
 * that opts in sends its exception back; a disconnect fails the pending replies at once; a raw
 * pipe refuses request-reply at once, naming the property.
 */
class RequestReplyIntegrationTests {

	private final String name = TestNames.random();

	/**
	 * Returns the value of {@code asyncipc.mode} the pipes run with.
	 * @return the mode
	 */
	protected String mode() {
		return "auto";
	}

	private ApplicationContextRunner runner(String role, String identity) {
		return PipeContexts.runner(this.name, role, Answers.class)
			.withPropertyValues("asyncipc.mode=" + mode(), "test.identity=" + identity);
	}

	@Test
	void aClientAsksTheServerAndGetsWhatItsListenerReturns() {
		runner("server", "server").run((server) -> runner("client", "client").run((client) -> {
			PipeContexts.awaitConnected(client);
			PipeTemplate template = client.getBean(PipeTemplate.class);
			assertThat(template.convertSendAndReceive("ping", String.class)).isEqualTo("server: PING");
			assertThat(template.convertSendAndReceive(new QuoteRequest("ACME"), Quote.class))
				.isEqualTo(new Quote("ACME", 42));
			assertThat(template.convertSendAndReceive("ping", byte[].class))
				.asString(StandardCharsets.UTF_8)
				.isEqualTo("server: PING");
			assertThat(client.getBean(PipeEndpointContainer.class).getPendingReplyCount()).isZero();
		}));
	}

	@Test
	void theServerAsksOneClientByItsConnectionIdAndNotThePeerOfSeveral() {
		runner("server", "server").run((server) -> runner("client", "first").run((first) -> {
			PipeContexts.awaitConnected(first);
			PipeEndpointContainer container = server.getBean(PipeEndpointContainer.class);
			String firstId = container.getEndpoint().connections().iterator().next().id();
			PipeTemplate template = server.getBean(PipeTemplate.class);
			assertThat(template.convertSendAndReceive("hello", String.class)).isEqualTo("first: HELLO");
			runner("client", "second").run((second) -> {
				PipeContexts.awaitConnected(second);
				await().atMost(10, TimeUnit.SECONDS).until(() -> container.getEndpoint().connections().size() == 2);
				String secondId = container.getEndpoint()
					.connections()
					.stream()
					.map(PipeConnection::id)
					.filter((id) -> !id.equals(firstId))
					.findFirst()
					.orElseThrow();
				assertThat(template.convertSendAndReceive(firstId, "one", String.class, null)).isEqualTo("first: ONE");
				assertThat(template.convertSendAndReceive(secondId, "two", String.class, Duration.ofSeconds(5)))
					.isEqualTo("second: TWO");
				assertThatExceptionOfType(MessageDeliveryException.class)
					.isThrownBy(() -> template.convertSendAndReceive("everyone", String.class))
					.withMessageContaining("has 2 clients and a request goes to one");
			});
		}));
	}

	@Test
	void aListenerThatReturnsAFutureRepliesWhenItCompletes() throws Exception {
		runner("server", "server").run((server) -> runner("client", "client").run((client) -> {
			PipeContexts.awaitConnected(client);
			CompletableFuture<String> reply = client.getBean(PipeTemplate.class)
				.convertSendAndReceiveAsync(new Later("job-1"), String.class);
			CompletableFuture<String> held = server.getBean(Answers.class).later.poll(5, TimeUnit.SECONDS);
			assertThat(held).isNotNull();
			assertThat(reply).isNotDone();
			held.complete("job-1 done");
			assertThat(reply.get(5, TimeUnit.SECONDS)).isEqualTo("job-1 done");
		}));
	}

	@Test
	void aListenerMayAskItsPeerOnItsOwnConnectionAndWaitForTheReply() throws Exception {
		// The reply is read on the I/O thread: it does not queue behind the listener that waits for it.
		runner("server", "server").run((server) -> runner("client", "client").run((client) -> {
			PipeContexts.awaitConnected(client);
			server.getBean(PipeTemplate.class).convertAndSend(new Ask("inner"));
			assertThat(client.getBean(Answers.class).answers.poll(10, TimeUnit.SECONDS)).isEqualTo("server: INNER");
		}));
	}

	@Test
	void aRequestWithoutReplyTimesOutAndItsLateReplyIsDroppedAndFreed() {
		try (CapturedLog log = CapturedLog.of(pendingRepliesLogger(), Level.DEBUG)) {
			runner("server", "server").run((server) -> runner("client", "client").run((client) -> {
				PipeContexts.awaitConnected(client);
				PipeTemplate template = client.getBean(PipeTemplate.class);
				PipeEndpointContainer container = client.getBean(PipeEndpointContainer.class);
				long start = System.nanoTime();
				Throwable timeout = catchThrowable(
						() -> template.convertSendAndReceive(new Later("slow"), String.class, Duration.ofMillis(300)));
				assertThat(timeout).isInstanceOf(PipeReplyTimeoutException.class)
					.hasMessageContaining("within PT0.3S");
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300))
					.isLessThan(Duration.ofSeconds(4));
				assertThat(container.getPendingReplyCount()).isZero();
				CompletableFuture<String> held = server.getBean(Answers.class).later.poll(5, TimeUnit.SECONDS);
				held.complete("too late");
				await().atMost(5, TimeUnit.SECONDS)
					.until(() -> log.events()
						.stream()
						.anyMatch((event) -> event.getLevel() == Level.DEBUG
								&& event.getFormattedMessage().contains("dropped a reply")
								&& event.getFormattedMessage()
									.contains(((PipeReplyTimeoutException) timeout).getCorrelationId())));
				assertThat(container.getPendingReplyCount()).isZero();
				// The pipe still answers after the late reply.
				assertThat(template.convertSendAndReceive("still", String.class)).isEqualTo("server: STILL");
			}));
		}
	}

	@Test
	void theDefaultReplyTimeoutComesFromThePipesProperty() {
		runner("server", "server").run((server) -> runner("client", "client")
			.withPropertyValues("asyncipc.reply-timeout=250ms")
			.run((client) -> {
				PipeContexts.awaitConnected(client);
				CompletableFuture<String> reply = client.getBean(PipeTemplate.class)
					.convertSendAndReceiveAsync(new Later("never"), String.class);
				await().atMost(5, TimeUnit.SECONDS).until(reply::isDone);
				assertThat(reply).failsWithin(Duration.ZERO)
					.withThrowableThat()
					.havingCause()
					.isInstanceOf(PipeReplyTimeoutException.class)
					.withMessageContaining("within PT0.25S");
			}));
	}

	@Test
	void aListenerThatOptsInSendsItsExceptionBack() {
		runner("server", "server").run((server) -> runner("client", "client").run((client) -> {
			PipeContexts.awaitConnected(client);
			PipeTemplate template = client.getBean(PipeTemplate.class);
			assertThatExceptionOfType(PipeRemoteException.class)
				.isThrownBy(() -> template.convertSendAndReceive(new Failing("no stock"), String.class))
				.satisfies((ex) -> {
					assertThat(ex.getRemoteType()).isEqualTo(IllegalStateException.class.getName());
					assertThat(ex.getRemoteMessage()).isEqualTo("no stock");
				})
				.withMessageContaining("java.lang.IllegalStateException: no stock");
			assertThat(template.convertSendAndReceiveAsync(new Failing("still none"), String.class))
				.failsWithin(Duration.ofSeconds(5))
				.withThrowableThat()
				.havingCause()
				.isInstanceOf(PipeRemoteException.class)
				.withMessageContaining("still none");
		}));
	}

	@Test
	void aListenerThatDoesNotOptInLogsItsExceptionAndTheRequesterTimesOut() {
		try (CapturedLog log = CapturedLog.of(MessagingPipeListenerAdapter.class)) {
			runner("server", "server").run((server) -> runner("client", "client").run((client) -> {
				PipeContexts.awaitConnected(client);
				assertThatExceptionOfType(PipeReplyTimeoutException.class).isThrownBy(() -> client
					.getBean(PipeTemplate.class)
					.convertSendAndReceive(new Unhandled("kept"), String.class, Duration.ofMillis(500)));
				assertThat(log.events()).anySatisfy((event) -> {
					assertThat(event.getLevel()).isEqualTo(Level.ERROR);
					assertThat(event.getThrowableProxy().getMessage()).isEqualTo("kept");
				});
			}));
		}
	}

	@Test
	void aDisconnectFailsThePendingRepliesAtOnce() {
		// The client logs the server's close as a WARN, expected here.
		try (CapturedLog log = CapturedLog.of("io.asyncipc.transport.support.AbstractPipeConnection")) {
			runner("server", "server").run((server) -> runner("client", "client").run((client) -> {
				PipeContexts.awaitConnected(client);
				CompletableFuture<String> reply = client.getBean(PipeTemplate.class)
					.convertSendAndReceiveAsync(new Later("held"), String.class, Duration.ofSeconds(60));
				assertThat(server.getBean(Answers.class).later.poll(5, TimeUnit.SECONDS)).isNotNull();
				long start = System.nanoTime();
				server.getBean(PipeEndpointContainer.class).getEndpoint().connections().forEach(PipeConnection::close);
				assertThat(reply).failsWithin(Duration.ofSeconds(10))
					.withThrowableThat()
					.havingCause()
					.isInstanceOf(PipeClosedException.class)
					.withMessageContaining("closed before the reply");
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
				assertThat(client.getBean(PipeEndpointContainer.class).getPendingReplyCount()).isZero();
			}));
		}
	}

	@Test
	void aReplyOfAnotherTypeIsNotReadIntoTheTypeAskedFor() {
		runner("server", "server").run((server) -> runner("client", "client").run((client) -> {
			PipeContexts.awaitConnected(client);
			assertThatExceptionOfType(MessageConversionException.class)
				.isThrownBy(() -> client.getBean(PipeTemplate.class).convertSendAndReceive("text", Quote.class))
				.withMessageContaining("is a java.lang.String, not a " + Quote.class.getName());
		}));
	}

	@Test
	void onARawPipeARequestFailsAtOnceNamingTheProperty() {
		runner("server", "server").withPropertyValues("asyncipc.format=raw")
			.run((server) -> runner("client", "client").withPropertyValues("asyncipc.format=raw").run((client) -> {
				PipeContexts.awaitConnected(client);
				CompletableFuture<String> reply = client.getBean(PipeTemplate.class)
					.convertSendAndReceiveAsync("ping", String.class);
				assertThat(reply).isCompletedExceptionally();
				assertThatExceptionOfType(MessageDeliveryException.class)
					.isThrownBy(() -> client.getBean(PipeTemplate.class).convertSendAndReceive("ping", String.class))
					.withMessageContaining("set asyncipc.format=envelope for request-reply");
			}));
	}

	@Test
	@DisabledOnOs(value = OS.WINDOWS, disabledReason = "the raw peer speaks the Unix frame format")
	void anEnvelopeServerRefusesARequestToARawPeer() throws Exception {
		runner("server", "server").run((server) -> {
			PipeEndpointContainer container = server.getBean(PipeEndpointContainer.class);
			try (SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX)) {
				raw.connect(UnixDomainSocketAddress.of(container.getEndpoint().address()));
				byte[] payload = "raw hello".getBytes(StandardCharsets.UTF_8);
				ByteBuffer frame = ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).flip();
				while (frame.hasRemaining()) {
					raw.write(frame);
				}
				assertThat(server.getBean(Answers.class).texts.poll(5, TimeUnit.SECONDS)).isEqualTo("raw hello");
				// The listener's return value goes back to the raw peer as a bare frame, with no envelope.
				ByteBuffer length = ByteBuffer.allocate(4);
				while (length.hasRemaining()) {
					assertThat(raw.read(length)).isNotNegative();
				}
				ByteBuffer reply = ByteBuffer.allocate(length.flip().getInt());
				while (reply.hasRemaining()) {
					assertThat(raw.read(reply)).isNotNegative();
				}
				assertThat(new String(reply.array(), StandardCharsets.UTF_8)).isEqualTo("server: RAW HELLO");
				assertThat(server.getBean(PipeTemplate.class).convertSendAndReceiveAsync("ping", String.class))
					.failsWithin(Duration.ofSeconds(5))
					.withThrowableThat()
					.withMessageContaining("speaks the raw format");
			}
		});
	}

	private static String pendingRepliesLogger() {
		return "io.asyncipc.messaging.PendingReplies";
	}

	record QuoteRequest(String symbol) {
	}

	record Quote(String symbol, int price) {
	}

	record Ask(String question) {
	}

	record Later(String job) {
	}

	record Failing(String reason) {
	}

	record Unhandled(String reason) {
	}

	/**
	 * The listeners of both sides: each answers with its identity, so that a test can tell
	 * which process replied.
	 */
	@Configuration(proxyBeanMethods = false)
	static class Answers {

		final BlockingQueue<CompletableFuture<String>> later = new LinkedBlockingQueue<>();

		final BlockingQueue<String> texts = new LinkedBlockingQueue<>();

		final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

		private final String identity;

		private final ObjectProvider<PipeTemplate> template;

		Answers(@Value("${test.identity}") String identity, ObjectProvider<PipeTemplate> template) {
			this.identity = identity;
			this.template = template;
		}

		@PipeListener
		void ask(Ask ask) {
			try {
				this.answers.add(this.template.getObject().convertSendAndReceive(ask.question(), String.class));
			}
			catch (RuntimeException ex) {
				this.answers.add(ex.toString());
			}
		}

		@PipeListener
		String upper(String text) {
			this.texts.add(text);
			return this.identity + ": " + text.toUpperCase(Locale.ROOT);
		}

		@PipeListener
		Quote quote(QuoteRequest request) {
			return new Quote(request.symbol(), 42);
		}

		@PipeListener
		CompletableFuture<String> later(Later request) {
			CompletableFuture<String> reply = new CompletableFuture<>();
			this.later.add(reply);
			return reply;
		}

		@PipeListener(returnExceptions = true)
		String failing(Failing request) {
			throw new IllegalStateException(request.reason());
		}

		@PipeListener
		String unhandled(Unhandled request) {
			throw new IllegalStateException(request.reason());
		}

	}

}
