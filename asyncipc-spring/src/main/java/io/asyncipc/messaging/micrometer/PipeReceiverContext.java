package io.asyncipc.messaging.micrometer;

import io.asyncipc.messaging.PipeHeaders;
import io.asyncipc.transport.PipeRole;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;

import org.springframework.messaging.Message;

/**
 * The context of a {@link PipeListenerObservation}: the listener, the pipe, and, as the carrier,
 * the received message, whose headers are those of its envelope. A tracer's propagator reads the
 * sender's trace context from them ({@code traceparent}, for example), so that the listener's
 * span continues the sender's trace. A message of a raw connection has no envelope headers, and
 * its listener starts a trace of its own.
 */
public class PipeReceiverContext extends ReceiverContext<Message<byte[]>> {

	private final String listenerId;

	private final String pipeId;

	private final String pipeName;

	private final PipeRole role;

	/**
	 * Creates the context of one listener invocation.
	 * @param message the received message
	 * @param listenerId the listener's id
	 * @param pipeId the id of the pipe the message came on
	 * @param pipeName the name of that pipe
	 * @param role this process's role on the pipe
	 */
	public PipeReceiverContext(Message<byte[]> message, String listenerId, String pipeId, String pipeName,
			PipeRole role) {
		super((carrier, key) -> {
			Object value = carrier.getHeaders().get(key);
			return (value != null) ? value.toString() : null;
		}, Kind.CONSUMER);
		setCarrier(message);
		setRemoteServiceName("asyncipc " + pipeName);
		this.listenerId = listenerId;
		this.pipeId = pipeId;
		this.pipeName = pipeName;
		this.role = role;
	}

	/**
	 * Returns the id of the listener.
	 * @return the listener id
	 */
	public String getListenerId() {
		return this.listenerId;
	}

	/**
	 * Returns the id of the pipe the message came on.
	 * @return the pipe id
	 */
	public String getPipeId() {
		return this.pipeId;
	}

	/**
	 * Returns the name of the pipe the message came on.
	 * @return the pipe name
	 */
	public String getPipeName() {
		return this.pipeName;
	}

	/**
	 * Returns this process's role on the pipe.
	 * @return server or client
	 */
	public PipeRole getRole() {
		return this.role;
	}

	/**
	 * Returns the connection the message came on.
	 * @return the connection id
	 */
	public String getConnectionId() {
		return header(PipeHeaders.CONNECTION_ID);
	}

	/**
	 * Returns the correlation id of a request.
	 * @return the correlation id, or {@code null} if the message is no request
	 */
	public String getCorrelationId() {
		return header(PipeHeaders.CORRELATION_ID);
	}

	private String header(String name) {
		Object value = getCarrier().getHeaders().get(name);
		return (value != null) ? value.toString() : null;
	}

}
