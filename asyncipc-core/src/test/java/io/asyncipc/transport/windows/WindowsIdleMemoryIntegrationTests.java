package io.asyncipc.transport.windows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.RecordingHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An idle connection holds no read or write buffer, only the {@code OVERLAPPED}s of its two
 * operations: once idle it reads zero bytes, and borrows a buffer only while it moves a
 * message, even after large messages went both ways; and a connection parked so still
 * receives empty, small and large messages whole. Before, each connection held a 64 KiB
 * read and a 64 KiB write buffer for good.
 */
@EnabledOnOs(value = OS.WINDOWS, disabledReason = WindowsSuite.SKIPPED)
class WindowsIdleMemoryIntegrationTests {

	private static final int CLIENTS = 8;

	private final WindowsEndpoints endpoints = new WindowsEndpoints();

	@AfterEach
	void stop() {
		this.endpoints.close();
	}

	@Test
	void anIdleConnectionHoldsOnlyItsOverlappeds() throws Exception {
		RecordingHandler serverHandler = new RecordingHandler().echoing();
		this.endpoints.server(serverHandler);
		List<RecordingHandler> clients = new ArrayList<>();
		List<PipeConnection> connections = new ArrayList<>();
		Random random = new Random(8);
		for (int i = 0; i < CLIENTS; i++) {
			RecordingHandler clientHandler = new RecordingHandler();
			this.endpoints.client(clientHandler);
			PipeConnection connection = WindowsEndpoints.awaitConnection(clientHandler);
			for (int size : new int[] { 200_000, 0, 10 }) {
				byte[] message = new byte[size];
				random.nextBytes(message);
				assertThat(connection.send(message)).succeedsWithin(10, TimeUnit.SECONDS);
			}
			clients.add(clientHandler);
			connections.add(connection);
			connections.add(WindowsEndpoints.awaitConnection(serverHandler));
		}
		for (RecordingHandler client : clients) {
			await().atMost(20, TimeUnit.SECONDS).until(() -> client.messageCount() == 3);
		}
		long held = 2L * OverlappedLayout.NATIVE.overlappedSize();
		for (PipeConnection connection : connections) {
			await().atMost(10, TimeUnit.SECONDS)
				.untilAsserted(() -> assertThat(NativeMemory.heldBy(connection))
					.as("native bytes held by idle connection %s", connection)
					.isEqualTo(held));
		}
	}

	@Test
	void aParkedConnectionReceivesEveryKindOfMessage() throws Exception {
		RecordingHandler serverHandler = new RecordingHandler().echoing();
		this.endpoints.server(serverHandler);
		RecordingHandler clientHandler = new RecordingHandler();
		this.endpoints.client(clientHandler);
		PipeConnection client = WindowsEndpoints.awaitConnection(clientHandler);
		PipeConnection server = WindowsEndpoints.awaitConnection(serverHandler);
		long held = 2L * OverlappedLayout.NATIVE.overlappedSize();
		Random random = new Random(9);
		int sent = 0;
		for (int size : new int[] { 0, 1, 200_000, 65_536, 7 }) {
			for (PipeConnection connection : List.of(client, server)) {
				await().atMost(10, TimeUnit.SECONDS).until(() -> NativeMemory.heldBy(connection) == held);
			}
			byte[] message = new byte[size];
			random.nextBytes(message);
			assertThat(client.send(message)).succeedsWithin(10, TimeUnit.SECONDS);
			sent++;
			int expected = sent;
			await().atMost(10, TimeUnit.SECONDS).until(() -> clientHandler.messageCount() == expected);
			assertThat(clientHandler.messagesOf(client.id()).get(sent - 1)).isEqualTo(message);
		}
	}

}
