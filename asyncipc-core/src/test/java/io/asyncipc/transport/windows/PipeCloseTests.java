package io.asyncipc.transport.windows;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.jna.platform.win32.WinNT.HANDLE;
import io.asyncipc.transport.DisconnectReason;
import io.asyncipc.transport.support.MonitorIoThread;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sequence of kernel32 calls that closes a connection's pipe: an orderly close lets the
 * peer read (FlushFileBuffers, off the I/O thread, bounded) before the I/O thread cancels
 * the pending read and closes the handle; no close ever calls DisconnectNamedPipe, which
 * discards what the peer has not read.
 * <p>
 * The calls go to a recording fake of kernel32 ({@link RecordingKernel32}) rather than to
 * Windows, because Wine, where the Windows suite runs, is not Windows here: under Wine
 * {@code CloseHandle} alone keeps what the peer has not read, so a real-pipe close cannot show
 * that the flush comes first, and the calls of a close whose peer never reads (the timeout,
 * {@code CancelSynchronousIo} on the flushing thread) are Wine's own. The real-pipe behaviour
 * is covered by {@link WindowsCloseIntegrationTests}.
 */
class PipeCloseTests {

	private final RecordingKernel32 recording = new RecordingKernel32();

	private final MonitorIoThread loop = new MonitorIoThread("test-io");

	private final ExecutorService flusher = Executors.newSingleThreadExecutor((task) -> new Thread(task, "test-flusher"));

	private final HANDLE pipe = this.recording.newHandle();

	private final PipeClose close = new PipeClose(this.pipe, "connection 1 on pipe 'test'", this.recording.kernel32(),
			this.loop);

	@BeforeEach
	void startLoop() {
		this.loop.start();
	}

	@AfterEach
	void stopLoop() {
		this.flusher.shutdownNow();
		this.loop.shutdownAndJoin(Duration.ofSeconds(5));
	}

	@Test
	void anOrderlyCloseLetsThePeerReadBeforeTheHandleIsClosed() throws Exception {
		CountDownLatch peerRead = new CountDownLatch(1);
		this.recording.answer("FlushFileBuffers", (args) -> awaitLatch(peerRead));
		this.loop.runAndWait(() -> this.close.afterFlush(this.flusher, Duration.ofSeconds(30)), Duration.ofSeconds(5));
		await().atMost(5, TimeUnit.SECONDS).until(() -> this.recording.functions().contains("FlushFileBuffers"));
		this.loop.runAndWait(() -> {
		}, Duration.ofSeconds(5));
		assertThat(this.close.whenClosed()).as("closed while the peer has not read").isNotDone();
		assertThat(this.recording.functions()).doesNotContain("CloseHandle", "CancelIoEx");
		peerRead.countDown();
		assertThat(this.close.whenClosed()).succeedsWithin(5, TimeUnit.SECONDS);
		assertThat(callsOn(this.pipe)).extracting(RecordingKernel32.Call::function)
			.containsExactly("FlushFileBuffers", "CancelIoEx", "CloseHandle");
		assertThat(callsOn(this.pipe)).extracting(RecordingKernel32.Call::thread)
			.containsExactly("test-flusher", "test-io", "test-io");
		assertThat(this.recording.functions()).doesNotContain("DisconnectNamedPipe");
	}

	@Test
	void theFlushingThreadsOwnHandleIsClosedAfterTheFlush() {
		this.loop.runAndWait(() -> this.close.afterFlush(this.flusher, Duration.ofSeconds(30)), Duration.ofSeconds(5));
		assertThat(this.close.whenClosed()).succeedsWithin(5, TimeUnit.SECONDS);
		HANDLE thread = openedThread();
		await().atMost(5, TimeUnit.SECONDS)
			.untilAsserted(() -> assertThat(callsOn(thread)).extracting(RecordingKernel32.Call::function)
				.containsExactly("CloseHandle"));
	}

