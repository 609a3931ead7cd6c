package io.asyncipc.sample.console;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

/**
 * Pushes the pipes' state to the open pages every {@link #PERIOD}, and at once when a
 * connection opens or closes. The snapshot is taken on a thread of its own, never on the
 * listener or I/O thread that asked for it.
 */
@Component
public class ConsoleStatePusher implements SmartLifecycle {

	static final Duration PERIOD = Duration.ofSeconds(1);

	private static final Logger logger = LoggerFactory.getLogger(ConsoleStatePusher.class);

	private final ConsolePipes pipes;

	private final ConsoleFeed feed;

	private volatile ScheduledExecutorService scheduler;

	ConsoleStatePusher(ConsolePipes pipes, ConsoleFeed feed) {
		this.pipes = pipes;
		this.feed = feed;
	}

	/**
	 * Asks for a push soon, without waiting for it.
	 */
	public void requestPush() {
		ScheduledExecutorService current = this.scheduler;
		if (current == null) {
			return;
		}
		try {
			current.execute(this::push);
		}
		catch (RejectedExecutionException ex) {
			// Stopping.
		}
	}

	private void push() {
		if (!this.feed.hasSubscribers()) {
			return;
		}
		try {
			this.feed.publishState(this.pipes.snapshot());
		}
		catch (RuntimeException ex) {
			logger.warn("Could not take the console's snapshot: {}", ex.getMessage());
		}
	}

	@Override
	public void start() {
		CustomizableThreadFactory threads = new CustomizableThreadFactory("console-state-");
		threads.setDaemon(true);
		ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor(threads);
		started.scheduleWithFixedDelay(this::push, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
		this.scheduler = started;
	}

	@Override
	public void stop() {
		ScheduledExecutorService current = this.scheduler;
		this.scheduler = null;
		if (current != null) {
			current.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

}
