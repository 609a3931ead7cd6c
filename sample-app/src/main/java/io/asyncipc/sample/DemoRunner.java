package io.asyncipc.sample;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.asyncipc.autoconfigure.AsyncIpcProperties;
import io.asyncipc.messaging.PipeListener;
import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.messaging.event.PipeConnectedEvent;
import io.asyncipc.sample.console.ConsoleSender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The self-running demo, on when {@code sample.demo.rounds} is above 0: as the original C++
 * demo did, the server starts a client process of its own; each side then sends its rounds of
 * messages, logs what it sends and receives, and exits once both directions are done.
 */
@Component
public class DemoRunner {

	private static final Logger logger = LoggerFactory.getLogger(DemoRunner.class);

	private static final long TIMEOUT_SECONDS = 120;

	private final DemoProperties demo;

	private final AsyncIpcProperties pipe;

	private final PipeTemplate template;

	private final ConfigurableApplicationContext context;

	private final ConsoleSender console;

	private final CountDownLatch connected = new CountDownLatch(1);

	private final CountDownLatch received;

	DemoRunner(DemoProperties demo, AsyncIpcProperties pipe, PipeTemplate template,
			ConfigurableApplicationContext context, ConsoleSender console) {
		this.demo = demo;
		this.pipe = pipe;
		this.template = template;
		this.context = context;
		this.console = console;
		this.received = new CountDownLatch(Math.max(0, demo.getRounds()));
	}

	@PipeListener
	void countReceived(byte[] message) {
		this.received.countDown();
	}

	@EventListener
	void onConnected(PipeConnectedEvent event) {
		this.connected.countDown();
	}

	@EventListener
	void onReady(ApplicationReadyEvent event) throws IOException {
		if (this.demo.getRounds() <= 0) {
			return;
		}
		Process child = "server".equals(this.pipe.getRole()) ? startClientProcess() : null;
		Thread thread = new Thread(() -> run(child), "asyncipc-demo");
		thread.start();
	}

	private void run(Process child) {
		int exitCode = 1;
		try {
			if (!this.connected.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				throw new IllegalStateException("no peer connected within " + TIMEOUT_SECONDS + " s");
			}
			String me = this.pipe.getRole();
			for (int i = 1; i <= this.demo.getRounds(); i++) {
				String text = "hello #" + i + " from the " + me + " (pid " + ProcessHandle.current().pid() + ")";
				this.template.convertAndSendAsync(text).whenComplete((result, error) -> {
					if (error != null) {
						logger.error("Sending '{}' failed: {}", text, error.getMessage());
						this.console.failed(this.template.getPipeId(), null, error);
					}
					else {
						logger.info("Sent to {} ({} bytes): {}", result.connectionId(), result.bytes(), text);
						this.console.sent(this.template.getPipeId(), result, text);
					}
				});
				Thread.sleep(this.demo.getInterval().toMillis());
			}
			if (!this.received.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				throw new IllegalStateException("the peer's messages did not all arrive");
			}
			if (child != null && !child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				throw new IllegalStateException("the client process did not finish");
			}
			exitCode = (child != null) ? child.exitValue() : 0;
			logger.info("Demo done: {} messages each way", this.demo.getRounds());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.error("Demo failed: {}", ex.getMessage());
		}
		finally {
			if (child != null) {
				child.destroy();
			}
		}
		int code = exitCode;
		System.exit(SpringApplication.exit(this.context, () -> code));
	}

	private Process startClientProcess() throws IOException {
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		// JNA loads native code: granted so that Java 24+ does not warn (JEP 472); Java 17 accepts it too.
		command.add("--enable-native-access=ALL-UNNAMED");
		String classPath = System.getProperty("java.class.path");
		if (classPath.endsWith(".jar") && !classPath.contains(java.io.File.pathSeparator)) {
			command.add("-jar");
			command.add(classPath);
		}
		else {
			command.add("-cp");
			command.add(classPath);
			command.add(SampleApplication.class.getName());
		}
		command.add("--asyncipc.role=client");
		command.add("--asyncipc.name=" + this.pipe.getName());
		command.add("--server.port=0");
		command.add("--sample.demo.rounds=" + this.demo.getRounds());
		command.add("--spring.main.banner-mode=off");
		logger.info("Starting a client sample process");
		return new ProcessBuilder(command).inheritIO().start();
	}

}
