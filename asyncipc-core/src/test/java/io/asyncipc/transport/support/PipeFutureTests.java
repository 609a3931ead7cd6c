package io.asyncipc.transport.support;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.asyncipc.transport.BlockingOperationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A send's future refuses to be waited for on an I/O thread, unless it is done.
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

}
