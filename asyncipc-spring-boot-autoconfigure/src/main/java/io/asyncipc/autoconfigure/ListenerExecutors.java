package io.asyncipc.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.task.SimpleAsyncTaskExecutorBuilder;
import org.springframework.boot.task.ThreadPoolTaskExecutorBuilder;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.TaskDecorator;

/**
 * Makes the executor that runs listeners, with Spring Boot's builders: a pool of
 * {@code asyncipc.listener.concurrency} platform threads, or a virtual thread per task where
 * {@code spring.threads.virtual.enabled=true}; either way with the application's
 * {@link TaskDecorator}, so that what it carries over (MDC, tracing context) reaches the
 * listener. Listeners still run in order per connection: the pipe hands each connection's
 * messages to the executor one at a time.
 */
final class ListenerExecutors {

	/** The prefix of the listener threads' names. */
	static final String THREAD_NAME_PREFIX = "asyncipc-listener-";

	/** How long shutdown waits for listeners still running. */
	private static final Duration TERMINATION_TIMEOUT = Duration.ofSeconds(30);

	private ListenerExecutors() {
	}

	static AsyncTaskExecutor create(AsyncIpcProperties properties, boolean virtualThreads, TaskDecorator decorator) {
		if (virtualThreads) {
			SimpleAsyncTaskExecutorBuilder builder = new SimpleAsyncTaskExecutorBuilder().virtualThreads(true)
				.threadNamePrefix(THREAD_NAME_PREFIX)
				.taskTerminationTimeout(TERMINATION_TIMEOUT);
			return ((decorator != null) ? builder.taskDecorator(decorator) : builder).build();
		}
		int threads = properties.getListener().getConcurrency();
		if (threads < 1) {
			throw new InvalidConfigurationPropertyValueException("asyncipc.listener.concurrency", threads,
					"asyncipc.listener.concurrency must be at least 1");
		}
		ThreadPoolTaskExecutorBuilder builder = new ThreadPoolTaskExecutorBuilder().corePoolSize(threads)
			.maxPoolSize(threads)
			.threadNamePrefix(THREAD_NAME_PREFIX)
			.awaitTermination(true)
			.awaitTerminationPeriod(TERMINATION_TIMEOUT);
		return ((decorator != null) ? builder.taskDecorator(decorator) : builder).build();
	}

}
