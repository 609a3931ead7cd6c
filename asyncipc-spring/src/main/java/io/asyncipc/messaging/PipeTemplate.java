package io.asyncipc.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import io.asyncipc.messaging.envelope.Envelope;
import io.asyncipc.messaging.micrometer.PipeSenderContext;
import io.asyncipc.messaging.micrometer.PipeTemplateObservationConvention;
import io.asyncipc.transport.BlockingOperationException;
import io.asyncipc.transport.PipeClosedException;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeException;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeRole;
import io.asyncipc.transport.SendFailureReason;
import io.asyncipc.transport.SendResult;
import io.asyncipc.transport.support.IoThread;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.core.AbstractMessageSendingTemplate;
import org.springframework.messaging.core.MessagePostProcessor;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.ClassUtils;

/**
 * Sends messages on the application's pipe, the way {@code KafkaTemplate} or
 * {@code RabbitTemplate} send to their brokers.
 * <p>
 * The destination is a connection id. The default destination, {@link #PEER}, means the
 * server for a client, and every connected client for a server. Payloads go through the
 * {@link MessageConverter}: {@code byte[]} as it is, {@code String} as UTF-8, anything else as
 * JSON where Jackson is present. On a pipe of the envelope format (the default) the headers
 * travel beside the payload and reach the listener's {@code @Header} parameters: their values
 * as {@code toString()} gives them, the content type, and a type id
 * ({@link PipeHeaders#TYPE_ID}: the payload's full class name unless the headers name one). A
 * connection that speaks the raw format gets the payload alone.
 * <p>
 * The {@code *Async} methods never block and return a future of the {@link SendResult}: the
 * bytes handed to the OS, the original library's {@code OnSend(size)}. A send that cannot be
 * delivered fails its future; the blocking {@code send} and {@code convertAndSend} methods
 * throw {@link MessageDeliveryException}.
 * <p>
 * A server that sends to {@link #PEER} sends to each of its clients, and some may take the
 * message while others fail (a full outbound queue, a client that just left). The
 * {@code broadcast} methods report that connection by connection in a {@link BroadcastResult},
 * completing normally once every send settled; a send to {@link #PEER} with two or more
 * clients connected instead fails with a {@link BroadcastFailedException} that carries the
 * same result, so that a retry can skip the clients that already got the message.
 * <p>
 * The blocking methods must not be called on an I/O thread: from a listener or a
 * {@link io.asyncipc.messaging.event.PipeConnectedEvent} listener with
 * {@code asyncipc.listener.dispatch=inline}, or from a callback of a send's future. There,
 * waiting would stall every connection of that thread, itself included, so they throw
 * {@link MessageDeliveryException} at once, caused by a
 * {@link io.asyncipc.transport.BlockingOperationException}, and send nothing. Use the
 * {@code *Async} methods there and chain on their futures.
 * <p>
 * A {@code String} or {@code byte[]} payload sent without headers through Spring's own
 * {@code StringMessageConverter} and {@code ByteArrayMessageConverter} with their defaults (as
 * the auto-configuration sets them up) goes straight into its envelope, with the content type
 * and type id that the converter and {@link #doConvert} would give it, and the same bytes on
 * the wire, without the {@code Message} that {@code doConvert} makes. Any other payload, or
 * converter, and any send of a subclass of this template, goes through {@code doConvert}.
 * <p>
 * With {@link #setObservationEnabled(boolean) observation enabled} and an
 * {@link ObservationRegistry}, every send is a Micrometer observation,
 * {@link io.asyncipc.messaging.micrometer.PipeTemplateObservation}, and on an envelope
 * connection the trace context travels in the envelope's headers.
 */
public class PipeTemplate extends AbstractMessageSendingTemplate<String> {

	/** The default destination: the server for a client, every connected client for a server. */
	public static final String PEER = "*";

	private final PipeEndpointContainer container;

	private Duration sendTimeout = Duration.ofSeconds(30);

	private boolean observationEnabled;

	private ObservationRegistry observationRegistry;

