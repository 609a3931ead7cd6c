package io.asyncipc.messaging;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.asyncipc.messaging.envelope.Envelope;
import io.asyncipc.transport.PipeClosedException;
import io.asyncipc.transport.PipeConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests of one pipe that wait for their reply, by correlation id. A request ends when
 * its reply arrives on the connection it went out on, when that connection closes (at once,
 * not at the timeout), when its timeout passes, or when the pipe stops; whichever comes first
 * wins, and a reply that comes after that is logged at DEBUG and dropped. Nothing of a request
 * that ended stays here: its entry and its timer go with it.
 * <p>
 * Correlation ids are a random prefix, drawn once per pipe, and a sequence number: unique
 * within the process, and not guessable by another peer of the pipe.
 * <p>
 * Timeouts are kept by one sweep at a time, not a timer task per request: a request schedules
 * the sweep only if none is due by its deadline, so that a caller that sends one request after
 * another never wakes the timer thread (a task per request did, once per request: it was the
 * queue's earliest each time). A sweep fails the requests whose deadline passed and schedules
 * the next for the earliest deadline left, at least {@value #MIN_SWEEP_INTERVAL_MILLIS} ms
 * later, so that a timeout may fire up to that much late.
 */
final class PendingReplies {

	private static final Logger logger = LoggerFactory.getLogger(PendingReplies.class);

	/** The least time between two sweeps. */
	static final long MIN_SWEEP_INTERVAL_MILLIS = 10;

	private static final long NO_SWEEP = Long.MAX_VALUE;

	private final String pipeName;

	private final String idPrefix;

	private final AtomicLong sequence = new AtomicLong();

	private final Map<String, Pending> pending = new ConcurrentHashMap<>();

	private ScheduledThreadPoolExecutor timer;

	/** When the next sweep is due, in {@link System#nanoTime()}, or {@link #NO_SWEEP}; guarded by this. */
	private long sweepDue = NO_SWEEP;

	PendingReplies(String pipeName) {
		this.pipeName = pipeName;
		byte[] random = new byte[8];
		new SecureRandom().nextBytes(random);
		this.idPrefix = HexFormat.of().formatHex(random) + "-";
	}

	/**
	 * Registers a request that is about to go out, before it does, so that no reply can come
	 * before its entry.
	 * @param connection the connection it goes out on
	 * @param timeout how long to wait for the reply
	 * @return the request, with its correlation id and the future of its reply
	 */
	Pending register(PipeConnection connection, Duration timeout) {
		String id = this.idPrefix + Long.toHexString(this.sequence.incrementAndGet());
		Pending request = new Pending(id, connection, timeout, System.nanoTime() + timeout.toNanos());
		this.pending.put(id, request);
		try {
			sweepBy(request.deadline);
		}
		catch (RejectedExecutionException ex) {
			failed(request, new PipeClosedException("pipe '" + this.pipeName + "' stopped; the request was not sent"));
		}
		return request;
	}

	/**
	 * Ends a request that could not be sent.
	 * @param request the request
	 * @param cause why it was not sent
	 */
	void failed(Pending request, Throwable cause) {
		if (this.pending.remove(request.id, request)) {
			request.reply.completeExceptionally(cause);
		}
	}

	/**
	 * Hands a reply to its request.
	 * @param connection the connection it came on: only the one the request went out on may answer
	 * @param reply the reply: an envelope with the reply flag
	 */
	void onReply(PipeConnection connection, Envelope reply) {
		String id = reply.getCorrelationId();
		Pending request = (id != null) ? this.pending.get(id) : null;
		if (request == null || request.connection != connection) {
			logger.debug("Pipe '{}': dropped a reply of {} bytes on connection {} to request {}, which timed out, "
					+ "failed or is unknown", this.pipeName, reply.getPayload().length, connection.id(), id);
			return;
		}
		if (!this.pending.remove(id, request)) {
			return;
		}
		if (reply.isError()) {
			request.reply.completeExceptionally(new PipeRemoteException(this.pipeName, connection.id(), reply.getTypeId(),
					new String(reply.getPayload(), StandardCharsets.UTF_8)));
		}
		else {
			request.reply.complete(reply);
		}
	}

	/**
	 * Fails every request that waits for a reply on a connection that closed.
	 * @param connection the connection
	 */
	void onDisconnected(PipeConnection connection) {
		for (Pending request : this.pending.values()) {
			if (request.connection == connection && this.pending.remove(request.id, request)) {
				request.reply.completeExceptionally(new PipeClosedException("connection " + connection.id() + " of pipe '"
						+ this.pipeName + "' closed before the reply to request " + request.id + " came"));
			}
		}
	}

	/**
	 * Fails every request still waiting, and stops the timer: the pipe stopped.
	 */
	void onStopped() {
		for (Pending request : this.pending.values()) {
			if (this.pending.remove(request.id, request)) {
				request.reply.completeExceptionally(new PipeClosedException("pipe '" + this.pipeName
						+ "' stopped before the reply to request " + request.id + " came"));
			}
		}
		synchronized (this) {
			if (this.timer != null) {
				this.timer.shutdownNow();
				this.timer = null;
			}
			this.sweepDue = NO_SWEEP;
		}
	}

	/**
	 * Returns how many requests wait for their reply.
	 * @return the count
	 */
	int size() {
		return this.pending.size();
	}

	/**
	 * Makes sure that a sweep runs by the deadline given.
	 */
	private synchronized void sweepBy(long deadline) {
		if (this.sweepDue <= deadline) {
			return;
		}
		this.sweepDue = deadline;
		timer().schedule(this::sweep, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
	}

	/**
	 * Fails the requests whose deadline passed, and schedules the next sweep for the earliest
	 * deadline left. A request registered while it runs schedules its own sweep if this one
	 * misses it, since the next sweep is not due until this one has looked.
	 */
	private void sweep() {
		synchronized (this) {
			this.sweepDue = NO_SWEEP;
		}
		long now = System.nanoTime();
		long earliest = NO_SWEEP;
		for (Pending request : this.pending.values()) {
			if (request.deadline - now <= 0) {
				if (this.pending.remove(request.id, request)) {
					request.reply.completeExceptionally(new PipeReplyTimeoutException(this.pipeName,
							request.connection.id(), request.id, request.timeout));
				}
			}
			else if (earliest == NO_SWEEP || request.deadline - earliest < 0) {
				earliest = request.deadline;
			}
		}
		if (earliest != NO_SWEEP) {
			long soonest = now + TimeUnit.MILLISECONDS.toNanos(MIN_SWEEP_INTERVAL_MILLIS);
			try {
				sweepBy((earliest - soonest < 0) ? soonest : earliest);
			}
			catch (RejectedExecutionException ex) {
				// The pipe stopped meanwhile, and failed what was left.
			}
		}
	}

	private synchronized ScheduledThreadPoolExecutor timer() {
		if (this.timer == null) {
			ScheduledThreadPoolExecutor created = new ScheduledThreadPoolExecutor(1, (task) -> {
				Thread thread = new Thread(task, "asyncipc-" + this.pipeName + "-replies");
				thread.setDaemon(true);
				return thread;
			});
			this.timer = created;
		}
		return this.timer;
	}

	/**
	 * A request that waits for its reply.
	 */
	static final class Pending {

		private final String id;

		/** The connection, not its id: a client's connection takes its server's id once the hello came. */
		private final PipeConnection connection;

		private final Duration timeout;

		private final long deadline;

		private final CompletableFuture<Envelope> reply = new CompletableFuture<>();

		private Pending(String id, PipeConnection connection, Duration timeout, long deadline) {
			this.id = id;
			this.connection = connection;
			this.timeout = timeout;
			this.deadline = deadline;
		}

		String id() {
			return this.id;
		}

		CompletableFuture<Envelope> reply() {
			return this.reply;
		}

	}

}
