package io.asyncipc.benchmarks.reliability;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;

import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeHandler;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.unix.UnixSocketTransport;

/**
 * The server of the reliability runs, in a JVM of its own so that it can be killed with
 * {@code kill -9} and measured through {@code /proc}: an AsyncIPC echo server with the default
 * options on the socket path it is given.
 * <p>
 * It prints {@code @ready <System.nanoTime()>} once it listens, then answers commands on its standard input, one
 * line each: {@code heap} (collects, then prints {@code @heap <used bytes>}), {@code conns}
 * ({@code @conns <open connections>}). It stops its endpoint and exits when its input ends.
 * Its own log goes to standard error.
 */
public final class ReliabilityServer {

	private ReliabilityServer() {
	}

	public static void main(String[] args) throws Exception {
		PipeEndpoint server = new UnixSocketTransport().createServer(args[0], PipeOptions.defaults(), new PipeHandler() {
			@Override
			public void onMessage(PipeConnection connection, byte[] message) {
				connection.send(message);
			}
		});
		server.start();
		// System.nanoTime() reads the machine's monotonic clock on Linux, so the runner can
		// compare it with its own: it learns when the server listened, not when it heard so.
		System.out.println(ChildOutput.REPLY + "ready " + System.nanoTime());
		BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String command;
		while ((command = input.readLine()) != null) {
			switch (command) {
				case "heap" -> System.out.println(ChildOutput.REPLY + "heap " + heapUsedAfterGc());
				case "conns" -> System.out.println(ChildOutput.REPLY + "conns " + server.connections().size());
				default -> System.out.println(ChildOutput.REPLY + "unknown command " + command);
			}
		}
		server.close();
	}

	private static long heapUsedAfterGc() {
		// Two collections: the first may only queue finalizable or softly reachable objects.
		System.gc();
		System.gc();
		MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
		return heap.getUsed();
	}

}
