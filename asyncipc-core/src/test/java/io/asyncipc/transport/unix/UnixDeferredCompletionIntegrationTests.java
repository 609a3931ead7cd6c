package io.asyncipc.transport.unix;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeStatistics;
import io.asyncipc.transport.RecordingHandler;
import io.asyncipc.transport.SendResult;
import io.asyncipc.transport.support.PipeFuture;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A send written on its sender's thread has its future completed at the I/O thread's next
 * wake-up instead of a wake-up of its own: before a reply that arrives after it is handed on,
 * and within the watch's bound when nothing else wakes the thread. Real sockets; nothing here
 * waits for the futures, since waiting hurries them.
 */
class UnixDeferredCompletionIntegrationTests extends UnixEndpoints {

	@Test
	void aSendIsCompleteBeforeAReplyThatCameAfterItsSendReturnedIsHandedOn() throws Exception {
		// The server echoes each message only once the test says so, after send returned: a
		// reply may otherwise come before its sender has even handed over the completion.
		BlockingQueue<Boolean> echo = new LinkedBlockingQueue<>();
		server(new RecordingHandler().onEachMessage((connection, message) -> {
			if (awaitQuietly(echo)) {
				connection.send(message);
			}
		}));
		AtomicReference<CompletableFuture<SendResult>> sent = new AtomicReference<>();
		List<Boolean> doneAtReply = new CopyOnWriteArrayList<>();
		BlockingQueue<byte[]> replies = new LinkedBlockingQueue<>();
		RecordingHandler clientHandler = new RecordingHandler().onEachMessage((connection, message) -> {
			doneAtReply.add(sent.get().isDone());
			replies.add(message);
		});
		client(clientHandler);
		PipeConnection connection = awaitConnection(clientHandler);
		int count = 20;
		List<String> completedOn = new CopyOnWriteArrayList<>();
		for (int i = 0; i < count; i++) {
			sent.set(connection.send(new byte[] { (byte) i }));
			// Registered without hurrying the completion; run at once if it is done already.
			PipeFuture.whenSettled(sent.get(), (result, error) -> completedOn.add(Thread.currentThread().getName()));
			echo.add(true);
			assertThat(replies.poll(10, TimeUnit.SECONDS)).as("reply %d", i).containsExactly((byte) i);
		}
		assertThat(doneAtReply).hasSize(count).containsOnly(true);
		// On the I/O thread, not in send on the sender's: only the watch, if a tick came
		// between send and the registration, could have completed one before it was registered.
		String sender = Thread.currentThread().getName();
		assertThat(completedOn).hasSize(count);
		assertThat(completedOn.stream().filter((name) -> !name.equals(sender)).count())
			.isGreaterThanOrEqualTo(count / 2);
	}

	private static boolean awaitQuietly(BlockingQueue<Boolean> go) {
		try {
			return go.poll(10, TimeUnit.SECONDS) != null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	@Test
	void aSendThatNothingWaitsForAndNoReplyFollowsStillCompletesAndIsCounted() throws Exception {
		RecordingHandler serverHandler = new RecordingHandler();
		server(serverHandler);
		PipeStatistics statistics = new PipeStatistics();
		RecordingHandler clientHandler = new RecordingHandler();
		client(fastRetry().toBuilder().statistics(statistics).build(), clientHandler);
		PipeConnection connection = awaitConnection(clientHandler);
		CompletableFuture<SendResult> future = connection.send(new byte[] { 1, 2, 3 });
		await().atMost(10, TimeUnit.SECONDS).until(() -> serverHandler.messageCount() == 1);
		await().atMost(10, TimeUnit.SECONDS).until(future::isDone);
		assertThat(future.getNow(null).bytes()).isEqualTo(3);
		assertThat(statistics.messagesSent()).isOne();
		assertThat(connection.queuedBytes()).isZero();
	}

}
