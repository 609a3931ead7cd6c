package io.asyncipc.transport.support;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.asyncipc.transport.BlockingOperationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A send's future refuses to be waited for on an I/O thread, unless it is done; waiting for
 * it or chaining on it hurries its completion, a settled action does not.
 */
class PipeFutureTests {

	private final IoThread thread = new MonitorIoThread("asyncipc-test-io");

	@AfterEach
	void stop() {
		this.thread.shutdownAndJoin(Duration.ofSeconds(5));
	}

	@Test
	void waitingOnAnIoThreadFailsAtOnceAndNamesTheFix() {
		this.thread.start();
		PipeFuture<String> pending = new PipeFuture<>();
		CompletableFuture<Throwable> thrown = new CompletableFuture<>();
		this.thread.execute(() -> {
			try {
				pending.join();
				thrown.complete(null);
			}
			catch (Throwable ex) {
				thrown.complete(ex);
			}
		});
		assertThat(thrown).succeedsWithin(5, TimeUnit.SECONDS)
			.isInstanceOf(BlockingOperationException.class)
			.extracting(Throwable::getMessage)
			.asString()
			.contains("join()", "would block I/O thread", "thenAccept");
	}

	@Test
	void derivedFuturesCheckTooAndDoneOnesMayBeRead() {
		this.thread.start();
		PipeFuture<String> source = new PipeFuture<>();
		CompletableFuture<Integer> derived = source.thenApply(String::length);
		CompletableFuture<String> outcome = new CompletableFuture<>();
		this.thread.execute(() -> {
			try {
				derived.get();
				outcome.complete("waited");
			}
			catch (BlockingOperationException ex) {
				outcome.complete("refused");
			}
			catch (Exception ex) {
				outcome.complete(ex.toString());
			}
		});
		assertThat(outcome).succeedsWithin(5, TimeUnit.SECONDS).isEqualTo("refused");
		source.complete("done");
		CompletableFuture<Integer> readOnIoThread = new CompletableFuture<>();
		this.thread.execute(() -> readOnIoThread.complete(derived.join()));
		assertThat(readOnIoThread).succeedsWithin(5, TimeUnit.SECONDS).isEqualTo(4);
	}

	@Test
	void waitingForItOrChainingOnItHurriesIt() {
		AtomicInteger hurried = new AtomicInteger();
		PipeFuture<String> waited = new PipeFuture<>(hurried::incrementAndGet);
		assertThat(waited.getNow("not yet")).isEqualTo("not yet");
		assertThat(hurried).as("reading without waiting").hasValue(0);
		waited.thenApply(String::length);
		assertThat(hurried).as("chaining").hasValue(1);
		CompletableFuture<Void> joined = CompletableFuture.runAsync(waited::join);
		await().atMost(5, TimeUnit.SECONDS).until(() -> hurried.get() == 2);
		waited.complete("done");
		assertThat(joined).succeedsWithin(5, TimeUnit.SECONDS);
		waited.thenApply(String::length);
		assertThat(hurried).as("chaining on a done future").hasValue(2);
	}

	@Test
	void aSettledActionDoesNotHurryAndRunsOnceWhenRegisteredBeforeOrAfterCompletion() {
		AtomicInteger hurried = new AtomicInteger();
		PipeFuture<String> early = new PipeFuture<>(hurried::incrementAndGet);
		List<String> seen = new CopyOnWriteArrayList<>();
		PipeFuture.whenSettled(early, (value, error) -> seen.add("early " + value));
		assertThat(seen).isEmpty();
		early.complete("a");
		early.complete("b");
		PipeFuture<String> late = new PipeFuture<>(hurried::incrementAndGet);
		late.completeExceptionally(new IllegalStateException("closed"));
		PipeFuture.whenSettled(late, (value, error) -> seen.add("late " + error.getMessage()));
		assertThat(seen).containsExactly("early a", "late closed");
		assertThat(hurried).hasValue(0);
	}

	@Test
	void aSettledActionOnADerivedFutureOrASecondOneIsAnOrdinaryCallback() {
		AtomicInteger hurried = new AtomicInteger();
		PipeFuture<String> source = new PipeFuture<>(hurried::incrementAndGet);
		CompletableFuture<Integer> derived = source.thenApply(String::length);
		List<String> seen = new CopyOnWriteArrayList<>();
		PipeFuture.whenSettled(derived, (value, error) -> seen.add("derived " + value));
		PipeFuture.whenSettled(source, (value, error) -> seen.add("first " + value));
		PipeFuture.whenSettled(source, (value, error) -> seen.add("second " + value));
		source.complete("four");
		assertThat(seen).containsExactlyInAnyOrder("derived 4", "first four", "second four");
	}

}
