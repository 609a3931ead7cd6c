package io.asyncipc.autoconfigure;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.asyncipc.messaging.PipeListener;
import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.transport.TestNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.slf4j.MDC;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The threads that run listeners: any executor the application names
 * {@code asyncIpcListenerExecutor}, the application's {@link TaskDecorator} on the default one,
 * and virtual threads with {@code spring.threads.virtual.enabled=true}.
 */
class ListenerExecutorIntegrationTests {

	private final String name = TestNames.random();

	@Test
	void anyExecutorNamedAsyncIpcListenerExecutorRunsTheListeners() {
		ApplicationContextRunner server = PipeContexts.runner(this.name, "server", ThreadRecorder.class,
				PlainExecutor.class);
		server.run((context) -> PipeContexts.runner(this.name, "client").run((client) -> {
			PipeContexts.awaitConnected(client);
			client.getBean(PipeTemplate.class).convertAndSend("hello");
			Observed observed = context.getBean(ThreadRecorder.class).observed.poll(5, TimeUnit.SECONDS);
			assertThat(observed).isNotNull();
			assertThat(observed.threadName()).startsWith("plain-executor-");
		}));
	}

	@Test
	void theApplicationsTaskDecoratorWrapsEachListenerCall() {
		PipeContexts.runner(this.name, "server", ThreadRecorder.class, MdcDecorator.class)
			.run((context) -> PipeContexts.runner(this.name, "client").run((client) -> {
				PipeContexts.awaitConnected(client);
				client.getBean(PipeTemplate.class).convertAndSend("hello");
				Observed observed = context.getBean(ThreadRecorder.class).observed.poll(5, TimeUnit.SECONDS);
				assertThat(observed).isNotNull();
				assertThat(observed.threadName()).startsWith(ListenerExecutors.THREAD_NAME_PREFIX);
				assertThat(observed.mdc()).isEqualTo("decorated");
			}));
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "virtual threads need Java 21")
	void virtualThreadsRunTheListenersWhenSpringSaysSo() {
		PipeContexts.runner(this.name, "server", ThreadRecorder.class)
			.withPropertyValues("spring.threads.virtual.enabled=true")
			.run((context) -> PipeContexts.runner(this.name, "client").run((client) -> {
				PipeContexts.awaitConnected(client);
				client.getBean(PipeTemplate.class).convertAndSend("hello");
				Observed observed = context.getBean(ThreadRecorder.class).observed.poll(5, TimeUnit.SECONDS);
				assertThat(observed).isNotNull();
				assertThat(observed.virtual()).isTrue();
				assertThat(observed.threadName()).startsWith(ListenerExecutors.THREAD_NAME_PREFIX);
			}));
	}

	record Observed(String threadName, boolean virtual, String mdc) {
	}

	@Configuration(proxyBeanMethods = false)
	static class ThreadRecorder {

		final BlockingQueue<Observed> observed = new LinkedBlockingQueue<>();

		@PipeListener
		void receive(String text) throws ReflectiveOperationException {
			Thread thread = Thread.currentThread();
			this.observed.add(new Observed(thread.getName(), isVirtual(thread), MDC.get("decorator")));
		}

		/** {@code Thread.isVirtual()} is Java 21 API, and the tests compile for Java 17. */
		private static boolean isVirtual(Thread thread) throws ReflectiveOperationException {
			try {
				return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
			}
			catch (NoSuchMethodException ex) {
				return false;
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PlainExecutor {

		@Bean(name = AsyncIpcAutoConfiguration.LISTENER_EXECUTOR_BEAN_NAME, destroyMethod = "shutdown")
		ExecutorService asyncIpcListenerExecutor() {
			return Executors.newFixedThreadPool(2, (task) -> new Thread(task, "plain-executor-" + task.hashCode()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class MdcDecorator {

		@Bean
		TaskDecorator mdcDecorator() {
			return (task) -> () -> {
				MDC.put("decorator", "decorated");
				try {
					task.run();
				}
				finally {
					MDC.remove("decorator");
				}
			};
		}

	}

}
