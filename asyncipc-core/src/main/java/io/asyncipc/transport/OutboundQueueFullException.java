package io.asyncipc.transport;

/**
 * A send was refused because the connection's outbound queue is full: the peer reads more
 * slowly than this side writes.
 */
public class OutboundQueueFullException extends PipeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message the queue's size, its limit and the setting that raises it
	 */
	public OutboundQueueFullException(String message) {
		super(message);
	}

}
