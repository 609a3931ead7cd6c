package io.asyncipc.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.messaging.PipeHeaders;
import io.asyncipc.messaging.PipeRemoteException;
import io.asyncipc.messaging.PipeReplyTimeoutException;
import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.test.DeskApplication.Book;
import io.asyncipc.test.DeskApplication.Item;
import io.asyncipc.test.DeskApplication.Ping;
import io.asyncipc.test.DeskApplication.Receipt;
import io.asyncipc.test.DeskApplication.Secret;
import io.asyncipc.test.PipeListenerTestHarness.Invocation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link AsyncIpcTest} on a Spring Boot test of an application with one server pipe, over a
 * real pipe: the pipe's name is replaced by a unique one, a {@link PipeTestClient} parameter is
 * connected to it, and the {@link PipeListenerTestHarness} sees the listeners' invocations.
 */
@SpringBootTest(classes = DeskApplication.class)
@AsyncIpcTest
class AsyncIpcTestIntegrationTests {

	@Autowired
	private PipeEndpointContainer pipe;

	@Autowired
	private PipeTemplate template;

	private PipeTestClient fromBeforeEach;

	@BeforeEach
	void keepTheClient(PipeTestClient client, PipeListenerTestHarness harness) {
		this.fromBeforeEach = client;
		harness.clear();
	}

	@Test
	void thePipeNameFromTheApplicationsConfigurationIsReplacedByAUniqueOne() {
		assertThat(this.pipe.getName()).isNotEqualTo("orders").matches("t-[0-9a-f]{12}");
	}

	@Test
	void theClientIsConnectedToTheApplicationsPipeAndSharedWithBeforeEach(PipeTestClient client) {
		assertThat(client).isSameAs(this.fromBeforeEach);
		assertThat(client.isConnected()).isTrue();
		assertThat(client.getPipeName()).isEqualTo(this.pipe.getName());
		assertThat(this.pipe.getEndpoint().connections()).hasSize(1);
	}

	@Test
	void theClientRequestsAndGetsWhatTheListenerReturns(PipeTestClient client) {
		assertThat(client.convertSendAndReceive("hello", String.class)).isEqualTo("HELLO");
		assertThat(client.convertSendAndReceive(new Item("pen", 2), Receipt.class, Duration.ofSeconds(5)))
			.isEqualTo(new Receipt("pen", null));
	}

	@Test
	void aRequestMessageCarriesItsHeadersAndTheReplyItsType(PipeTestClient client) {
		Message<byte[]> reply = client.sendAndReceive(
				MessageBuilder.withPayload(new Item("ink", 1)).setHeader(PipeHeaders.TYPE_ID, Item.class.getName())
					.setHeader("tenant", "acme")
					.build(),
				Duration.ofSeconds(5));
		assertThat(reply.getHeaders().get(PipeHeaders.TYPE_ID)).isEqualTo(Receipt.class.getName());
		assertThat(new String(reply.getPayload())).contains("\"tenant\":\"acme\"");
	}

	@Test
	void aListenerThatSendsItsExceptionBackFailsTheRequest(PipeTestClient client) {
		assertThatExceptionOfType(PipeRemoteException.class)
			.isThrownBy(() -> client.convertSendAndReceive(new Item("pen", -1), Receipt.class))
			.satisfies((ex) -> assertThat(ex.getRemoteMessage()).isEqualTo("quantity must not be negative, got -1"));
		Message<Item> request = MessageBuilder.withPayload(new Item("pen", -2))
			.setHeader(PipeHeaders.TYPE_ID, Item.class.getName())
			.build();
		assertThatExceptionOfType(PipeRemoteException.class)
			.isThrownBy(() -> client.sendAndReceive(request, Duration.ofSeconds(5)))
			.satisfies((ex) -> assertThat(ex.getRemoteType()).isEqualTo(IllegalArgumentException.class.getName()));
	}

	@Test
	void theClientAwaitsWhatTheApplicationSendsTypedOrRaw(PipeTestClient client) {
		this.template.convertAndSend(new Receipt("pen", "acme"));
		this.template.convertAndSend(PipeTemplate.PEER, "second", Map.of("tenant", "acme"));
		assertThat(client.awaitMessage(Receipt.class)).isEqualTo(new Receipt("pen", "acme"));
		Message<byte[]> second = client.awaitMessage(Duration.ofSeconds(5));
		assertThat(second.getPayload()).asString().isEqualTo("second");
		assertThat(second.getHeaders()).containsEntry("tenant", "acme")
			.containsEntry(PipeHeaders.TYPE_ID, String.class.getName());
		assertThat(client.getPendingMessageCount()).isZero();
	}

	@Test
	void theClientAnswersTheApplicationsRequestsAndKeepsThem(PipeTestClient client) {
		client.replyWith((request) -> "ok: " + new String(request.getPayload(), StandardCharsets.UTF_8));
		assertThat(this.template.convertSendAndReceive("uptime", String.class, Duration.ofSeconds(5)))
			.isEqualTo("ok: uptime");
		assertThat(client.awaitMessage(String.class)).isEqualTo("uptime");
		client.replyWith(null);
		assertThatExceptionOfType(PipeReplyTimeoutException.class)
			.isThrownBy(() -> this.template.convertSendAndReceive("again", String.class, Duration.ofMillis(300)));
		assertThat(client.awaitMessage(String.class)).isEqualTo("again");
	}

