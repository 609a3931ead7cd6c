package io.asyncipc.transport.unix;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.RecordingHandler;
import io.asyncipc.transport.support.FaultInjection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A burst of connects while the server is busy waits in the listen backlog instead of being
 * refused: the server's accepting I/O thread is held, and non-blocking connects, which the
 * kernel refuses with {@code EAGAIN} once the backlog is full, are counted.
 */
class UnixBacklogIntegrationTests extends UnixEndpoints {

	private final List<SocketChannel> burst = new ArrayList<>();

	@AfterEach
	void closeBurst() throws IOException {
		for (SocketChannel channel : this.burst) {
			channel.close();
		}
	}

	@Test
	void aBurstOfFourHundredConnectsWaitsInTheDefaultBacklog() throws Exception {
		assertThat(PipeOptions.defaults().backlog()).isEqualTo(512);
		PipeEndpoint server = server(new RecordingHandler());
		CountDownLatch release = holdAcceptor(server);
		int refused = connectBurst(server, 400);
		release.countDown();
		assertThat(refused).as("connects refused by a full backlog").isZero();
		await().atMost(20, TimeUnit.SECONDS).until(() -> server.connections().size() == 401);
	}

	@Test
	void theBacklogIsTheOneConfigured() throws Exception {
		PipeEndpoint server = server(PipeOptions.builder().backlog(16).build(), new RecordingHandler());
		CountDownLatch release = holdAcceptor(server);
		int refused = connectBurst(server, 100);
		release.countDown();
		assertThat(refused).as("connects refused by a backlog of 16").isGreaterThan(50);
	}

	private CountDownLatch holdAcceptor(PipeEndpoint server) throws InterruptedException {
		RecordingHandler clientHandler = new RecordingHandler();
		client(clientHandler);
		awaitConnection(clientHandler);
		await().atMost(10, TimeUnit.SECONDS).until(() -> server.connections().size() == 1);
		PipeConnection serverSide = server.connections().iterator().next();
		return FaultInjection.holdIoThread(serverSide);
	}

	private int connectBurst(PipeEndpoint server, int count) throws IOException {
		int refused = 0;
		for (int i = 0; i < count; i++) {
			SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
			this.burst.add(channel);
			channel.configureBlocking(false);
			try {
				channel.connect(UnixDomainSocketAddress.of(server.address()));
			}
			catch (IOException ex) {
				refused++;
			}
		}
		return refused;
	}

}