	private PipeTemplateObservationConvention observationConvention;

	/** What observes the sends, or {@code null} while observation is off. */
	private volatile TemplateObservations observations;

	private volatile ReplyWait replyWait = new ReplyWait(ReplyWait.DEFAULT_LIMIT);

	/**
	 * Whether a payload without headers may skip {@link #doConvert} where the converter is known
	 * ({@link KnownConversions}): not in a subclass, which may convert or send otherwise.
	 */
	private final boolean knownConversions;

	/**
	 * The connection of a client's endpoint to its server, as last sent on: a client has one at
	 * most, so that while it is open, a send or request to {@link #PEER} need not copy the
	 * endpoint's connections to find it.
	 */
	private volatile ServerConnection server;

	/**
	 * Creates a template.
	 * @param container the pipe to send on
	 * @param messageConverter turns payloads into bytes
	 */
	public PipeTemplate(PipeEndpointContainer container, MessageConverter messageConverter) {
		this.container = container;
		this.knownConversions = (getClass() == PipeTemplate.class);
		setMessageConverter(messageConverter);
		setDefaultDestination(PEER);
	}

	/**
	 * Returns the id of the pipe this template sends on.
	 * @return the pipe id, such as {@code orders}
	 */
	public String getPipeId() {
		return this.container.getId();
	}

	/**
	 * Sets how long the blocking send methods wait for the OS to take a message.
	 * @param sendTimeout the timeout
	 */
	public void setSendTimeout(Duration sendTimeout) {
		this.sendTimeout = sendTimeout;
	}

	/**
	 * Sets how long a caller of {@link #convertSendAndReceive(Object, Class)} may spin for its
	 * reply before it parks. A caller that is still spinning when the reply comes is spared
	 * the wake-up of a parked thread, tens of microseconds across CPUs; but spinning takes a CPU
	 * that the peer may need. So the template spins where it has been quicker than parking,
	 * trying the other way now and then, never longer than twice the recent spinning wait,
	 * with one caller per two CPUs at most, and never where the process has one CPU.
	 * @param replySpin the longest spin, 100 µs by default; {@link Duration#ZERO} parks at once
	 */
	public void setReplySpin(Duration replySpin) {
		this.replyWait = new ReplyWait(replySpin);
	}

	/**
	 * Sets whether sends are observed, once an {@link ObservationRegistry} is set, as
	 * {@code KafkaTemplate.setObservationEnabled} does.
	 * @param observationEnabled {@code true} to observe sends; {@code false} by default
	 */
	public void setObservationEnabled(boolean observationEnabled) {
		this.observationEnabled = observationEnabled;
		updateObservations();
	}

	/**
	 * Sets the registry that observes sends while observation is enabled.
	 * @param observationRegistry the registry, or {@code null} to observe nothing
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
		updateObservations();
	}

	/**
	 * Sets a convention of the send observations' names and keys instead of
	 * {@link io.asyncipc.messaging.micrometer.DefaultPipeTemplateObservationConvention}.
	 * @param observationConvention the convention, or {@code null} for the default
	 */
	public void setObservationConvention(PipeTemplateObservationConvention observationConvention) {
		this.observationConvention = observationConvention;
		updateObservations();
	}

	private void updateObservations() {
		ObservationRegistry registry = this.observationRegistry;
		this.observations = (this.observationEnabled && registry != null && !registry.isNoop())
				? new TemplateObservations(registry, this.observationConvention, this.container) : null;
	}

	/**
	 * Sends a message to the peer: the server, or every connected client.
	 * @param message the message; its payload is converted to bytes
	 * @return the future of the send
	 */
	public CompletableFuture<SendResult> sendAsync(Message<?> message) {
		return sendAsync(PEER, message);
	}