	@Test
	void awaitingAMessageOfAnotherTypeFailsNamingWhatCame(PipeTestClient client) {
		this.template.convertAndSend("not a receipt");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> client.awaitMessage(Receipt.class))
			.withMessage("expected a " + Receipt.class.getName() + " on pipe '" + this.pipe.getName()
					+ "', got a message of 13 bytes with type id 'java.lang.String'");
	}

	@Test
	void awaitingWhenNothingComesFailsWithTheTimeout(PipeTestClient client) {
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> client.awaitMessage(Duration.ofMillis(200)))
			.withMessage("no message arrived on pipe '" + this.pipe.getName() + "' within PT0.2S");
	}

	@Test
	void theHarnessRecordsAListenersArgumentsAndResult(PipeTestClient client, PipeListenerTestHarness harness) {
		client.convertAndSend(new Item("pen", 2), Map.of("tenant", "acme"));
		Invocation invocation = harness.awaitInvocation("items");
		assertThat(invocation.arguments()).containsExactly(new Item("pen", 2), "acme");
		assertThat(invocation.argument(0, Item.class).name()).isEqualTo("pen");
		assertThat(invocation.result()).isEqualTo(new Receipt("pen", "acme"));
		assertThat(invocation.exception()).isNull();
		// The reply went back to the client as an ordinary message, since this was no request.
		assertThat(client.awaitMessage(Receipt.class)).isEqualTo(new Receipt("pen", "acme"));
	}

	@Test
	void theHarnessRecordsWhatAListenerThrew(PipeTestClient client, PipeListenerTestHarness harness) {
		client.convertAndSend("ping");
		assertThat(harness.awaitInvocation("desk.onText").result()).isEqualTo("PING");
		// A request, so that the listener's exception goes back to the client rather than to the log.
		assertThatExceptionOfType(PipeRemoteException.class)
			.isThrownBy(() -> client.convertSendAndReceive(new Item("pen", -1), Receipt.class));
		assertThat(harness.awaitInvocation("items").exception()).isInstanceOf(IllegalArgumentException.class)
			.hasMessage("quantity must not be negative, got -1");
	}

	@Test
	void theHarnessNamesTheListenersWhenAskedForAnUnknownOne(PipeListenerTestHarness harness) {
		assertThat(harness.getListenerIds()).containsExactly("desk.onText", "items", "shelf.onBook");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> harness.awaitInvocation("desk.onItem"))
			.withMessage("no @PipeListener has the id 'desk.onItem'; the listeners are [desk.onText, items, "
					+ "shelf.onBook]");
	}

	@Test
	void theHarnessRecordsAPipeHandlerOfAClassLevelListener(PipeTestClient client, PipeListenerTestHarness harness) {
		assertThat(client.convertSendAndReceive(new Book("Dune"), String.class)).isEqualTo("shelved Dune");
		Invocation invocation = harness.awaitInvocation("shelf.onBook");
		assertThat(invocation.arguments()).containsExactly(new Book("Dune"));
		assertThat(invocation.result()).isEqualTo("shelved Dune");
	}

	@Test
	void aFinalListenerStillReceivesAndTheHarnessSaysWhyItCannotRecordIt(PipeTestClient client,
			PipeListenerTestHarness harness) {
		client.convertAndSend(new Ping(1));
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> harness.awaitInvocation("pinger.onPing"))
			.withMessage("listener 'pinger.onPing' is not recorded: its class " + DeskApplication.Pinger.class.getName()
					+ " is final, so PipeListenerTestHarness cannot proxy it");
	}

	@Test
	void aPrivateListenerMethodStillRepliesAndTheHarnessSaysWhyItCannotRecordIt(PipeTestClient client,
			PipeListenerTestHarness harness) {
		assertThat(client.convertSendAndReceive(new Secret("x"), String.class)).isEqualTo("kept x");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> harness.awaitInvocation("keeper.onSecret"))
			.withMessage("listener 'keeper.onSecret' is not recorded: the listener method onSecret of "
					+ DeskApplication.Keeper.class.getName() + " is private, so PipeListenerTestHarness cannot "
					+ "proxy its class");
	}

	@Test
	void theHarnessTimesOutNamingTheListener(PipeListenerTestHarness harness) {
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> harness.awaitInvocation("items", Duration.ofMillis(200)))
			.withMessage("listener 'items' was not invoked within PT0.2S");
	}

	@Test
	void aClientClosesAndTheApplicationSeesItGo(PipeTestClient client) {
		client.close();
		assertThat(client.isConnected()).isFalse();
		await().atMost(10, TimeUnit.SECONDS).until(() -> this.pipe.getEndpoint().connections().isEmpty());
		client.close();
	}

}
