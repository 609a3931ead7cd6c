package io.asyncipc.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Heap that received messages may hold, shared by every connection that uses this budget: the
 * frames still arriving and the messages waiting for their handler. Each connection also has its
 * own limit ({@link PipeOptions#maxQueuedBytes()}); this one bounds all of them together, so that
 * many connections cannot add up to more than the process can hold.
 * <p>
 * A connection that finds the budget spent stops reading until the budget falls back to three
 * quarters of its limit; the peer's writes then back up in the peer, not here. Bytes already read
 * are always kept, so the budget can be passed by what one read of each connection holds.
 * <p>
 * By default every endpoint of the process shares {@link #processWide()}.
 */
public final class InboundMemoryBudget {

	private static final InboundMemoryBudget PROCESS_WIDE = new InboundMemoryBudget(defaultLimit());

	private final long limit;

	private final long resumeBelow;

	private final AtomicLong used = new AtomicLong();

	private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();

	private InboundMemoryBudget(long limit) {
		this.limit = limit;
		this.resumeBelow = limit - limit / 4;
	}

	/**
	 * Returns the budget that endpoints share unless given another: a quarter of the maximum
	 * heap ({@code -Xmx}).
	 * @return the process-wide budget
	 */
	public static InboundMemoryBudget processWide() {
		return PROCESS_WIDE;
	}

	/**
	 * Creates a budget of its own, for the endpoints that are given it.
	 * @param bytes the limit, at least 1 MiB
	 * @return a new budget
	 */
	public static InboundMemoryBudget ofBytes(long bytes) {
		if (bytes < 1024 * 1024) {
			throw new IllegalArgumentException("the inbound memory budget must be at least 1 MiB, got " + bytes + " bytes");
		}
		return new InboundMemoryBudget(bytes);
	}

	private static long defaultLimit() {
		return Math.max(Runtime.getRuntime().maxMemory() / 4, 1024 * 1024);
	}

	/**
	 * Returns the limit.
	 * @return the limit in bytes
	 */
	public long limit() {
		return this.limit;
	}

	/**
	 * Returns the bytes held now.
	 * @return the bytes charged and not yet released
	 */
	public long used() {
		return this.used.get();
	}

	/**
	 * Charges bytes that a connection now holds. For transports.
	 * @param bytes the bytes taken
	 * @return {@code true} if the budget is not spent, {@code false} if the connection should
	 * stop reading
	 */
	public boolean charge(long bytes) {
		return this.used.addAndGet(bytes) <= this.limit;
	}

	/**
	 * Releases bytes charged before, and wakes the connections that wait, once the budget fell
	 * back to three quarters of its limit. For transports.
	 * @param bytes the bytes given back
	 */
	public void release(long bytes) {
		if (this.used.addAndGet(-bytes) <= this.resumeBelow && !this.waiting.isEmpty()) {
			wakeWaiting();
		}
	}

	/**
	 * Returns whether a connection that stopped reading may read again: the budget is at or
	 * below three quarters of its limit.
	 * @return {@code true} if the budget has room
	 */
	public boolean hasRoom() {
		return this.used.get() <= this.resumeBelow;
	}

	/**
	 * Runs {@code resume} once the budget falls back to three quarters of its limit, or at once
	 * if it already has. For transports: {@code resume} should only hop to the connection's
	 * I/O thread.
	 * @param resume what to run, exactly once
	 */
	public void whenRoom(Runnable resume) {
		this.waiting.add(resume);
		if (this.used.get() <= this.resumeBelow) {
			wakeWaiting();
		}
	}

	/**
	 * Runs the connections that wait now, and only those: one that finds the budget spent again
	 * waits anew, for a later release, instead of spinning this thread.
	 */
	private void wakeWaiting() {
		List<Runnable> woken = new ArrayList<>();
		Runnable resume;
		while ((resume = this.waiting.poll()) != null) {
			woken.add(resume);
		}
		woken.forEach(Runnable::run);
	}

	@Override
	public String toString() {
		return "inbound memory budget of " + this.limit + " bytes (" + used() + " used)";
	}

}
