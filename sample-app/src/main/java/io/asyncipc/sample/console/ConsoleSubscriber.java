package io.asyncipc.sample.console;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One open page: its {@link SseEmitter} and the events waiting to be written to it.
 * <p>
 * {@link #offer} only queues, so the listener or I/O thread that produced an event never
 * waits for a browser; one task at a time on the executor writes the queue out, and only
 * that task (or a task like it) touches the emitter, whose writes and completion share a
 * lock that a slow browser can hold. A page that falls {@value #MAX_QUEUED} events behind (a
 * browser that stopped reading) is dropped: its {@code EventSource} reconnects and starts
 * again from a fresh state.
 */
final class ConsoleSubscriber {

	static final int MAX_QUEUED = 1000;

	private final SseEmitter emitter;

	private final Executor executor;

	private final Runnable onClosed;

	private final Queue<SseEmitter.SseEventBuilder> queue = new ArrayDeque<>();

	private boolean draining;

	private boolean closed;

	ConsoleSubscriber(SseEmitter emitter, Executor executor, Runnable onClosed) {
		this.emitter = emitter;
		this.executor = executor;
		this.onClosed = onClosed;
	}

	SseEmitter emitter() {
		return this.emitter;
	}

	/**
	 * Queues an event for this page without waiting.
	 * @param name the SSE event name
	 * @param data what the page receives, as JSON
	 */
	void offer(String name, Object data) {
		SseEmitter.SseEventBuilder event = SseEmitter.event().name(name).data(data, MediaType.APPLICATION_JSON);
		boolean overflow = false;
		boolean schedule = false;
		synchronized (this) {
			if (this.closed) {
				return;
			}
			if (this.queue.size() >= MAX_QUEUED) {
				overflow = true;
			}
			else {
				this.queue.add(event);
				schedule = !this.draining;
				this.draining = true;
			}
		}
		if (overflow) {
			close();
		}
		else if (schedule) {
			execute(this::drain);
		}
	}

	private void drain() {
		while (true) {
			SseEmitter.SseEventBuilder next;
			synchronized (this) {
				next = this.queue.poll();
				if (next == null || this.closed) {
					this.draining = false;
					return;
				}
			}
			try {
				this.emitter.send(next);
			}
			catch (IOException | IllegalStateException ex) {
				// The browser went away, or the response completed: nothing more to write.
				onGone();
				return;
			}
		}
	}

	/**
	 * Drops the page: forgets its queue and ends its response off the caller's thread.
	 */
	void close() {
		if (markClosed()) {
			execute(this::complete);
		}
	}

	/**
	 * Forgets the page once its response completed, timed out or failed.
	 */
	void onGone() {
		markClosed();
	}

	private boolean markClosed() {
		synchronized (this) {
			if (this.closed) {
				return false;
			}
			this.closed = true;
			this.queue.clear();
		}
		this.onClosed.run();
		return true;
	}

	private void complete() {
		try {
			this.emitter.complete();
		}
		catch (IllegalStateException ex) {
			// Completed already.
		}
	}

	private void execute(Runnable task) {
		try {
			this.executor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// The application is stopping: the response ends with it.
			markClosed();
		}
	}

}
