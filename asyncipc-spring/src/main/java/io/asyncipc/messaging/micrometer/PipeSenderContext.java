package io.asyncipc.messaging.micrometer;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.asyncipc.transport.PipeRole;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;

/**
 * The context of a {@link PipeTemplateObservation}: the pipe, the operation, the destination,
 * and, as the carrier, the envelope headers that a tracer's propagator writes (W3C
 * {@code traceparent} and {@code tracestate}, for example). The template adds them to the
 * envelope it sends, so that they reach the listener in the other process; a connection that
 * speaks the raw format sends the payload alone, and with it no headers.
 */
public class PipeSenderContext extends SenderContext<Map<String, String>> {

	private final String pipeId;

	private final String pipeName;

	private final PipeRole role;

	private final Operation operation;

	private final String connectionId;

	private volatile String correlationId;

	/**
	 * Creates the context of one send.
	 * @param pipeId the pipe's id in the application
	 * @param pipeName the pipe's name
	 * @param role this process's role on the pipe
	 * @param operation what the template does
	 * @param connectionId the connection the message goes to, or {@code *} for the peer or every
	 * connection
	 */
	public PipeSenderContext(String pipeId, String pipeName, PipeRole role, Operation operation, String connectionId) {
		super((headers, key, value) -> {
			if (headers != null) {
				headers.put(key, value);
			}
		}, Kind.PRODUCER);
		setCarrier(new LinkedHashMap<>());
		setRemoteServiceName("asyncipc " + pipeName);
		this.pipeId = pipeId;
		this.pipeName = pipeName;
		this.role = role;
		this.operation = operation;
		this.connectionId = connectionId;
	}

	/**
	 * Returns the id of the pipe.
	 * @return the id, such as {@code orders} or {@code default}
	 */
	public String getPipeId() {
		return this.pipeId;
	}

	/**
	 * Returns the name of the pipe.
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
	 * Returns what the template does.
	 * @return send, broadcast or request
	 */
	public Operation getOperation() {
		return this.operation;
	}

	/**
	 * Returns the connection the message goes to.
	 * @return the connection id, or {@code *} for the peer or every connection
	 */
	public String getConnectionId() {
		return this.connectionId;
	}

	/**
	 * Returns the correlation id of a request.
	 * @return the correlation id, or {@code null} if this is no request or it is not sent yet
	 */
	public String getCorrelationId() {
		return this.correlationId;
	}

	/**
	 * Sets the correlation id of a request, once the template made it.
	 * @param correlationId the correlation id
	 */
	public void setCorrelationId(String correlationId) {
		this.correlationId = correlationId;
	}

	/**
	 * What a {@link io.asyncipc.messaging.PipeTemplate} does with a message.
	 */
	public enum Operation {

		/** A message to one connection, or to the peer. */
		SEND,

		/** A message to every connection, reported connection by connection. */
		BROADCAST,

		/** A request, observed until its reply came or it failed. */
		REQUEST;

		/**
		 * Returns the value of the {@code messaging.operation} key.
		 * @return {@code send}, {@code broadcast} or {@code request}
		 */
		public String value() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

}
