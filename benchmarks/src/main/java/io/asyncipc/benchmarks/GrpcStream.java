package io.asyncipc.benchmarks;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

/**
 * The client's side of a streaming call of {@link GrpcPeers}, sending as a careful gRPC user
 * does: it honours gRPC's flow control ({@link ClientCall#isReady()}, woken by
 * {@code onReady}), so that a fast sender does not buffer without bound. Each reply completes
 * the future of the last request for one. One sending thread at a time.
 */
final class GrpcStream {

	private final ClientCall<byte[], byte[]> call;

	private final Duration timeout;

	private final Object readiness = new Object();

	private final AtomicReference<CompletableFuture<byte[]>> reply = new AtomicReference<>();

	private volatile Status closed;

	GrpcStream(Channel channel, MethodDescriptor<byte[], byte[]> method, Duration timeout) {
		this.call = channel.newCall(method, CallOptions.DEFAULT);
		this.timeout = timeout;
		this.call.start(new ClientCall.Listener<>() {

			@Override
			public void onMessage(byte[] message) {
				CompletableFuture<byte[]> waiting = GrpcStream.this.reply.getAndSet(null);
				if (waiting != null) {
					waiting.complete(message);
				}
			}

			@Override
			public void onClose(Status status, Metadata trailers) {
				GrpcStream.this.closed = status;
				CompletableFuture<byte[]> waiting = GrpcStream.this.reply.getAndSet(null);
				if (waiting != null && !status.isOk()) {
					waiting.completeExceptionally(status.asRuntimeException(trailers));
				}
				signalReady();
			}

			@Override
			public void onReady() {
				signalReady();
			}

		}, new Metadata());
	}

	private void signalReady() {
		synchronized (this.readiness) {
			this.readiness.notifyAll();
		}
	}

	/**
	 * Sends one message, waiting first while gRPC's flow control says the call is not ready.
	 * @param message the message
	 * @throws InterruptedException if interrupted while waiting
	 */
	void send(byte[] message) throws InterruptedException {
		if (!this.call.isReady()) {
			long deadline = System.nanoTime() + this.timeout.toNanos();
			synchronized (this.readiness) {
				while (!this.call.isReady()) {
					if (this.closed != null) {
						throw new IllegalStateException("the gRPC call closed: " + this.closed);
					}
					long left = deadline - System.nanoTime();
					if (left <= 0) {
						throw new IllegalStateException("the gRPC call was not ready within " + this.timeout);
					}
					this.readiness.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
				}
			}
		}
		this.call.sendMessage(message);
	}

	/**
	 * Asks for the next reply, and sends the message that causes it.
	 * @param message the message
	 * @return the reply to come
	 * @throws InterruptedException if interrupted while waiting for flow control
	 */
	CompletableFuture<byte[]> request(byte[] message) throws InterruptedException {
		CompletableFuture<byte[]> next = expectReply();
		send(message);
		return next;
	}

	/**
	 * Ends the client's side of the stream, whose reply (of a client-streaming call) follows.
	 * @return the reply to come
	 */
	CompletableFuture<byte[]> halfClose() {
		CompletableFuture<byte[]> next = expectReply();
		this.call.halfClose();
		return next;
	}

	private CompletableFuture<byte[]> expectReply() {
		CompletableFuture<byte[]> next = new CompletableFuture<>();
		this.reply.set(next);
		this.call.request(1);
		return next;
	}

	/**
	 * Waits for a reply that is a count, and checks it.
	 * @param reply the reply future
	 * @param expected the count the server must have seen
	 * @throws Exception if the reply does not come in time or the count differs
	 */
	void awaitCount(CompletableFuture<byte[]> reply, long expected) throws Exception {
		long count = ByteBuffer.wrap(reply.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS)).getLong();
		if (count != expected) {
			throw new IllegalStateException("the gRPC server counted " + count + " of " + expected + " messages");
		}
	}

	/**
	 * Ends the call.
	 */
	void cancel() {
		this.call.cancel("benchmark over", null);
	}

}