	/**
	 * Sends a message on one connection, or to the peer with {@link #PEER}.
	 * @param connectionId the connection id, or {@link #PEER}
	 * @param message the message; its payload is converted to bytes
	 * @return the future of the send; for several clients it completes with the bytes written
	 * to all of them once every send settled, and fails with a {@link BroadcastFailedException}
	 * naming the connections it went out on and those it failed on if any send failed
	 */
	public CompletableFuture<SendResult> sendAsync(String connectionId, Message<?> message) {
		Envelope envelope;
		try {
			envelope = OutboundEnvelopes.of(message, getMessageConverter());
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		return observedSend(connectionId, envelope);
	}

	private CompletableFuture<SendResult> observedSend(String connectionId, Envelope envelope) {
		TemplateObservations observing = this.observations;
		if (observing != null) {
			return observing.observe(PipeSenderContext.Operation.SEND, connectionId,
					(context) -> sendEnvelope(connectionId, TemplateObservations.traced(envelope, context)));
		}
		return sendEnvelope(connectionId, envelope);
	}

	/**
	 * Converts a payload and sends it to the peer.
	 * @param payload the payload
	 * @return the future of the send
	 */
	public CompletableFuture<SendResult> convertAndSendAsync(Object payload) {
		return convertAndSendAsync(PEER, payload, null);
	}

	/**
	 * Converts a payload and sends it on one connection.
	 * @param connectionId the connection id, or {@link #PEER}
	 * @param payload the payload
	 * @return the future of the send
	 */
	public CompletableFuture<SendResult> convertAndSendAsync(String connectionId, Object payload) {
		return convertAndSendAsync(connectionId, payload, null);
	}

	/**
	 * Converts a payload, with headers that guide the conversion such as a content type, and
	 * sends it on one connection.
	 * @param connectionId the connection id, or {@link #PEER}
	 * @param payload the payload
	 * @param headers headers for the converter, or {@code null}
	 * @return the future of the send
	 */
	public CompletableFuture<SendResult> convertAndSendAsync(String connectionId, Object payload,
			Map<String, Object> headers) {
		Envelope.Builder known = knownConversion(payload, headers);
		if (known != null) {
			return observedSend(connectionId, known.build());
		}
		Message<?> message;
		try {
			message = doConvert(payload, headers, null);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		return sendAsync(connectionId, message);
	}

	/**
	 * Sends a message to every connection: every client for a server, the server for a
	 * client. The future completes once every connection's send settled, with what became of
	 * the message on each; it fails only if the message was sent nowhere: it could not be
	 * converted, the pipe is not started, or nothing is connected.
	 * @param message the message; its payload is converted to bytes
	 * @return the future of the result on each connection
	 */
	public CompletableFuture<BroadcastResult> broadcastAsync(Message<?> message) {
		Envelope envelope;
		try {
			envelope = OutboundEnvelopes.of(message, getMessageConverter());
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		return observedBroadcast(envelope);
	}

	private CompletableFuture<BroadcastResult> observedBroadcast(Envelope envelope) {
		TemplateObservations observing = this.observations;
		if (observing != null) {
			return observing.observe(PipeSenderContext.Operation.BROADCAST, PEER,
					(context) -> broadcastEnvelope(TemplateObservations.traced(envelope, context)));
		}
		return broadcastEnvelope(envelope);
	}

	/**
	 * Converts a payload and sends it to every connection, as {@link #broadcastAsync(Message)}.
	 * @param payload the payload
	 * @return the future of the result on each connection
	 */
	public CompletableFuture<BroadcastResult> convertAndBroadcastAsync(Object payload) {
		return convertAndBroadcastAsync(payload, null);
	}

	/**
	 * Converts a payload, with headers that guide the conversion such as a content type, and
	 * sends it to every connection, as {@link #broadcastAsync(Message)}.
	 * @param payload the payload
	 * @param headers headers for the converter, or {@code null}
	 * @return the future of the result on each connection
	 */
	public CompletableFuture<BroadcastResult> convertAndBroadcastAsync(Object payload, Map<String, Object> headers) {
		Envelope.Builder known = knownConversion(payload, headers);
		if (known != null) {
			return observedBroadcast(known.build());
		}
		Message<?> message;
		try {
			message = doConvert(payload, headers, null);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		return broadcastAsync(message);
	}

	/**
	 * Sends a request to the peer and waits for its reply: the value that the peer's listener
	 * returned, converted to the type asked for. The peer is the server for a client, and the
	 * only client for a server; a server with several clients must name one with
	 * {@link #convertSendAndReceive(String, Object, Class, Duration)}.
	 * @param <T> the reply's type
	 * @param request the request's payload
	 * @param replyType the reply's type: {@code byte[]}, {@code String}, or a class that the
	 * converter reads, such as a POJO from JSON
	 * @return the reply, never {@code null}
	 * @throws PipeReplyTimeoutException if no reply came within the pipe's reply timeout
	 * ({@code asyncipc.pipes.<id>.reply-timeout}, 5 seconds by default)
	 * @throws PipeRemoteException if the peer's listener failed and sent its exception back
	 * @throws MessageConversionException if the reply cannot be read as the type asked for
	 * @throws MessageDeliveryException if the request could not be sent, the connection closed
	 * before the reply came, the pipe speaks the raw format, or the call is made on an I/O thread
	 */
	public <T> T convertSendAndReceive(Object request, Class<T> replyType) {
		return convertSendAndReceive(PEER, request, replyType, null);
	}

	/**
	 * Sends a request to the peer and waits for its reply, at most for the timeout given, as
	 * {@link #convertSendAndReceive(Object, Class)}.
	 * @param <T> the reply's type
	 * @param request the request's payload
	 * @param replyType the reply's type
	 * @param timeout how long to wait for the reply, or {@code null} for the pipe's reply timeout
	 * @return the reply, never {@code null}
	 */
	public <T> T convertSendAndReceive(Object request, Class<T> replyType, Duration timeout) {
		return convertSendAndReceive(PEER, request, replyType, timeout);
	}

	/**
	 * Sends a request on one connection, such as a server asking one of its clients, and waits
	 * for its reply, as {@link #convertSendAndReceive(Object, Class)}.
	 * @param <T> the reply's type
	 * @param connectionId the connection id, or {@link #PEER}
	 * @param request the request's payload
	 * @param replyType the reply's type
	 * @param timeout how long to wait for the reply, or {@code null} for the pipe's reply timeout
	 * @return the reply, never {@code null}
	 */
	public <T> T convertSendAndReceive(String connectionId, Object request, Class<T> replyType, Duration timeout) {
		checkNotOnIoThread("PipeTemplate.convertSendAndReceive(...)", "use convertSendAndReceiveAsync(...)", null);
		try {
			Request sent = request(connectionId, convertedRequest(request), timeout);
			// The reply completes on the I/O thread that read it; it is read as the type asked for
			// here, on the caller's thread, so that no I/O thread converts JSON for a caller.
			// Never unbounded: the reply timeout, a disconnect or the pipe's stop ends every request.
			Envelope reply = this.replyWait.await(sent.reply(), sent.connection(),
					(timeout != null) ? timeout : this.container.getReplyTimeout());
			return convertReply(this.container.toMessage(sent.connection(), reply), replyType);
		}
		catch (ExecutionException ex) {
			throw blockingFailure(ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new MessageDeliveryException(null, "interrupted while waiting for the reply; a late reply is dropped", ex);
		}
		catch (RuntimeException ex) {
			throw blockingFailure(ex);
		}
	}

	/**
	 * Sends a request to the peer and returns the future of its reply, as
	 * {@link #convertSendAndReceive(Object, Class)} without blocking: the future fails with
	 * {@link PipeReplyTimeoutException}, {@link PipeRemoteException},
	 * {@link MessageConversionException}, or the reason the request was not sent or not
	 * answered ({@link io.asyncipc.transport.PipeClosedException} if the connection closed
	 * before the reply, at once), and never completes with {@code null}. It completes on an I/O
	 * thread or the pipe's timer thread: do not block in what you chain on it.
	 * @param <T> the reply's type
	 * @param request the request's payload
	 * @param replyType the reply's type
	 * @return the future of the reply
	 */
	public <T> CompletableFuture<T> convertSendAndReceiveAsync(Object request, Class<T> replyType) {
		return convertSendAndReceiveAsync(PEER, request, replyType, null);
	}

	/**
	 * Sends a request to the peer and returns the future of its reply, which fails with
	 * {@link PipeReplyTimeoutException} after the timeout given.
	 * @param <T> the reply's type
	 * @param request the request's payload
	 * @param replyType the reply's type
	 * @param timeout how long to wait for the reply, or {@code null} for the pipe's reply timeout
	 * @return the future of the reply
	 */
	public <T> CompletableFuture<T> convertSendAndReceiveAsync(Object request, Class<T> replyType, Duration timeout) {
		return convertSendAndReceiveAsync(PEER, request, replyType, timeout);
	}

	/**
	 * Sends a request on one connection and returns the future of its reply.
	 * @param <T> the reply's type
	 * @param connectionId the connection id, or {@link #PEER}
	 * @param request the request's payload
	 * @param replyType the reply's type
	 * @param timeout how long to wait for the reply, or {@code null} for the pipe's reply timeout
	 * @return the future of the reply
	 */
	public <T> CompletableFuture<T> convertSendAndReceiveAsync(String connectionId, Object request,
			Class<T> replyType, Duration timeout) {
		Function<String, Envelope> envelope;
		try {
			envelope = convertedRequest(request);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		Request sent = request(connectionId, envelope, timeout);
		return sent.reply()
			.thenApply((reply) -> convertReply(this.container.toMessage(sent.connection(), reply), replyType));
	}

	/**
	 * Sends a request message on one connection and returns the future of the reply message,
	 * with the headers the peer sent beside it: the lowest level of request-reply, for
	 * requests that carry headers and replies whose headers matter.
	 * @param connectionId the connection id, or {@link #PEER}
	 * @param request the request; its payload is converted to bytes, and its headers travel
	 * with it (a correlation id among them is replaced by the request's own)
	 * @param timeout how long to wait for the reply, or {@code null} for the pipe's reply timeout
	 * @return the future of the reply
	 */
	public CompletableFuture<Message<byte[]>> sendAndReceiveAsync(String connectionId, Message<?> request,
			Duration timeout) {
		Request sent = request(connectionId, requestEnvelope(request), timeout);
		return sent.reply().thenApply((reply) -> this.container.toMessage(sent.connection(), reply));
	}

	/**
	 * Returns what makes a request's envelope from its correlation id: straight from the payload
	 * where the converter is known ({@link #knownConversion}), else from the message of
	 * {@link #doConvert}, which may throw.
	 */
	private Function<String, Envelope> convertedRequest(Object payload) {
		Envelope.Builder known = knownConversion(payload, null);
		return (known != null) ? (correlationId) -> known.correlationId(correlationId).build()
				: requestEnvelope(doConvert(payload, null, null));
	}

	/**
	 * Returns what makes a request's envelope from a message and its correlation id: the
	 * message's headers travel with it, a correlation id among them replaced by the request's.
	 */
	private Function<String, Envelope> requestEnvelope(Message<?> request) {
		MessageConverter converter = getMessageConverter();
		return (correlationId) -> OutboundEnvelopes.of(
				MessageBuilder.fromMessage(request).setHeader(PipeHeaders.CORRELATION_ID, correlationId).build(),
				converter);
	}

	/**
	 * Sends a request on one connection, and returns the connection with the future of the
	 * reply's envelope, or a failed future if it could not be sent.
	 * @param envelope makes the request's envelope from the correlation id it must carry
	 */
	private Request request(String connectionId, Function<String, Envelope> envelope, Duration timeout) {
		PipeEndpoint endpoint = this.container.getEndpoint();
		if (endpoint == null) {
			return new Request(null, notStarted());
		}
		PipeConnection connection;
		if (connectionId != null && !PEER.equals(connectionId)) {
			connection = endpoint.connection(connectionId).orElse(null);
			if (connection == null) {
				return new Request(null, noConnection("no open connection '" + connectionId + "' on pipe '"
						+ endpoint.name() + "'; the request was not sent"));
			}
		}
		else {
			connection = knownServer(endpoint);
		}
		if (connection == null) {
			Collection<PipeConnection> connections = endpoint.connections();
			if (connections.size() != 1) {
				if (connections.isEmpty()) {
					return new Request(null, noConnection(noPeerMessage(endpoint)));
				}
				return new Request(null, CompletableFuture.failedFuture(new PipeException("pipe '" + endpoint.name()
						+ "' has " + connections.size() + " clients and a request goes to one; name its connection id "
						+ "in convertSendAndReceive(connectionId, ...); the request was not sent")));
			}
			connection = onlyConnection(endpoint, connections);
		}
		return requestOn(connection, envelope, (timeout != null) ? timeout : this.container.getReplyTimeout());
	}

	private Request requestOn(PipeConnection connection, Function<String, Envelope> envelope, Duration wait) {
		TemplateObservations observing = this.observations;
		if (observing != null) {
			return new Request(connection, observing.observe(PipeSenderContext.Operation.REQUEST, connection.id(),
					(context) -> this.container.request(connection, (correlationId) -> {
						context.setCorrelationId(correlationId);
						return TemplateObservations.traced(envelope.apply(correlationId), context);
					}, wait)));
		}
		return new Request(connection, this.container.request(connection, envelope, wait));
	}

	/**
	 * Reads a reply as the type asked for. A reply whose type id names a class that is not that
	 * type fails, rather than being read into it, unless the type asked for is {@code byte[]},
	 * {@code String} or {@code Object}, which take any reply.
	 */
	@SuppressWarnings("unchecked")
	private <T> T convertReply(Message<byte[]> reply, Class<T> replyType) {
		if (replyType == byte[].class) {
			return (T) reply.getPayload();
		}
		Object typeId = reply.getHeaders().get(PipeHeaders.TYPE_ID);
		if (typeId != null && replyType != String.class && replyType != Object.class) {
			Class<?> sent = PayloadTypeRouter.loadType(typeId.toString(), replyType.getClassLoader());
			if (sent != null && !ClassUtils.isAssignable(replyType, sent)) {
				throw new MessageConversionException(reply, "the reply on pipe '" + getPipeId() + "' is a " + typeId
						+ ", not a " + replyType.getName() + "; ask for that type, or for String or byte[]");
			}
		}
		Object value = (replyType == String.class)
				? KnownConversions.text(reply.getPayload(), reply.getHeaders(), getMessageConverter()) : null;
		if (value == null) {
			value = getMessageConverter().fromMessage(reply, replyType);
		}
		if (value == null) {
			throw new MessageConversionException(reply, "the reply on pipe '" + getPipeId() + "' ("
					+ reply.getPayload().length + " bytes" + ((typeId != null) ? ", type " + typeId : "")
					+ ") cannot be read as a " + replyType.getName());
		}
		return (T) value;
	}

	private static RuntimeException blockingFailure(Throwable cause) {
		if (cause instanceof PipeReplyTimeoutException || cause instanceof PipeRemoteException
				|| cause instanceof MessagingException) {
			return (RuntimeException) cause;
		}
		return new MessageDeliveryException(null, String.valueOf(cause.getMessage()), cause);
	}

	/**
	 * Converts a payload and sends it, waiting for the OS to take it.
	 * @throws MessageDeliveryException if the send fails or times out, or at once on an I/O
	 * thread, where nothing is converted or sent
	 */
	@Override
	public void convertAndSend(String destination, Object payload, Map<String, Object> headers,
			MessagePostProcessor postProcessor) {
		checkNotOnIoThread("PipeTemplate.convertAndSend(...)", "use convertAndSendAsync(...)", null);
		super.convertAndSend(destination, payload, headers, postProcessor);
	}

	/**
	 * Sends a message, waiting for the OS to take it: what {@code send} and
	 * {@code convertAndSend} come down to.
	 * @throws MessageDeliveryException if the send fails or times out, or at once on an I/O
	 * thread, where nothing is sent
	 */
	@Override
	protected void doSend(String destination, Message<?> message) {
		checkNotOnIoThread("PipeTemplate.send(...)", "use sendAsync(...)", message);
		try {
			sendAsync(destination, message).get(this.sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw new MessageDeliveryException(message, ex.getCause().getMessage(), ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new MessageDeliveryException(message, "the OS did not take the message within " + this.sendTimeout, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new MessageDeliveryException(message, "interrupted while sending", ex);
		}
	}

	/**
	 * Fails a blocking send on an I/O thread before anything is converted or queued: the
	 * thread would wait for itself, stalling its other connections for the whole send
	 * timeout, and the message would still go out afterwards, so a retry would send it twice.
	 */
	private static void checkNotOnIoThread(String call, String asyncCall, Message<?> message) {
		try {
			IoThread.checkNotBlocking(call, asyncCall + " and chain on its future, or set "
					+ "asyncipc.listener.dispatch=executor; nothing was sent");
		}
		catch (BlockingOperationException ex) {
			throw new MessageDeliveryException(message, ex.getMessage(), ex);
		}
	}

	/**
	 * Converts a payload to bytes, marking its type: the full class name of the payload, unless
	 * the headers name one in {@link PipeHeaders#TYPE_ID} or the payload is {@code byte[]}.
	 */
	@Override
	protected Message<?> doConvert(Object payload, Map<String, Object> headers, MessagePostProcessor postProcessor) {
		Map<String, Object> typed = headers;
		if (!(payload instanceof byte[]) && (headers == null || !headers.containsKey(PipeHeaders.TYPE_ID))) {
			typed = (headers != null) ? new LinkedHashMap<>(headers) : new LinkedHashMap<>();
			typed.put(PipeHeaders.TYPE_ID, payload.getClass().getName());
		}
		return super.doConvert(payload, typed, postProcessor);
	}

	/**
	 * Returns the envelope of a payload that the converter is known to convert
	 * ({@link KnownConversions}), marked with its type as {@link #doConvert} marks it, with the
	 * same bytes on the wire as through {@code doConvert}; or {@code null} if it must go through
	 * {@code doConvert}: it has headers, the converter is not a known one, or this is a subclass,
	 * whose {@code doConvert} or {@code sendAsync} may do otherwise.
	 */
	private Envelope.Builder knownConversion(Object payload, Map<String, Object> headers) {
		if (!this.knownConversions || (headers != null && !headers.isEmpty())) {
			return null;
		}
		return KnownConversions.typedBuilder(payload, getMessageConverter());
	}

	private CompletableFuture<SendResult> sendEnvelope(String connectionId, Envelope envelope) {
		PipeEndpoint endpoint = this.container.getEndpoint();
		if (endpoint == null) {
			return notStarted();
		}
		if (connectionId != null && !PEER.equals(connectionId)) {
			return endpoint.connection(connectionId)
				.map((connection) -> send(connection, envelope))
				.orElseGet(() -> noConnection(
						"no open connection '" + connectionId + "' on pipe '" + endpoint.name() + "'"));
		}
		PipeConnection server = knownServer(endpoint);
		if (server != null) {
			return send(server, envelope);
		}
		Collection<PipeConnection> connections = endpoint.connections();
		if (connections.isEmpty()) {
			return noConnection(noPeerMessage(endpoint));
		}
		if (connections.size() == 1) {
			return send(onlyConnection(endpoint, connections), envelope);
		}
		return broadcast(endpoint, connections, envelope).thenCompose((result) -> result.allDelivered()
				? CompletableFuture.completedFuture(new SendResult(PEER, result.bytes()))
				: CompletableFuture.failedFuture(new BroadcastFailedException(result)));
	}

	private CompletableFuture<BroadcastResult> broadcastEnvelope(Envelope envelope) {
		PipeEndpoint endpoint = this.container.getEndpoint();
		if (endpoint == null) {
			return notStarted();
		}
		Collection<PipeConnection> connections = endpoint.connections();
		if (connections.isEmpty()) {
			return noConnection(noPeerMessage(endpoint));
		}
		return broadcast(endpoint, connections, envelope);
	}

	/**
	 * Sends on every connection and completes, never exceptionally, once all sends settled.
	 */
	private CompletableFuture<BroadcastResult> broadcast(PipeEndpoint endpoint,
			Collection<PipeConnection> connections, Envelope envelope) {
		List<String> ids = new ArrayList<>();
		List<CompletableFuture<SendResult>> sends = new ArrayList<>();
		for (PipeConnection connection : connections) {
			ids.add(connection.id());
			sends.add(send(connection, envelope));
		}
		CompletableFuture<?>[] settled = sends.stream()
			.map((send) -> send.handle((sent, error) -> null))
			.toArray(CompletableFuture[]::new);
		return CompletableFuture.allOf(settled).thenApply((done) -> {
			List<SendResult> delivered = new ArrayList<>();
			List<BroadcastResult.Failure> failed = new ArrayList<>();
			for (int i = 0; i < sends.size(); i++) {
				CompletableFuture<SendResult> send = sends.get(i);
				if (send.isCompletedExceptionally()) {
					failed.add(new BroadcastResult.Failure(ids.get(i), causeOf(send)));
				}
				else {
					delivered.add(send.join());
				}
			}
			return new BroadcastResult(endpoint.name(), delivered, failed);
		});
	}

	/**
	 * Sends an envelope in the format of the connection: the envelope, or its payload alone.
	 */
	private CompletableFuture<SendResult> send(PipeConnection connection, Envelope envelope) {
		try {
			return this.container.send(connection, envelope);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private static Throwable causeOf(CompletableFuture<SendResult> failed) {
		try {
			failed.join();
			throw new IllegalStateException("the send did not fail");
		}
		catch (CompletionException | CancellationException ex) {
			return (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
		}
	}

	private <T> CompletableFuture<T> notStarted() {
		this.container.getStatistics().sendFailed(SendFailureReason.NOT_STARTED);
		return CompletableFuture
			.failedFuture(new PipeClosedException("pipe '" + this.container.getName() + "' is not started"));
	}

	/** Fails a send that found no connection to go to, counted as {@link SendFailureReason#CLOSED}. */
	private <T> CompletableFuture<T> noConnection(String message) {
		this.container.getStatistics().sendFailed(SendFailureReason.CLOSED);
		return CompletableFuture.failedFuture(new PipeClosedException(message));
	}

	private String noPeerMessage(PipeEndpoint endpoint) {
		if (endpoint.role() == PipeRole.CLIENT) {
			return "pipe '" + endpoint.name() + "' is not connected to its server (" + endpoint.status().state()
					+ ", " + endpoint.status().failedAttempts() + " failed attempts); the message was not sent";
		}
		return "no client is connected to pipe '" + endpoint.name() + "'; the message was not sent";
	}

	/**
	 * Returns the connection of a client's endpoint to its server as {@link #onlyConnection}
	 * last found it, while it is open; else {@code null}.
	 */
	private PipeConnection knownServer(PipeEndpoint endpoint) {
		ServerConnection last = this.server;
		return (last != null && last.endpoint() == endpoint && last.connection().isOpen()) ? last.connection() : null;
	}

	/**
	 * Returns the one connection of an endpoint, remembering it where the endpoint is a
	 * client's, whose one connection is its server's.
	 */
	private PipeConnection onlyConnection(PipeEndpoint endpoint, Collection<PipeConnection> connections) {
		PipeConnection only = connections.iterator().next();
		if (endpoint.role() == PipeRole.CLIENT) {
			this.server = new ServerConnection(endpoint, only);
		}
		return only;
	}

	/**
	 * A request sent, or not: the connection it went out on ({@code null} if none) and the
	 * future of its reply.
	 */
	private record Request(PipeConnection connection, CompletableFuture<Envelope> reply) {
	}

	private record ServerConnection(PipeEndpoint endpoint, PipeConnection connection) {
	}

}
