package io.asyncipc.transport.windows;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.RecordingHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each end identifies the other by the user SID of its process, with no account-name lookup
 * on the I/O thread, and a peer that cannot be identified is refused without harm to the
 * others.
 */
@EnabledOnOs(value = OS.WINDOWS, disabledReason = WindowsSuite.SKIPPED)
class WindowsPeerIntegrationTests {

	private final WindowsEndpoints endpoints = new WindowsEndpoints();

	@AfterEach
	void stop() {
		this.endpoints.close();
	}

	@Test
	void peersAreKnownBySidAndTheirNamesAreLookedUpOnlyOffTheIoThread() throws Exception {
		CompletableFuture<String> userOnIoThread = new CompletableFuture<>();
		RecordingHandler serverHandler = new RecordingHandler() {

			@Override
			public void onConnected(PipeConnection connection) {
				userOnIoThread.complete(connection.peer().user());
				super.onConnected(connection);
			}

		};
		this.endpoints.server(serverHandler);
		RecordingHandler clientHandler = new RecordingHandler();
		this.endpoints.client(clientHandler);
		PipeConnection onServer = WindowsEndpoints.awaitConnection(serverHandler);
		PipeConnection onClient = WindowsEndpoints.awaitConnection(clientHandler);
		String sid = ProcessUsers.current().toString();
		assertThat(sid).startsWith("S-1-");
		assertThat(onServer.peer().userId()).isEqualTo(sid);
		assertThat(onClient.peer().userId()).isEqualTo(sid);
		assertThat(userOnIoThread).succeedsWithin(5, TimeUnit.SECONDS).isEqualTo(sid);
		assertThat(onServer.peer().user()).isEqualTo(ProcessUsers.nameOf(sid)).isNotEqualTo(sid);
	}

	@Test
	void aClientThatCannotBeIdentifiedIsRefusedAndTheNextOneIsServed() throws Exception {
		FaultyKernel32 faults = new FaultyKernel32().failNext("GetNamedPipeClientProcessId", 1, (args) -> {
			throw new IllegalStateException("injected: the client's pid could not be read");
		});
		RecordingHandler serverHandler = new RecordingHandler().echoing();
		this.endpoints.newServer(PipeOptions.defaults(), serverHandler, faults.kernel32()).start();
		RecordingHandler clientHandler = new RecordingHandler();
		this.endpoints.client(clientHandler);
		String rejection = serverHandler.rejections.poll(20, TimeUnit.SECONDS);
		assertThat(rejection).isNotNull()
			.contains("could not be identified")
			.contains("injected: the client's pid could not be read");
		PipeConnection onServer = WindowsEndpoints.awaitConnection(serverHandler);
		assertThat(onServer.send("served".getBytes(StandardCharsets.UTF_8))).succeedsWithin(10, TimeUnit.SECONDS);
		await().atMost(10, TimeUnit.SECONDS).until(() -> clientHandler.messageCount() == 1);
	}

}
