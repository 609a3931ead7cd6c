package io.asyncipc.transport.windows;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.asyncipc.transport.DisconnectReason;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeException;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.RecordingHandler;
import io.asyncipc.transport.SendResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A write that Windows refuses fails its send, and closes the connection. The failure is
 * injected into the server's {@code WriteFile} ({@link FaultyKernel32}), since no real write
 * fails on demand. The race it guards against is {@code overlapped} mode's, where a sender's
 * own thread writes; in {@code completion-routine} mode only the I/O thread writes, and closes
 * at once, so there the test checks the same outcome without the race.
 */
@EnabledOnOs(value = OS.WINDOWS, disabledReason = WindowsSuite.SKIPPED)
class WindowsWriteFaultsIntegrationTests {

	private final WindowsEndpoints endpoints = new WindowsEndpoints();

	@AfterEach
	void stop() {
		this.endpoints.close();
	}

	@Test
	void noWriteStartsAfterAFailedOneSoNoLaterMessageIsCountedAsTheFailedOne() throws Exception {
		FaultyKernel32 faults = new FaultyKernel32();
		RecordingHandler serverHandler = new RecordingHandler();
		WindowsServerEndpoint server = this.endpoints.newServer(PipeOptions.defaults(), serverHandler,
				faults.kernel32());
		server.start();
		RecordingHandler clientHandler = new RecordingHandler();
		this.endpoints.client(clientHandler);
		PipeConnection onServer = WindowsEndpoints.awaitConnection(serverHandler);
		// The I/O thread is held, as a busy one may be, so the close that the failed write asks for waits.
		CountDownLatch release = new CountDownLatch(1);
		server.loop().execute(() -> RecordingHandler.awaitQuietly(release));
		// WriteFile in both modes: the sender's own thread writes so with overlapped I/O, and the I/O thread's
		// first write of a burst is a quiet WriteFile in either mode.
		String write = "WriteFile";
		faults.failNext(write, 1, FaultyKernel32.failing(PipeKernel32.ERROR_NO_SYSTEM_RESOURCES, false));
		CompletableFuture<SendResult> failed;
		CompletableFuture<SendResult> next;
		try {
			failed = onServer.send(new byte[] { 1 });
			// Longer than the failed one: written, it would have been counted as the failed one and a byte more.
			next = onServer.send(new byte[] { 2, 2 });
		}
		finally {
			release.countDown();
		}
		assertThat(failed).failsWithin(Duration.ofSeconds(10)).withThrowableThat().withCauseInstanceOf(PipeException.class);
		assertThat(next).failsWithin(Duration.ofSeconds(10)).withThrowableThat().withCauseInstanceOf(PipeException.class);
		assertThat(faults.fired(write)).isEqualTo(1);
		RecordingHandler.Disconnect disconnect = serverHandler.disconnected.poll(10, TimeUnit.SECONDS);
		assertThat(disconnect).isNotNull();
		assertThat(disconnect.reason()).isEqualTo(DisconnectReason.IO_ERROR);
		assertThat(disconnect.cause()).hasMessageContaining("WriteFile");
		assertThat(clientHandler.disconnected.poll(10, TimeUnit.SECONDS)).isNotNull();
		assertThat(clientHandler.messageCount()).isZero();
	}

}
