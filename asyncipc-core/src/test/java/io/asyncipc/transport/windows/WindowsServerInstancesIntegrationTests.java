package io.asyncipc.transport.windows;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import io.asyncipc.transport.EndpointState;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.RecordingHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A server's pool of instances waiting for clients: it is refilled when creating instances
 * failed for a while, and an instance whose client came while the server stopped is closed.
 */
@EnabledOnOs(value = OS.WINDOWS, disabledReason = WindowsSuite.SKIPPED)
class WindowsServerInstancesIntegrationTests {

	private final WindowsEndpoints endpoints = new WindowsEndpoints();

	private final Logger serverLogger = (Logger) LoggerFactory.getLogger(WindowsServerEndpoint.class);

	private final ListAppender<ILoggingEvent> serverLog = new ListAppender<>();

	@AfterEach
	void stop() {
		this.serverLogger.detachAppender(this.serverLog);
		this.serverLogger.setLevel(null);
		this.serverLogger.setAdditive(true);
		this.endpoints.close();
	}

	@Test
	void aServerThatCouldNotCreateInstancesForAWhileTakesClientsAgain() throws Exception {
		captureServerLog();
		FaultyKernel32 faults = new FaultyKernel32();
		RecordingHandler serverHandler = new RecordingHandler().echoing();
		WindowsServerEndpoint server = this.endpoints.newServer(PipeOptions.defaults(), serverHandler,
				faults.kernel32());
		server.start();
		faults.failNext("CreateNamedPipe", 4,
				FaultyKernel32.failing(PipeKernel32.ERROR_NO_SYSTEM_RESOURCES, WinBase.INVALID_HANDLE_VALUE));
		// Two clients take both waiting instances while no new one can be created.
		for (int i = 0; i < WindowsServerEndpoint.PENDING_INSTANCES; i++) {
			this.endpoints.client(new RecordingHandler());
			WindowsEndpoints.awaitConnection(serverHandler);
		}
		RecordingHandler lateHandler = new RecordingHandler();
		this.endpoints.client(lateHandler);
		PipeConnection late = WindowsEndpoints.awaitConnection(lateHandler);
		assertThat(late.send("still listening".getBytes(StandardCharsets.UTF_8))).succeedsWithin(10,
				TimeUnit.SECONDS);
		await().atMost(10, TimeUnit.SECONDS).until(() -> lateHandler.messageCount() == 1);
		assertThat(faults.fired("CreateNamedPipe")).isEqualTo(4);
		assertThat(server.status().state()).isEqualTo(EndpointState.LISTENING);
		assertThat(server.status().failedAttempts()).isZero();
		assertThat(messages(Level.ERROR)).singleElement()
			.asString()
			.contains("could not create an instance for the next client")
			.contains("Windows error 1450 (not enough system resources)");
		assertThat(messages(Level.INFO)).anySatisfy(
				(message) -> assertThat(message).contains("has 2 instances waiting for clients again"));
	}

	@Test
	void clientsThatConnectWhileTheServerStopsLeaveNoHandleBehind() throws Exception {
		connectWhileStopping(this.endpoints.name + "-warm-up");
		long before = ProcessHandles.count();
		for (int i = 0; i < 3; i++) {
			connectWhileStopping(this.endpoints.name + "-" + i);
		}
		await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> assertThat(ProcessHandles.count()).isEqualTo(before));
	}

	/**
	 * Holds the server's I/O thread in the completion of a client's connect until the server
	 * is stopping, then checks that the server let go of the pipe: its name can be served
	 * again.
	 */
	private void connectWhileStopping(String name) throws Exception {
		CountDownLatch connectCompleting = new CountDownLatch(1);
		CountDownLatch stopping = new CountDownLatch(1);
		WindowsServerEndpoint server = new WindowsServerEndpoint(name, PipeOptions.defaults(), new RecordingHandler(),
				WindowsSuite.mode());
		server.loop().beforeCompletion((operation) -> {
			if (operation.describe().startsWith("waiting instance")) {
				connectCompleting.countDown();
				awaitLatch(stopping);
			}
		});
		server.start();
		HANDLE client = Kernel32.INSTANCE.CreateFile(WindowsPipeNames.resolve(name),
				Kernel32.GENERIC_READ | Kernel32.GENERIC_WRITE, 0, null, Kernel32.OPEN_EXISTING, 0, null);
		assertThat(client).isNotEqualTo(WinBase.INVALID_HANDLE_VALUE);
		try {
			assertThat(connectCompleting.await(10, TimeUnit.SECONDS)).as("the server saw the client").isTrue();
			CompletableFuture<Void> stopped = server.stopAsync(Duration.ofSeconds(5));
			await().atMost(10, TimeUnit.SECONDS).until(() -> server.status().state() == EndpointState.STOPPING);
			stopping.countDown();
			assertThat(stopped).succeedsWithin(20, TimeUnit.SECONDS);
		}
		finally {
			stopping.countDown();
			Kernel32.INSTANCE.CloseHandle(client);
		}
		WindowsServerEndpoint next = new WindowsServerEndpoint(name, PipeOptions.defaults(), new RecordingHandler(),
				WindowsSuite.mode());
		next.start();
		next.stop(Duration.ofSeconds(5));
	}

	private void captureServerLog() {
		this.serverLogger.setLevel(Level.INFO);
		this.serverLogger.setAdditive(false);
		this.serverLog.start();
		this.serverLogger.addAppender(this.serverLog);
	}

	private List<String> messages(Level level) {
		return this.serverLog.list.stream()
			.filter((event) -> event.getLevel() == level)
			.map(ILoggingEvent::getFormattedMessage)
			.toList();
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
