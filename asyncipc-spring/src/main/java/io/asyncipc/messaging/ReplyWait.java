package io.asyncipc.messaging;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import io.asyncipc.transport.PipeConnection;

/**
 * How a caller of a blocking request waits for its reply: it spins for a short while before it
 * parks, where that has been quicker. Parking costs the wake-up of the caller's thread once the
 * reply is in, tens of microseconds on a virtual machine when the I/O thread that completes the
 * reply runs on another CPU; a caller that is still spinning sees the reply without it. But a
 * spinning caller also takes a CPU that the peer, or this process's I/O thread, may need to
 * answer it: on one CPU, or on a machine busy with other work, spinning is slower than parking.
 * <p>
 * So it keeps a moving average of the time to a reply for each way, and waits the way that has
 * been quicker, trying the other way on one request in {@value #EXPLORE_EVERY} so that it
 * follows a change (another process taking the other CPU, or leaving it). Spinning is bounded:
 * never longer than the limit nor twice the typical spinning wait, at most
 * {@link #MAX_SPINNERS} callers at once (none where this process may use one CPU only), and a
 * caller that sends no request burns nothing.
 * <p>
 * The caller reads the connection itself while it waits, where the transport lets it
 * ({@link PipeConnection#readWhileWaiting}): a parked caller then wakes for the reply
 * directly, rather than through the I/O thread that read it, and a spinning caller looks at
 * the socket at each turn, since once callers read, the I/O thread leaves the reading to them.
 */
final class ReplyWait {

	/** The default limit: a little more than a round trip across the CPUs of a small virtual machine. */
	static final Duration DEFAULT_LIMIT = Duration.ofNanos(100_000);

	/** How many callers may spin at the same time: half the CPUs this process may run on. */
	static final int MAX_SPINNERS = Runtime.getRuntime().availableProcessors() / 2;

	/** One request in this many waits the way that has been slower, to see whether it still is. */
	static final int EXPLORE_EVERY = 16;

	/** Spins between two yields, so that a caller that shares its CPU lets the peer and the I/O thread run. */
	private static final int SPINS_PER_YIELD = 8;

	private final long limitNanos;

	private final AtomicInteger spinners = new AtomicInteger();

	/** The moving averages of the times to a reply, in nanoseconds; racy by design, hints only. */
	private volatile long spinningNanos;

	private volatile long parkedNanos;

	private volatile int requests;

	/**
	 * Creates a wait that spins at most for the limit given.
	 * @param limit the longest spin, or {@link Duration#ZERO} to park at once
	 */
	ReplyWait(Duration limit) {
		this.limitNanos = limit.toNanos();
		this.spinningNanos = this.limitNanos / 2;
	}

	/**
	 * Waits for a reply's future, spinning first where that has paid, else reading the
	 * connection meanwhile where the transport lets it.
	 * @param <T> the reply's type
	 * @param reply the future, completed by another thread
	 * @param connection the connection the reply comes on, or {@code null} if none
	 * @param timeout the request's reply timeout, which fails the future in any case
	 * @return the reply
	 * @throws ExecutionException if the request failed
	 * @throws InterruptedException if the caller was interrupted while parked
	 */
	<T> T await(CompletableFuture<T> reply, PipeConnection connection, Duration timeout)
			throws ExecutionException, InterruptedException {
		long start = System.nanoTime();
		boolean spun = false;
		if (this.limitNanos > 0 && MAX_SPINNERS > 0 && !reply.isDone() && spinsThisTime()) {
			try {
				if (this.spinners.incrementAndGet() <= MAX_SPINNERS) {
					spun = true;
					spin(reply, connection, start + Math.min(this.limitNanos, 2 * this.spinningNanos));
				}
			}
			finally {
				this.spinners.decrementAndGet();
			}
		}
		try {
			if (connection != null && !reply.isDone()) {
				connection.readWhileWaiting(reply, timeout);
			}
			return reply.get();
		}
		finally {
			long took = System.nanoTime() - start;
			// A timeout or a failure says nothing of how quick either way is.
			boolean answered = reply.isDone() && !reply.isCompletedExceptionally();
			if (answered && spun) {
				this.spinningNanos = average(this.spinningNanos, took);
			}
			else if (answered) {
				this.parkedNanos = average(this.parkedNanos, took);
			}
		}
	}

	private boolean spinsThisTime() {
		int request = this.requests + 1;
		this.requests = request;
		boolean spinningQuicker = this.parkedNanos == 0 || this.spinningNanos <= this.parkedNanos;
		return (request % EXPLORE_EVERY == 0) != spinningQuicker;
	}

	private static long average(long average, long sample) {
		return (average == 0) ? sample : average + (sample - average) / 8;
	}

	private static void spin(CompletableFuture<?> reply, PipeConnection connection, long deadline)
			throws InterruptedException {
		for (int i = 1; !reply.isDone(); i++) {
			if (i % SPINS_PER_YIELD == 0) {
				if (System.nanoTime() - deadline >= 0) {
					return;
				}
				Thread.yield();
			}
			else if (connection != null) {
				connection.readWhileWaiting(reply, Duration.ZERO);
			}
			else {
				Thread.onSpinWait();
			}
		}
	}

}
