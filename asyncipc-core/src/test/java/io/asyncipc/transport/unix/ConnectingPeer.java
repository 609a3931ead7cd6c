package io.asyncipc.transport.unix;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A peer process for the tests: it says {@code ready}, and on the line {@code go} opens as many
 * sockets to the address as asked, each from a thread of its own and all at once. It says
 * {@code connected} once they are, and holds them until its stdin ends.
 * <p>
 * Arguments: the socket's path and the number of sockets.
 */
public final class ConnectingPeer {

	private ConnectingPeer() {
	}

	public static void main(String[] args) throws Exception {
		UnixDomainSocketAddress address = UnixDomainSocketAddress.of(args[0]);
		int count = Integer.parseInt(args[1]);
		BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		System.out.println("ready");
		System.out.flush();
		if (!"go".equals(commands.readLine())) {
			return;
		}
		CountDownLatch start = new CountDownLatch(1);
		List<SocketChannel> channels = new ArrayList<>();
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			Thread thread = new Thread(() -> {
				try {
					start.await();
					SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
					channel.connect(address);
					synchronized (channels) {
						channels.add(channel);
					}
				}
				catch (Exception ex) {
					System.out.println("failed " + ex);
				}
			});
			thread.start();
			threads.add(thread);
		}
		start.countDown();
		for (Thread thread : threads) {
			thread.join();
		}
		System.out.println("connected");
		System.out.flush();
		while (commands.readLine() != null) {
			// Hold the sockets until stdin ends.
		}
	}

}
