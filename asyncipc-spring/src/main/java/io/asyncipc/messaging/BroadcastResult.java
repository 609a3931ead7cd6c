package io.asyncipc.messaging;

import java.util.List;
import java.util.stream.Collectors;

import io.asyncipc.transport.SendResult;

/**
 * The outcome of a broadcast, connection by connection: to which connections the OS took the
 * message, and on which it failed and why. A broadcast that failed on some connections was
 * still delivered to the others, so a retry should go to {@link #failed()} alone, or the
 * others get the message twice.
 */
public final class BroadcastResult {

	private final String pipeName;

	private final List<SendResult> delivered;

	private final List<Failure> failed;

	/**
	 * Creates a result.
	 * @param pipeName the pipe the broadcast went out on
	 * @param delivered the sends that the OS took, one per connection
	 * @param failed the connections the message did not go out on
	 */
	public BroadcastResult(String pipeName, List<SendResult> delivered, List<Failure> failed) {
		this.pipeName = pipeName;
		this.delivered = List.copyOf(delivered);
		this.failed = List.copyOf(failed);
	}

	/**
	 * Returns the pipe name.
	 * @return the pipe the broadcast went out on
	 */
	public String pipeName() {
		return this.pipeName;
	}

	/**
	 * Returns the connections the message was handed to the OS on, with the bytes written.
	 * @return one {@link SendResult} per connection
	 */
	public List<SendResult> delivered() {
		return this.delivered;
	}

	/**
	 * Returns the connections the message did not go out on, each with the reason.
	 * @return one {@link Failure} per connection
	 */
	public List<Failure> failed() {
		return this.failed;
	}

	/**
	 * Returns whether every connection took the message.
	 * @return {@code true} if nothing failed
	 */
	public boolean allDelivered() {
		return this.failed.isEmpty();
	}

	/**
	 * Returns the payload bytes written, summed over the connections that took the message.
	 * @return the bytes
	 */
	public int bytes() {
		return this.delivered.stream().mapToInt(SendResult::bytes).sum();
	}

	@Override
	public String toString() {
		String summary = "delivered to " + this.delivered.size() + " of " + (this.delivered.size() + this.failed.size())
				+ " connections of pipe '" + this.pipeName + "'";
		if (this.failed.isEmpty()) {
			return summary;
		}
		return summary + ", failed on " + this.failed.stream()
			.map((failure) -> failure.connectionId() + " (" + failure.cause().getMessage() + ")")
			.collect(Collectors.joining(", "));
	}

	/**
	 * A connection that a broadcast did not go out on.
	 *
	 * @param connectionId the connection
	 * @param cause why, such as {@link io.asyncipc.transport.OutboundQueueFullException} or
	 * {@link io.asyncipc.transport.PipeClosedException}
	 */
	public record Failure(String connectionId, Throwable cause) {
	}

}
