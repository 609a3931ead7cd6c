package io.asyncipc.transport.support;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * The future of a send. It completes on the connection's I/O thread, and so do the callbacks
 * chained on it before it completed; waiting for it on an I/O thread, while it is not done,
 * fails at once with {@link io.asyncipc.transport.BlockingOperationException} rather than
 * stalling the thread, maybe for good. Futures derived from it with {@code thenApply} and the
 * like check the same.
 * <p>
 * A send written on its sender's thread completes soon after ({@link IoThread#executeDeferred}),
 * without a wake-up of the I/O thread of its own; whoever waits for it or chains on it while
 * it is not done hurries it ({@link IoThread#hurry()}), so no one waits for the bound. Only
 * {@link #whenSettled} leaves it at its pace, for callbacks that act on failures, which are
 * never late.
 *
 * @param <T> the result type
 */
public final class PipeFuture<T> extends CompletableFuture<T> {

	private static final String INSTEAD = "chain on the future (thenAccept, whenComplete) instead of waiting, "
			+ "or send from another thread, for example with asyncipc.listener.dispatch=executor";

	private static final Runnable NO_HURRY = () -> {
	};

	private static final Object SETTLED = new Object();

	private static final VarHandle SETTLED_ACTION;

	static {
		try {
			SETTLED_ACTION = MethodHandles.lookup().findVarHandle(PipeFuture.class, "settledAction", Object.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final Runnable hurry;

	/** Whether the transport completes this future itself, rather than as a dependent stage. */
	private final boolean root;

	/**
	 * Set before someone who waits for this future or chains on it hurries it: a sender that
	 * defers the completion afterwards sees it and hurries the completion itself.
	 */
	private volatile boolean awaited;

	/**
	 * The action of {@link #whenSettled}: null, the action, or {@link #SETTLED} once run. A field
	 * of its own rather than an {@code AtomicReference}: a stream makes millions of these futures,
	 * and most never get an action.
	 */
	private volatile Object settledAction;

	/**
	 * Creates a future that nothing needs to hurry.
	 */
	public PipeFuture() {
		this(NO_HURRY);
	}

	/**
	 * Creates a future that may complete a little later than it could, unless hurried.
	 * @param hurry makes it complete without waiting, when someone waits for it or chains on it
	 */
	public PipeFuture(Runnable hurry) {
		this(hurry, true);
	}

	private PipeFuture(Runnable hurry, boolean root) {
		this.hurry = hurry;
		this.root = root;
	}

	/**
	 * Runs an action once the future completes, without hurrying it: for a callback that
	 * only acts on a failure (a send whose connection closed), which always comes at once.
	 * On any other future, and on one derived from a send's, the same as {@code whenComplete}.
	 * @param <T> the result type
	 * @param future the future
	 * @param action called with the result or the failure
	 */
	public static <T> void whenSettled(CompletableFuture<T> future, BiConsumer<? super T, ? super Throwable> action) {
		if (!(future instanceof PipeFuture<T> pipeFuture) || !pipeFuture.root
				|| !SETTLED_ACTION.compareAndSet(pipeFuture, null, action)) {
			future.whenComplete(action);
			return;
		}
		if (pipeFuture.isDone()) {
			pipeFuture.runSettledAction();
		}
	}

	@Override
	public boolean complete(T value) {
		boolean completed = super.complete(value);
		runSettledAction();
		return completed;
	}

	@Override
	public boolean completeExceptionally(Throwable ex) {
		boolean completed = super.completeExceptionally(ex);
		runSettledAction();
		return completed;
	}

	@Override
	public boolean cancel(boolean mayInterruptIfRunning) {
		boolean cancelled = super.cancel(mayInterruptIfRunning);
		runSettledAction();
		return cancelled;
	}

	/**
	 * Runs the action of {@link #whenSettled} once done. The completing thread sets the result
	 * and then reads the action; the registering one sets the action and then reads whether it
	 * is done. Both are volatile, so at least one of them sees the other's write, and the swap
	 * lets only one of them run it. With no action, which is most sends, this costs a read.
	 */
	@SuppressWarnings("unchecked")
	private void runSettledAction() {
		if (this.settledAction == null) {
			return;
		}
		Object action = SETTLED_ACTION.getAndSet(this, SETTLED);
		if (action != null && action != SETTLED) {
			whenComplete((BiConsumer<? super T, ? super Throwable>) action);
		}
	}

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

	/**
	 * Every dependent stage ({@code thenApply}, {@code whenComplete} and the like) starts
	 * here: someone waits for this future, so it is hurried.
	 */
	@Override
	public <U> CompletableFuture<U> newIncompleteFuture() {
		if (!isDone()) {
			hurry();
		}
		return new PipeFuture<>(this.hurry, false);
	}

	/**
	 * Returns whether someone waits for this future or chained on it while it was not done.
	 * @return {@code true} if its completion should not wait
	 */
	boolean isAwaited() {
		return this.awaited;
	}

	private void checkNotBlocking(String call) {
		if (!isDone()) {
			IoThread.checkNotBlocking("waiting for a send with " + call, INSTEAD);
			hurry();
		}
	}

	private void hurry() {
		this.awaited = true;
		this.hurry.run();
	}

}
