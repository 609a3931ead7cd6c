package io.asyncipc.benchmarks.reliability;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * (e) The attacks of issue 8 against the Spring Boot sample application with
 * {@code -Xmx512m}, each against a fresh server:
 * <ol>
 * <li>connections that each send a header announcing 16 MiB and one byte of it, then nothing;</li>
 * <li>empty messages to the sample's {@code String} listener: the log must stay small;</li>
 * <li>a flood of zero-length frames on a few connections.</li>
 * </ol>
 * For each: the server stays up, {@code /actuator/health} stays UP, no
 * {@code OutOfMemoryError}, and a legitimate client is still served.
 */
final class AttackScenario {

	private static final int SIXTEEN_MIB = 16 * 1024 * 1024;

	private static final long MAX_HEAP = 512L * 1024 * 1024;

	/**
	 * What the live heap may hold above the inbound budget while an attack holds on: what one
	 * read of each connection may add, and the application's own garbage that survives a GC.
	 */
	private static final long HEAP_SLACK = 32L * 1024 * 1024;

	private static final Pattern BUDGET = Pattern.compile("asyncipc\\.max-inbound-memory=(\\d+)([KMG]B|B?)",
			Pattern.CASE_INSENSITIVE);

	private final String classpath;

	private final boolean small;

	private final List<String> properties;

	private final long budget;

	AttackScenario(String classpath, boolean small, List<String> properties) {
		this.classpath = classpath;
		this.small = small;
		this.properties = properties;
		this.budget = inboundBudget(properties);
	}

	/**
	 * Returns the inbound memory budget the sample runs with: {@code asyncipc.max-inbound-memory}
	 * if given (in bytes, or with KB, MB or GB), otherwise its default, a quarter of the heap.
	 */
	private static long inboundBudget(List<String> properties) {
		for (String property : properties) {
			Matcher matcher = BUDGET.matcher(property);
			if (matcher.matches()) {
				long amount = Long.parseLong(matcher.group(1));
				return switch (matcher.group(2).toUpperCase(Locale.ROOT)) {
					case "KB" -> amount * 1024;
					case "MB" -> amount * 1024 * 1024;
					case "GB" -> amount * 1024 * 1024 * 1024;
					default -> amount;
				};
			}
		}
		return MAX_HEAP / 4;
	}

	Figures run(Path directory) throws Exception {
		Figures figures = new Figures("(e) attacks on the Spring Boot sample, -Xmx512m, inbound budget "
				+ Figures.mib(this.budget)
				+ (this.properties.isEmpty() ? "" : ", " + String.join(", ", this.properties)));
		Path socket = directory.resolve("e.sock");
		bigHeaders(figures, socket, this.small ? 50 : 200, this.small ? 3 : 10);
		emptyMessages(figures, socket, this.small ? 1_000 : 10_000);
		zeroLengthFlood(figures, socket, 4, this.small ? 3 : 10);
		return figures;
	}

	private void bigHeaders(Figures figures, Path socket, int connections, int seconds) throws Exception {
		String name = "(e1) " + connections + " connections announcing 16 MiB";
		try (ServerProcess server = start(socket); SampleProbe probe = new SampleProbe(server)) {
			long baseline = Jcmd.heapUsedAfterGc(server.pid());
			List<FramedSocket> attackers = new ArrayList<>();
			int refused = 0;
			try {
				for (int i = 0; i < connections; i++) {
					try {
						FramedSocket attacker = FramedSocket.connect(socket);
						attackers.add(attacker);
						attacker.write(ByteBuffer.allocate(5).putInt(SIXTEEN_MIB).put((byte) 1).flip());
					}
					catch (IOException ex) {
						refused++;
					}
				}
				hold(server, seconds);
				int closed = closedByServer(attackers);
				long legit = SampleProbe.legitimateExchange(server, socket);
				figures.add("%s, 5 bytes each, held %d s: %d refused at connect, %d closed by the server", name,
						seconds, refused, closed);
				outcome(figures, name, server, probe, baseline, legit);
			}
			finally {
				for (FramedSocket attacker : attackers) {
					attacker.close();
				}
			}
		}
	}

	private void emptyMessages(Figures figures, Path socket, int messages) throws Exception {
		String name = "(e2) " + messages + " empty messages to a String listener";
		try (ServerProcess server = start(socket); SampleProbe probe = new SampleProbe(server)) {
			long baseline = Jcmd.heapUsedAfterGc(server.pid());
			long logBefore = server.output().bytes();
			long legit;
			try (FramedSocket attacker = FramedSocket.connect(socket)) {
				attacker.write(ByteBuffer.allocate(4 * messages));
				// The listener takes a connection's messages in order: once this one is listed,
				// every empty message before it was handled.
				legit = SampleProbe.send(server, attacker, 120);
			}
			catch (IOException ex) {
				legit = -1;
			}
			long logged = server.output().bytes() - logBefore;
			figures.add("%s: **%,d bytes of log** (%.1f per message); most frequent lines: %s", name, logged,
					logged / (double) messages, server.output().mostFrequent(3));
			figures.check(logged <= 200L * messages, "%s: the log grew by %,d bytes, more than one short line per "
					+ "message", name, logged);
			outcome(figures, name, server, probe, baseline, legit);
		}
	}

