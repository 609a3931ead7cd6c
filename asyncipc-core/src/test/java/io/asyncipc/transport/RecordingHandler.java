package io.asyncipc.transport;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A handler that records everything it is told, for tests to wait on and assert.
 */
public class RecordingHandler implements PipeHandler {

	public final BlockingQueue<PipeConnection> connected = new LinkedBlockingQueue<>();

	public final Map<String, List<byte[]>> messages = new ConcurrentHashMap<>();

	public final BlockingQueue<Disconnect> disconnected = new LinkedBlockingQueue<>();

	public final List<EndpointState> states = new CopyOnWriteArrayList<>();

	public final BlockingQueue<String> rejections = new LinkedBlockingQueue<>();

	public final BlockingQueue<PipeEndpoint> created = new LinkedBlockingQueue<>();

	public final BlockingQueue<Boolean> writability = new LinkedBlockingQueue<>();

	public final BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();

	private volatile BiConsumer<PipeConnection, byte[]> onMessage = (connection, message) -> {
	};

	/**
	 * Also does {@code action} with each message, after recording it.
	 * @param action what to do
	 * @return this handler
	 */
	public RecordingHandler onEachMessage(BiConsumer<PipeConnection, byte[]> action) {
		this.onMessage = action;
		return this;
	}

	/**
	 * Holds each message until {@code release} is counted down (30 s at most): a listener
	 * that is stuck, or slow on purpose.
	 * @param release the latch that lets messages through
	 * @return this handler
	 */
	public RecordingHandler holdingEachMessageUntil(CountDownLatch release) {
		return onEachMessage((connection, message) -> awaitQuietly(release));
	}

	/**
	 * Waits for a latch, 30 s at most, keeping an interrupt for the caller.
	 * @param latch the latch
	 */
	public static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Echoes every message back on its connection.
	 * @return this handler
	 */
	public RecordingHandler echoing() {
		return onEachMessage((connection, message) -> connection.send(message));
	}

	@Override
	public void onCreated(PipeEndpoint endpoint) {
		this.created.add(endpoint);
	}

	@Override
	public void onConnected(PipeConnection connection) {
		this.connected.add(connection);
	}

	@Override
	public void onMessage(PipeConnection connection, byte[] message) {
		this.messages.computeIfAbsent(connection.id(), (id) -> new CopyOnWriteArrayList<>()).add(message);
		this.onMessage.accept(connection, message);
	}

	@Override
	public void onDisconnected(PipeConnection connection, DisconnectReason reason, Throwable cause) {
		this.disconnected.add(new Disconnect(connection, reason, cause));
	}

	@Override
	public void onWritabilityChanged(PipeConnection connection, boolean writable) {
		this.writability.add(writable);
	}

	@Override
	public void onStateChanged(PipeEndpoint endpoint, EndpointState state, Throwable cause) {
		if (state == EndpointState.FAILED) {
			this.failures.add(cause);
		}
		this.states.add(state);
	}

	@Override
	public void onPeerRejected(PipeEndpoint endpoint, PeerIdentity peer, String reason) {
		this.rejections.add(reason);
	}

	/**
	 * Returns the messages received on one connection so far.
	 * @param connectionId the connection
	 * @return the messages, in order
	 */
	public List<byte[]> messagesOf(String connectionId) {
		return this.messages.getOrDefault(connectionId, List.of());
	}

	/**
	 * Returns the number of messages received on all connections.
	 * @return the count
	 */
	public int messageCount() {
		return this.messages.values().stream().mapToInt(List::size).sum();
	}

	/**
	 * A recorded disconnect.
	 *
	 * @param connection the connection
	 * @param reason why it ended
	 * @param cause the error, or {@code null}
	 */
	public record Disconnect(PipeConnection connection, DisconnectReason reason, Throwable cause) {
	}

}
