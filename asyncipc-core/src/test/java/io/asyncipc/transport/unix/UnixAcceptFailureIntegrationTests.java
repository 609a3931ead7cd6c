package io.asyncipc.transport.unix;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.RecordingHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A server whose {@code accept} fails, here because its process is out of file descriptors,
 * backs off instead of spinning and accepts again once descriptors are free; a client whose
 * set-up fails after it was accepted is closed, and leaks no descriptor.
 * <p>
 * The server that runs out is a {@link ServerProcess} under {@code ulimit -n}, filled with
 * clients; its log, down to DEBUG and stamped with milliseconds, shows how often it retried.
 * The failed set-up is injected through {@link UnixServerEndpoint#acceptedHook}.
 */
class UnixAcceptFailureIntegrationTests extends UnixEndpoints {

	/** Enough for the JVM to start and serve some clients, few enough to run out soon. */
	private static final int DESCRIPTOR_LIMIT = 128;

	private static final Predicate<String> ACCEPT_FAILURE = (line) -> line.contains("accept")
			&& line.contains("Too many open files");

	private static final Predicate<String> CONNECTED = "connected"::equals;

	private static final Predicate<String> REFUSED = (line) -> line.contains("refused peer");

	private static final Predicate<String> RECOVERED = (line) -> line.contains("accepts clients again");

	/**
	 * Clients that wait in the backlog beside the one that found the server full: a descriptor
	 * that the server's JVM frees for a moment lets one in, and the failures go on with the
	 * next, in an episode of their own.
	 */
	private static final int SPARE_CLIENTS = 4;

	/** Each logs a WARN, as it should; enough to tell a leak from noise in the count. */
	private static final int FAILED_SET_UPS = 20;

	private static final Pattern FAILED_ATTEMPTS = Pattern.compile("after (\\d+) failed attempts");

	@Test
	void serverOutOfDescriptorsBacksOffAndAcceptsAgainOnceSomeAreFree() throws Exception {
		try (ForkedServer server = ForkedServer.withDescriptorLimit(this.name, DESCRIPTOR_LIMIT)) {
			String path = server.startServer().substring("started ".length());
			List<SocketChannel> clients = new ArrayList<>();
			int recoveredBefore;
			try {
				while (server.count(ACCEPT_FAILURE) == 0) {
					assertThat(server.lines(REFUSED)).as("clients of this very user refused near the limit").isEmpty();
					assertThat(clients).as("clients connected before %s ran out of descriptors", server)
						.hasSizeLessThan(DESCRIPTOR_LIMIT);
					clients.add(connect(path));
					int accepted = clients.size();
					await().atMost(10, TimeUnit.SECONDS)
						.pollInterval(Duration.ofMillis(5))
						.until(() -> server.count(CONNECTED) == accepted || server.count(ACCEPT_FAILURE) > 0
								|| server.count(REFUSED) > 0);
				}
				for (int i = 0; i < SPARE_CLIENTS; i++) {
					clients.add(connect(path));
				}
				await().atMost(20, TimeUnit.SECONDS)
					.untilAsserted(() -> assertThat(lastEpisode(server)).as("%s", server).hasSizeGreaterThanOrEqualTo(6));
				recoveredBefore = server.count(RECOVERED);
				List<String> failures = lastEpisode(server);
				assertThat(millis(failures.get(5)) - millis(failures.get(0)))
					.as("ms from the 1st to the 6th failed accept (backing off from 10 ms waits 310 ms, spinning "
							+ "a few): %s", failures.subList(0, 6))
					.isGreaterThanOrEqualTo(150);
				assertThat(failures.get(0)).contains(" WARN ").contains("raise the descriptor limit (ulimit -n");
				assertThat(failures.subList(1, 6)).allSatisfy((line) -> assertThat(line).contains(" DEBUG "));
			}
			finally {
				for (SocketChannel client : clients) {
					client.close();
				}
			}
			RecordingHandler clientHandler = new RecordingHandler();
			client(clientHandler);
			PipeConnection connection = awaitConnection(clientHandler);
			assertThat(connection.send("again".getBytes())).succeedsWithin(5, TimeUnit.SECONDS);
			await().atMost(5, TimeUnit.SECONDS).until(() -> clientHandler.messageCount() == 1);
			// The recovery of the episode checked above: one after those that came before it.
			String recovered = server.awaitLine(RECOVERED);
			for (int i = 0; i < recoveredBefore; i++) {
				recovered = server.awaitLine(RECOVERED);
			}
			assertThat(recovered).contains(" INFO ");
			Matcher attempts = FAILED_ATTEMPTS.matcher(recovered);
			assertThat(attempts.find()).as(recovered).isTrue();
			assertThat(Integer.parseInt(attempts.group(1))).as("failed attempts in the episode: %s", recovered)
				.isBetween(6, 100);
		}
	}

	/**
	 * Returns the failed accepts since the server last recovered: the episode going on.
	 */
	private static List<String> lastEpisode(ForkedServer server) {
		List<String> lines = server.lines(ACCEPT_FAILURE.or(RECOVERED));
		int start = 0;
		for (int i = 0; i < lines.size(); i++) {
			if (RECOVERED.test(lines.get(i))) {
				start = i + 1;
			}
		}
		return lines.subList(start, lines.size());
	}

	@Test
	@EnabledOnOs(value = OS.LINUX, disabledReason = "counts open descriptors in /proc/self/fd")
	void clientWhoseSetUpFailsAfterAcceptIsClosedAndLeaksNoDescriptor() throws Exception {
		RecordingHandler handler = new RecordingHandler().echoing();
		PipeEndpoint server = server(handler);
		AtomicBoolean failSetUp = new AtomicBoolean(true);
		((UnixServerEndpoint) server).acceptedHook = (channel) -> {
			if (failSetUp.get()) {
				throw new IllegalStateException("injected failure after accept");
			}
		};
		// Once first, so that what the failure path loads is loaded before counting.
		assertClosedByServer(server);
		long before = openDescriptors();
		for (int i = 0; i < FAILED_SET_UPS; i++) {
			assertClosedByServer(server);
		}
		assertThat(openDescriptors()).as("open descriptors after %d failed set-ups, from %d", FAILED_SET_UPS, before)
			.isLessThan(before + FAILED_SET_UPS / 2);
		assertThat(handler.connected).isEmpty();
		failSetUp.set(false);
		RecordingHandler clientHandler = new RecordingHandler();
		client(clientHandler);
		PipeConnection connection = awaitConnection(clientHandler);
		assertThat(connection.send("good".getBytes())).succeedsWithin(5, TimeUnit.SECONDS);
		await().atMost(5, TimeUnit.SECONDS).until(() -> clientHandler.messageCount() == 1);
	}

	private static void assertClosedByServer(PipeEndpoint server) throws IOException {
		try (SocketChannel client = rawClient(server)) {
			client.configureBlocking(false);
			ByteBuffer buffer = ByteBuffer.allocate(1);
			await().atMost(5, TimeUnit.SECONDS)
				.pollInterval(Duration.ofMillis(5))
				.alias("the server closed a client whose set-up failed")
				.until(() -> client.read(buffer.clear()) == -1);
		}
	}

	private static long openDescriptors() throws IOException {
		try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
			return descriptors.count();
		}
	}

	private static SocketChannel connect(String path) throws IOException {
		SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
		channel.connect(UnixDomainSocketAddress.of(path));
		return channel;
	}

	/** Reads the milliseconds since start that {@code server-process-logback.xml} puts first. */
	private static long millis(String logLine) {
		return Long.parseLong(logLine.substring(0, logLine.indexOf(' ')));
	}

}