	private void zeroLengthFlood(Figures figures, Path socket, int connections, int seconds) throws Exception {
		String name = "(e3) zero-length frames flooded on " + connections + " connections";
		try (ServerProcess server = start(socket); SampleProbe probe = new SampleProbe(server)) {
			long baseline = Jcmd.heapUsedAfterGc(server.pid());
			long logBefore = server.output().bytes();
			AtomicLong written = new AtomicLong();
			List<FramedSocket> attackers = new ArrayList<>();
			List<Thread> writers = new ArrayList<>();
			try {
				for (int i = 0; i < connections; i++) {
					FramedSocket attacker = FramedSocket.connect(socket);
					attackers.add(attacker);
					Thread writer = new Thread(() -> flood(attacker, written), "flood-" + i);
					writer.setDaemon(true);
					writers.add(writer);
					writer.start();
				}
				hold(server, seconds);
				long frames = written.get() / 4;
				long legit = SampleProbe.legitimateExchange(server, socket);
				figures.add("%s for %d s: %,d frames written (%s; the writers block when the server stops reading), "
						+ "%,d bytes of log; most frequent lines: %s", name, seconds, frames, Figures.mib(written.get()),
						server.output().bytes() - logBefore, server.output().mostFrequent(3));
				outcome(figures, name, server, probe, baseline, legit);
			}
			finally {
				for (FramedSocket attacker : attackers) {
					attacker.close();
				}
				for (Thread writer : writers) {
					writer.join(TimeUnit.SECONDS.toMillis(10));
				}
			}
		}
	}

	private static void flood(FramedSocket attacker, AtomicLong written) {
		ByteBuffer zeros = ByteBuffer.allocateDirect(64 * 1024);
		try {
			while (true) {
				zeros.clear();
				attacker.write(zeros);
				written.addAndGet(zeros.capacity());
			}
		}
		catch (IOException ex) {
			// Closed by the runner, or by the server.
		}
	}

	private ServerProcess start(Path socket) throws Exception {
		return ServerProcess.sample(this.classpath, socket, SampleProbe.freePort(), "512m", this.properties);
	}

	private static void hold(ServerProcess server, int seconds) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		while (server.isAlive() && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
	}

	private static int closedByServer(List<FramedSocket> attackers) {
		int closed = 0;
		ByteBuffer buffer = ByteBuffer.allocate(1);
		for (FramedSocket attacker : attackers) {
			try {
				attacker.channel().configureBlocking(false);
				if (attacker.channel().read(buffer.clear()) < 0) {
					closed++;
				}
			}
			catch (IOException ex) {
				closed++;
			}
		}
		return closed;
	}

	private void outcome(Figures figures, String name, ServerProcess server, SampleProbe probe, long baseline,
			long legit) throws Exception {
		boolean alive = server.isAlive();
		boolean up = alive && server.healthUp();
		boolean oom = server.output().sawOutOfMemory();
		long after = -1;
		if (alive && !oom) {
			try {
				after = Jcmd.heapUsedAfterGc(server.pid());
			}
			catch (IllegalStateException ex) {
				// Reported as "-" below.
			}
		}
		figures.add("%s: server %s, health %s (%d of %d samples not UP), %s; heap %s before, **%s peak** (sampled "
				+ "every 0.5 s), **%s live** (class histogram; e1, e3: attackers still connected); legitimate client %s", name, alive ? "up" : "**DEAD**",
				up ? "UP" : "**not UP**", probe.samplesNotUp(), probe.samples(),
				oom ? "**OutOfMemoryError logged**" : "no OutOfMemoryError", Figures.mib(baseline),
				Figures.mib(probe.peakHeap()), (after >= 0) ? Figures.mib(after) : "-",
				(legit >= 0) ? "served in " + legit + " ms" : "**not served**");
		figures.check(alive, "%s: the server died", name);
		figures.check(up, "%s: health is not UP", name);
		figures.check(probe.samplesNotUp() == 0, "%s: health was not UP in %d samples", name, probe.samplesNotUp());
		figures.check(!oom, "%s: OutOfMemoryError", name);
		figures.check(legit >= 0, "%s: a legitimate client was not served", name);
		figures.check(after >= 0 && after <= baseline + this.budget + HEAP_SLACK,
				"%s: the live heap (%s) is above the inbound budget (%s) plus %s over the %s before the attack", name,
				(after >= 0) ? Figures.mib(after) : "unknown", Figures.mib(this.budget), Figures.mib(HEAP_SLACK),
				Figures.mib(baseline));
		if (!server.output().exceptions().isEmpty()) {
			figures.add("%s: exceptions in the server's log (the server's whole run): %s", name,
					server.output().exceptions().stream().map((line) -> "`" + line.replace('`', '\'') + "`")
						.collect(Collectors.joining("; ")));
		}
		if (after > baseline + this.budget + HEAP_SLACK) {
			figures.add("%s: what the live heap holds, largest first (instances, bytes, class): %s", name,
					String.join("; ", Jcmd.liveHistogram(server.pid(), 10)));
		}
		if (!up || oom) {
			figures.add("%s: the server's last output: `%s`", name,
					server.output().tail().lines().filter((line) -> !line.isBlank()).reduce((a, b) -> b).orElse(""));
			// A JVM out of memory may ignore SIGTERM: do not wait for it.
			server.kill();
		}
	}

}
