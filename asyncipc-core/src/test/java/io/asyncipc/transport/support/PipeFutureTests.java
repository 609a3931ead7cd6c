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

	private final IoThread thread = new TaskOnlyIoThread();

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

	/**
	 * An I/O thread with no I/O: it only runs tasks, waiting on a monitor between them.
	 */
	static final class TaskOnlyIoThread extends IoThread {

		private final Object monitor = new Object();

		private boolean woken;

		TaskOnlyIoThread() {
			super("asyncipc-test-io", true);
		}

		@Override
		protected void waitForIo(long timeoutMillis) throws InterruptedException {
			synchronized (this.monitor) {
				if (!this.woken && timeoutMillis != 0) {
					this.monitor.wait(Math.max(timeoutMillis, 0));
				}
				this.woken = false;
			}
		}

		@Override
		protected void wakeup() {
			synchronized (this.monitor) {
				this.woken = true;
				this.monitor.notifyAll();
			}
		}

		@Override
		protected void stopped() {
		}

	}

}
