package io.asyncipc.transport.windows;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeStatistics;
import io.asyncipc.transport.RecordingHandler;
import io.asyncipc.transport.SendResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Quiet writes ({@link PipeIoLoop#writeQuietly}): a write of the I/O thread that the OS takes
 * at once is finished without a completion, and its send's future completes at the end of
 * the wake-up; one that the OS does not take at once is watched by the I/O thread. Every send
 * still completes once, in order, and is counted, whichever way it went; what the OS answers
 * decides only which way.
 */
@EnabledOnOs(value = OS.WINDOWS, disabledReason = WindowsSuite.SKIPPED)
class WindowsQuietWritesIntegrationTests {

	private final WindowsEndpoints endpoints = new WindowsEndpoints();

	@AfterEach
	void stop() {
		this.endpoints.close();
	}

	@Test
	void sendsThatNobodyWaitsForCompleteInOrderAndAreCounted() throws Exception {
		PipeStatistics statistics = new PipeStatistics();
		RecordingHandler serverHandler = new RecordingHandler();
		this.endpoints.server(serverHandler);
		RecordingHandler clientHandler = new RecordingHandler();
		this.endpoints.client(PipeOptions.builder().statistics(statistics).build(), clientHandler);
		PipeConnection connection = WindowsEndpoints.awaitConnection(clientHandler);
		int count = 500;
		List<CompletableFuture<SendResult>> sends = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			sends.add(connection.send(ByteBuffer.allocate(4 + i % 50).putInt(i).array()));
		}
		// Only polled: nothing waits for the futures or chains on them, so nothing hurries them.
		await().atMost(20, TimeUnit.SECONDS).until(() -> sends.stream().allMatch(CompletableFuture::isDone));
		assertThat(sends).allSatisfy((send) -> assertThat(send).isCompleted().isNotCompletedExceptionally());
		assertThat(statistics.messagesSent()).isEqualTo(count);
		assertThat(connection.queuedBytes()).isZero();
		await().atMost(20, TimeUnit.SECONDS).until(() -> serverHandler.messageCount() == count);
		List<byte[]> received = serverHandler.messages.values().iterator().next();
		for (int i = 0; i < count; i++) {
			assertThat(ByteBuffer.wrap(received.get(i)).getInt()).isEqualTo(i);
		}
	}

	@Test
	void sendFuturesCompleteInSendOrderWhenChainedOn() throws Exception {
		this.endpoints.server(new RecordingHandler());
		RecordingHandler clientHandler = new RecordingHandler();
		this.endpoints.client(clientHandler);
		PipeConnection connection = WindowsEndpoints.awaitConnection(clientHandler);
		int count = 2_000;
		List<Integer> completed = Collections.synchronizedList(new ArrayList<>());
		List<CompletableFuture<SendResult>> sends = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			int sequence = i;
			sends.add(connection.send(new byte[16]).whenComplete((sent, error) -> completed.add(sequence)));
		}
		assertThat(CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))).succeedsWithin(20,
				TimeUnit.SECONDS);
		assertThat(completed).hasSize(count).isSorted();
	}

	@Test
	void aLongChainOfSendsEachFromThePreviousOnesCallbackEndsWithoutRecursion() throws Exception {
		RecordingHandler serverHandler = new RecordingHandler();
		this.endpoints.server(serverHandler);
		RecordingHandler clientHandler = new RecordingHandler();
		this.endpoints.client(clientHandler);
		PipeConnection connection = WindowsEndpoints.awaitConnection(clientHandler);
		int count = 5_000;
		AtomicInteger sent = new AtomicInteger();
		CompletableFuture<Integer> done = new CompletableFuture<>();
		Runnable[] next = new Runnable[1];
		next[0] = () -> connection.send(new byte[8]).whenComplete((result, error) -> {
			if (error != null) {
				done.completeExceptionally(error);
			}
			else if (sent.incrementAndGet() == count) {
				done.complete(count);
			}
			else {
				next[0].run();
			}
		});
		next[0].run();
		assertThat(done).succeedsWithin(60, TimeUnit.SECONDS).isEqualTo(count);
		await().atMost(20, TimeUnit.SECONDS).until(() -> serverHandler.messageCount() == count);
	}

	/**
	 * A client of plain blocking handles that reads nothing for a while: the server's writes
	 * fill the pipe, so one stays pending, and the rest queue behind it; once the client reads,
	 * every send completes, in order, and every byte arrives in order. The sends come from a
	 * thread that has ended by then: a write it started must not be cancelled with it (Wine
	 * cancels a pending write that names an event when the thread that started it exits).
	 */
	@Test
	void aWriteThatThePeerDoesNotTakeAtOnceCompletesOnceItReadsAfterItsSenderEnded() throws Exception {
		RecordingHandler serverHandler = new RecordingHandler();
		this.endpoints.server(serverHandler);
		PipeKernel32 k = PipeKernel32.instance();
		HANDLE client = k.CreateFile(new WString(WindowsPipeNames.resolve(this.endpoints.name)),
				PipeKernel32.GENERIC_READ | PipeKernel32.GENERIC_WRITE, 0, null, PipeKernel32.OPEN_EXISTING, 0, null);
		assertThat(client).isNotNull().isNotEqualTo(WinBase.INVALID_HANDLE_VALUE);
		try {
			IntByReference mode = new IntByReference(PipeKernel32.PIPE_READMODE_MESSAGE);
			assertThat(k.SetNamedPipeHandleState(client, mode, null, null)).isTrue();
			PipeConnection onServer = WindowsEndpoints.awaitConnection(serverHandler);
			int size = 64 * 1024;
			int count = 40;
			List<CompletableFuture<SendResult>> sends = Collections.synchronizedList(new ArrayList<>());
			Thread sender = new Thread(() -> {
				for (int i = 0; i < count; i++) {
					sends.add(onServer.send(message(i, size)));
				}
			}, "short-lived-sender");
			sender.start();
			sender.join();
			await().atMost(10, TimeUnit.SECONDS)
				.untilAsserted(() -> assertThat(onServer.queuedBytes()).as("bytes the OS did not take")
					.isGreaterThan((long) size * count / 2));
			assertThat(sends.get(count - 1)).isNotDone();
			Memory buffer = new Memory(size);
			IntByReference read = new IntByReference();
			for (int i = 0; i < count; i++) {
				assertThat(k.ReadFile(client, buffer, size, read.getPointer(), null)).as("ReadFile, error %d", Native.getLastError())
					.isTrue();
				assertThat(read.getValue()).isEqualTo(size);
				assertThat(buffer.getByteArray(0, size)).isEqualTo(message(i, size));
			}
			assertThat(sends).allSatisfy((send) -> assertThat(send).succeedsWithin(10, TimeUnit.SECONDS)
				.extracting(SendResult::bytes)
				.isEqualTo(size));
			assertThat(onServer.queuedBytes()).isZero();
			assertThat(onServer.send(message(count, 16))).succeedsWithin(10, TimeUnit.SECONDS);
		}
		finally {
			k.CloseHandle(client);
		}
	}

	private static byte[] message(int sequence, int size) {
		ByteBuffer buffer = ByteBuffer.allocate(size).putInt(sequence);
		while (buffer.hasRemaining()) {
			buffer.put((byte) (sequence + buffer.position()));
		}
		return buffer.array();
	}

}
