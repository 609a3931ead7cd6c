package io.asyncipc.transport.support;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The future of a send. It completes on the connection's I/O thread, and so do the callbacks
 * chained on it before it completed; waiting for it on an I/O thread, while it is not done,
 * fails at once with {@link io.asyncipc.transport.BlockingOperationException} rather than
 * stalling the thread, maybe for good. Futures derived from it with {@code thenApply} and the
 * like check the same.
 *
 * @param <T> the result type
 */
public final class PipeFuture<T> extends CompletableFuture<T> {

	private static final String INSTEAD = "chain on the future (thenAccept, whenComplete) instead of waiting, "
			+ "or send from another thread, for example with asyncipc.listener.dispatch=executor";

	@Override
	public T get() throws InterruptedException, ExecutionException {
		checkNotBlocking("get()");
		return super.get();
	}

	@Override
	public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
		checkNotBlocking("get(timeout)");
		return super.get(timeout, unit);
	}

	@Override
	public T join() {
		checkNotBlocking("join()");
		return super.join();
	}

	@Override
	public <U> CompletableFuture<U> newIncompleteFuture() {
		return new PipeFuture<>();
	}

	private void checkNotBlocking(String call) {
		if (!isDone()) {
			IoThread.checkNotBlocking("waiting for a send with " + call, INSTEAD);
		}
	}

}
