package io.asyncipc.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeHandler;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.unix.UnixSocketTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.forwardedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Starts the sample as a server and talks to it through its endpoints and a real client on
 * its pipe.
 */
@SpringBootTest
@AutoConfigureMockMvc
class SampleApplicationIntegrationTests {

	private static final String NAME = "sample-" + UUID.randomUUID().toString().substring(0, 8);

	@DynamicPropertySource
	static void pipeName(DynamicPropertyRegistry registry) {
		registry.add("asyncipc.name", () -> NAME);
	}

	@Autowired
	MockMvc mvc;

	@Autowired
	PipeEndpointContainer container;

	private final BlockingQueue<String> receivedByClient = new LinkedBlockingQueue<>();

	private PipeEndpoint client;

	private PipeConnection connection;

	@BeforeEach
	void connectClient() throws InterruptedException {
		BlockingQueue<PipeConnection> connections = new LinkedBlockingQueue<>();
		this.client = new UnixSocketTransport().createClient(NAME, PipeOptions.defaults(), new PipeHandler() {
			@Override
			public void onConnected(PipeConnection connection) {
				connections.add(connection);
			}

			@Override
			public void onMessage(PipeConnection connection, byte[] message) {
				SampleApplicationIntegrationTests.this.receivedByClient.add(new String(message, StandardCharsets.UTF_8));
			}
		});
		this.client.start();
		this.connection = connections.poll(10, TimeUnit.SECONDS);
		assertThat(this.connection).isNotNull();
		// The server lists the connection once its own I/O thread opened it, and the clients of
		// earlier tests once their closes reached it.
		await().atMost(10, TimeUnit.SECONDS).until(() -> this.container.getEndpoint().connections().size() == 1);
	}

	@AfterEach
	void stopClient() {
		this.client.stop(Duration.ofSeconds(1));
	}

	@Test
	void postedTextReachesTheClient() throws Exception {
		MvcResult pending = this.mvc.perform(post("/messages").contentType(MediaType.TEXT_PLAIN).content("hi client"))
			.andExpect(request().asyncStarted())
			.andReturn();
		this.mvc.perform(asyncDispatch(pending))
			.andExpect(status().isAccepted())
			.andExpect(jsonPath("$.bytes").value(greaterThanOrEqualTo(9)));
		assertThat(this.receivedByClient.poll(5, TimeUnit.SECONDS)).isEqualTo("hi client");
	}

	@Test
	void postToAnUnknownConnectionIsRefused() throws Exception {
		MvcResult pending = this.mvc
			.perform(post("/messages?connection=nope").contentType(MediaType.TEXT_PLAIN).content("lost?"))
			.andReturn();
		this.mvc.perform(asyncDispatch(pending))
			.andExpect(status().isServiceUnavailable())
			.andExpect(jsonPath("$.error").value("no open connection 'nope' on pipe '" + NAME + "'"));
	}

	@Test
	void messagesFromTheClientAreListed() throws Exception {
		String text = "from the client " + UUID.randomUUID();
		assertThat(this.connection.send(text.getBytes(StandardCharsets.UTF_8))).succeedsWithin(5, TimeUnit.SECONDS);
		await().atMost(5, TimeUnit.SECONDS)
			.untilAsserted(() -> this.mvc.perform(get("/messages"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$[?(@.text == '" + text + "')].connectionId").isNotEmpty()));
	}

	@Test
	void theConsoleIsServedAtTheRootAndShowsTheConnection() throws Exception {
		this.mvc.perform(get("/"))
			.andExpect(status().isOk())
			.andExpect(forwardedUrl("index.html"));
		this.mvc.perform(get("/console/state"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.pid").value(ProcessHandle.current().pid()))
			.andExpect(jsonPath("$.pipes[0].id").value("default"))
			.andExpect(jsonPath("$.pipes[0].name").value(NAME))
			.andExpect(jsonPath("$.pipes[0].state").value("LISTENING"))
			.andExpect(jsonPath("$.pipes[0].health").value("UP"))
			.andExpect(jsonPath("$.pipes[0].connections[0].pid").value(ProcessHandle.current().pid()))
			.andExpect(jsonPath("$.pipes[0].connections[0].since").isNotEmpty())
			.andExpect(jsonPath("$.pipes[0].meters['asyncipc.connections'].value").value(1.0));
	}

	@Test
	void theConsoleSendsToAllConnectionsAndRefusesAnUnknownPipe() throws Exception {
		MvcResult pending = this.mvc
			.perform(post("/console/send").contentType(MediaType.APPLICATION_JSON)
				.content("{\"connection\": \"*\", \"text\": \"from the console\"}"))
			.andExpect(request().asyncStarted())
			.andReturn();
		this.mvc.perform(asyncDispatch(pending))
			.andExpect(status().isAccepted())
			.andExpect(jsonPath("$.delivered").value(1));
		assertThat(this.receivedByClient.poll(5, TimeUnit.SECONDS)).isEqualTo("from the console");
		MvcResult refused = this.mvc
			.perform(post("/console/send").contentType(MediaType.APPLICATION_JSON)
				.content("{\"pipe\": \"nope\", \"text\": \"lost?\"}"))
			.andReturn();
		this.mvc.perform(asyncDispatch(refused))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value(org.hamcrest.Matchers.containsString("nope")));
	}

	@Test
	void healthShowsThePipeUnderItsId() throws Exception {
		this.mvc.perform(get("/actuator/health"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.components.pipe.status").value("UP"))
			.andExpect(jsonPath("$.components.pipe.components.default.status").value("UP"))
			.andExpect(jsonPath("$.components.pipe.components.default.details.role").value("server"))
			.andExpect(jsonPath("$.components.pipe.components.default.details.name").value(NAME))
			.andExpect(jsonPath("$.components.pipe.components.default.details.connections")
				.value(greaterThanOrEqualTo(1)));
		this.mvc.perform(get("/actuator/health/pipe/default"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.status").value("UP"))
			.andExpect(jsonPath("$.details.name").value(NAME));
	}

}
