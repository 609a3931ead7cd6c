package io.asyncipc.autoconfigure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.transport.TestNames;
import io.micrometer.tracing.exporter.FinishedSpan;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A trace that crosses the process boundary: this JVM runs the client with a real tracer (Brave
 * through Spring Boot's tracing auto-configuration), and a child JVM runs
 * {@link TracedServerApplication}, a Spring Boot server with a tracer of its own, which prints the
 * spans it finished. The server's listener span must carry the client's trace id and have the
 * span of the client's send as its parent, for a one-way message and for a request.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "the Windows suite runs the in-process TracingIntegrationTests")
class TracingAcrossProcessesIntegrationTests {

	private final String name = TestNames.random();

	private final List<String> serverLines = new CopyOnWriteArrayList<>();

	private Process server;

	@AfterEach
	void stopServer() throws InterruptedException {
		if (this.server != null) {
			this.server.destroy();
			if (!this.server.waitFor(10, TimeUnit.SECONDS)) {
				this.server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

	@Test
	void theServersListenerSpanInAnotherProcessIsAChildOfTheClientsSend() throws IOException {
		startServer();
		TracingContexts.runner(this.name, "client")
			.withPropertyValues("asyncipc.template.observation-enabled=true")
			.run((client) -> {
				PipeContexts.awaitConnected(client);
				PipeTemplate template = client.getBean(PipeTemplate.class);
				FinishedSpans clientSpans = client.getBean(FinishedSpans.class);

				template.convertAndSend("one-way");
				FinishedSpan send = clientSpans.awaitTagged("messaging.operation", "send");
				ServerSpan received = awaitServerSpan(send.getTraceId());
				assertThat(received.name()).isEqualTo("default process");
				assertThat(received.kind()).isEqualTo("CONSUMER");
				assertThat(received.tags()).containsEntry("asyncipc.listener.id", "desk")
					.containsEntry("asyncipc.role", "server")
					.containsEntry("messaging.system", "asyncipc");
				assertThat(received.parentId()).isEqualTo(send.getSpanId());

				assertThat(template.convertSendAndReceive("request", String.class)).isEqualTo("request done");
				FinishedSpan request = clientSpans.awaitTagged("messaging.operation", "request");
				assertThat(request.getTraceId()).isNotEqualTo(send.getTraceId());
				ServerSpan answered = awaitServerSpan(request.getTraceId());
				assertThat(answered.parentId()).isEqualTo(request.getSpanId());
				assertThat(answered.tags()).containsEntry("messaging.message.conversation_id",
						request.getTags().get("messaging.message.conversation_id"));
			});
	}

	private void startServer() throws IOException {
		String java = ProcessHandle.current().info().command().orElse("java");
		List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
				"-Xshare:off", "-cp", System.getProperty("java.class.path"), TracedServerApplication.class.getName(),
				"--asyncipc.name=" + this.name));
		this.server = new ProcessBuilder(command).redirectErrorStream(true).start();
		Thread reader = new Thread(this::readServerLines, "traced-server-" + this.server.pid());
		reader.setDaemon(true);
		reader.start();
		await().atMost(60, TimeUnit.SECONDS)
			.failFast("the server exited: " + this.serverLines, () -> !this.server.isAlive())
			.until(() -> this.serverLines.contains("ready"));
	}

	private void readServerLines() {
		try (BufferedReader lines = this.server.inputReader()) {
			String line;
			while ((line = lines.readLine()) != null) {
				this.serverLines.add(line);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private ServerSpan awaitServerSpan(String traceId) {
		return await().atMost(10, TimeUnit.SECONDS)
			.until(() -> this.serverLines.stream()
				.map(ServerSpan::parse)
				.flatMap(Optional::stream)
				.filter((span) -> span.traceId().equals(traceId))
				.findFirst(), Optional::isPresent)
			.get();
	}

	/**
	 * A span as the server printed it.
	 */
	record ServerSpan(String name, String traceId, String spanId, String parentId, String kind,
			Map<String, String> tags) {

		static Optional<ServerSpan> parse(String line) {
			String[] fields = line.split("\t", -1);
			if (fields.length != 7 || !fields[0].equals("span")) {
				return Optional.empty();
			}
			Map<String, String> tags = new LinkedHashMap<>();
			Arrays.stream(fields[6].split(",")).filter((tag) -> tag.contains("=")).forEach((tag) -> {
				int equals = tag.indexOf('=');
				tags.put(tag.substring(0, equals), tag.substring(equals + 1));
			});
			return Optional.of(new ServerSpan(fields[1], fields[2], fields[3], fields[4], fields[5], tags));
		}

	}

}
