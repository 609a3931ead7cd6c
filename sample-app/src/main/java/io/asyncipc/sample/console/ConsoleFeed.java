package io.asyncipc.sample.console;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The console's live stream: keeps the last {@value #RECENT} events for pages that open later,
 * and pushes each new event, and the pipes' state, to every open page over server-sent
 * events. Publishing never waits for a browser (see {@link ConsoleSubscriber}); the writes run
 * on threads of the feed's own, one at most per page.
 */
@Component
public class ConsoleFeed implements DisposableBean {

	static final int RECENT = 200;

	/** A page's response ends after this; its {@code EventSource} opens a new one. */
	static final Duration EMITTER_TIMEOUT = Duration.ofMinutes(30);

	private static final int PAYLOAD_PREVIEW = 200;

	private static final int WRITER_THREADS = 8;

	private final Deque<ConsoleEvent> recent = new ArrayDeque<>();

	private final List<ConsoleSubscriber> subscribers = new ArrayList<>();

	private final ExecutorService writers;

	private long seq;

	ConsoleFeed() {
		CustomizableThreadFactory threads = new CustomizableThreadFactory("console-sse-");
		threads.setDaemon(true);
		// One thread per page at most while its writes are pending; idle threads leave after a minute.
		ThreadPoolExecutor executor = new ThreadPoolExecutor(WRITER_THREADS, WRITER_THREADS, 60, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), threads);
		executor.allowCoreThreadTimeOut(true);
		this.writers = executor;
	}

	/**
	 * Records an event and pushes it to every open page.
	 * @param type the event type (see {@link ConsoleEvent#type()})
	 * @param pipe the pipe's id
	 * @param connection the connection's id, or {@code null}
	 * @param bytes the message's size, or {@code null}
	 * @param text a payload or a reason, shortened to a preview here
	 */
	public void publish(String type, String pipe, String connection, Integer bytes, String text) {
		synchronized (this) {
			ConsoleEvent event = new ConsoleEvent(++this.seq, Instant.now(), type, pipe, connection, bytes,
					preview(text));
			if (this.recent.size() == RECENT) {
				this.recent.removeFirst();
			}
			this.recent.addLast(event);
			for (ConsoleSubscriber subscriber : List.copyOf(this.subscribers)) {
				subscriber.offer("event", event);
			}
		}
	}

	/**
	 * Pushes the pipes' state to every open page.
	 * @param state the snapshot
	 */
	public void publishState(ConsoleState state) {
		for (ConsoleSubscriber subscriber : subscribers()) {
			subscriber.offer("state", state);
		}
	}

	/**
	 * Returns whether a page is open, so that no state is gathered for nobody.
	 * @return {@code true} if a page listens
	 */
	public synchronized boolean hasSubscribers() {
		return !this.subscribers.isEmpty();
	}

	/**
	 * Opens the stream of a new page: the state first, then the recent events, then each new
	 * one as it happens.
	 * @param state the pipes' state now
	 * @return the emitter that the controller returns
	 */
	public SseEmitter subscribe(ConsoleState state) {
		return subscribe(state, new SseEmitter(EMITTER_TIMEOUT.toMillis()));
	}

	SseEmitter subscribe(ConsoleState state, SseEmitter emitter) {
		synchronized (this) {
			ConsoleSubscriber subscriber = new ConsoleSubscriber(emitter, this.writers, () -> remove(emitter));
			emitter.onCompletion(subscriber::onGone);
			emitter.onTimeout(subscriber::onGone);
			emitter.onError((ex) -> subscriber.onGone());
			this.subscribers.add(subscriber);
			subscriber.offer("state", state);
			for (ConsoleEvent event : this.recent) {
				subscriber.offer("event", event);
			}
		}
		return emitter;
	}

	private synchronized void remove(SseEmitter emitter) {
		this.subscribers.removeIf((subscriber) -> subscriber.emitter() == emitter);
	}

	private synchronized List<ConsoleSubscriber> subscribers() {
		return List.copyOf(this.subscribers);
	}

	private static String preview(String text) {
		if (text == null || text.length() <= PAYLOAD_PREVIEW) {
			return text;
		}
		return text.substring(0, PAYLOAD_PREVIEW) + "\u2026 (" + text.length() + " chars)";
	}

	/**
	 * Ends every page's stream as the application begins to close: a stream is a request that
	 * never ends on its own, and the web server's graceful shutdown would wait for it until its
	 * timeout. The pages see the stream end, and their {@code EventSource} retries.
	 */
	@EventListener(ContextClosedEvent.class)
	void onClosing() {
		for (ConsoleSubscriber subscriber : subscribers()) {
			subscriber.close();
		}
	}

	@Override
	public void destroy() {
		onClosing();
		this.writers.shutdown();
	}

}