	@Test
	void aPeerThatDoesNotReadIsGivenUpOnAfterTheTimeoutAndTheFlushIsCancelled() {
		CountDownLatch cancelled = new CountDownLatch(1);
		this.recording.answer("FlushFileBuffers", (args) -> !awaitLatch(cancelled));
		this.recording.answer("CancelSynchronousIo", (args) -> {
			cancelled.countDown();
			return true;
		});
		this.loop.runAndWait(() -> this.close.afterFlush(this.flusher, Duration.ofMillis(200)), Duration.ofSeconds(5));
		assertThat(this.close.whenClosed()).succeedsWithin(5, TimeUnit.SECONDS);
		HANDLE thread = openedThread();
		List<RecordingKernel32.Call> calls = this.recording.calls();
		assertThat(calls).filteredOn((call) -> call.is("CancelSynchronousIo", thread))
			.extracting(RecordingKernel32.Call::thread)
			.containsExactly("test-io");
		assertThat(indexOf(calls, "FlushFileBuffers", this.pipe)).isLessThan(indexOf(calls, "CancelSynchronousIo", thread));
		assertThat(indexOf(calls, "CancelSynchronousIo", thread)).isLessThan(indexOf(calls, "CloseHandle", this.pipe));
		awaitFlusherDone(thread);
		assertThat(callsOn(this.pipe)).extracting(RecordingKernel32.Call::function)
			.containsExactly("FlushFileBuffers", "CancelIoEx", "CloseHandle");
		assertThat(this.recording.functions()).doesNotContain("DisconnectNamedPipe");
	}

	@Test
	void anyOtherCloseClosesAtOnceWithoutFlushing() {
		this.loop.runAndWait(this.close::now, Duration.ofSeconds(5));
		assertThat(this.close.whenClosed()).isDone();
		assertThat(this.recording.functions()).containsExactly("CancelIoEx", "CloseHandle");
	}

	@Test
	void anIoThreadThatStopsClosesAPipeThatIsStillFlushing() {
		CountDownLatch cancelled = new CountDownLatch(1);
		this.recording.answer("FlushFileBuffers", (args) -> !awaitLatch(cancelled));
		this.recording.answer("CancelSynchronousIo", (args) -> {
			cancelled.countDown();
			return true;
		});
		this.loop.runAndWait(() -> this.close.afterFlush(this.flusher, Duration.ofSeconds(30)), Duration.ofSeconds(5));
		await().atMost(5, TimeUnit.SECONDS).until(() -> this.recording.functions().contains("FlushFileBuffers"));
		this.loop.runAndWait(this.close::abandon, Duration.ofSeconds(5));
		assertThat(this.close.whenClosed()).isDone();
		HANDLE thread = openedThread();
		awaitFlusherDone(thread);
		assertThat(callsOn(this.pipe)).extracting(RecordingKernel32.Call::function)
			.containsExactly("FlushFileBuffers", "CancelIoEx", "CloseHandle");
		assertThat(this.recording.calls()).filteredOn((call) -> call.is("CancelSynchronousIo", thread)).hasSize(1);
	}

	@Test
	void onlyAnOrderlyCloseAfterWritesWaitsForThePeer() {
		assertThat(PipeClose.flushesFirst(DisconnectReason.LOCAL_CLOSE, true)).isTrue();
		assertThat(PipeClose.flushesFirst(DisconnectReason.LOCAL_SHUTDOWN, true)).isTrue();
		assertThat(PipeClose.flushesFirst(DisconnectReason.LOCAL_CLOSE, false)).isFalse();
		assertThat(PipeClose.flushesFirst(DisconnectReason.PEER_CLOSED, true)).isFalse();
		assertThat(PipeClose.flushesFirst(DisconnectReason.IO_ERROR, true)).isFalse();
		assertThat(PipeClose.flushesFirst(DisconnectReason.PROTOCOL_ERROR, true)).isFalse();
	}

	/**
	 * Waits until the flusher closed its thread handle and the I/O thread ran what it handed
	 * back, so that a second close would have been recorded.
	 */
	private void awaitFlusherDone(HANDLE thread) {
		await().atMost(5, TimeUnit.SECONDS).until(() -> callsOn(thread).stream()
			.anyMatch((call) -> call.function().equals("CloseHandle")));
		this.loop.runAndWait(() -> {
		}, Duration.ofSeconds(5));
	}

	private HANDLE openedThread() {
		AtomicReference<Object> thread = new AtomicReference<>();
		await().atMost(5, TimeUnit.SECONDS).until(() -> {
			this.recording.calls()
				.stream()
				.filter((call) -> call.function().equals("OpenThread"))
				.findFirst()
				.ifPresent((call) -> thread.set(call.result().get()));
			return thread.get() != null;
		});
		return (HANDLE) thread.get();
	}

	private List<RecordingKernel32.Call> callsOn(HANDLE handle) {
		return this.recording.calls().stream().filter((call) -> handle.equals(call.handle())).toList();
	}

	private static int indexOf(List<RecordingKernel32.Call> calls, String function, HANDLE handle) {
		for (int i = 0; i < calls.size(); i++) {
			if (calls.get(i).is(function, handle)) {
				return i;
			}
		}
		throw new AssertionError("no " + function + " on " + handle + " in " + calls);
	}

	private static boolean awaitLatch(CountDownLatch latch) {
		try {
			return latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
