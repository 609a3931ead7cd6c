package io.asyncipc.test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.asyncipc.messaging.MessagingPipeListenerAdapter;
import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.messaging.PipeHeaders;
import io.asyncipc.messaging.PipeRemoteException;
import io.asyncipc.messaging.PipeReplyTimeoutException;
import io.asyncipc.messaging.PipeStartupException;
import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeRole;
import io.asyncipc.transport.SendResult;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.handler.annotation.support.DefaultMessageHandlerMethodFactory;
import org.springframework.util.ClassUtils;

/**
 * A client of the application's pipe for tests: it connects as another process's Java client
 * would (envelope format unless the pipe is raw), sends, requests, and keeps every message
 * the application sends it until the test takes it with {@link #awaitMessage(Duration)}.
 * <p>
 * In a test annotated {@link AsyncIpcTest}, declare it as a parameter of the test method (or
 * of a {@code @BeforeEach} method): it is connected to the application's server pipe before
 * the method runs and closed after the test. Elsewhere, {@link #connect(String)} or
 * {@link #builder(String)} make one; close it when done.
 * <pre class="code">
 * &#64;Test
 * void confirmsAnOrder(PipeTestClient client) {
 *     Confirmation confirmation = client.convertSendAndReceive(new Order("A-17", 3), Confirmation.class);
 *     assertThat(confirmation.orderId()).isEqualTo("A-17");
 * }
 * </pre>
 * Methods that wait fail with an {@link AssertionError} that says what was awaited and for
 * how long, so that a failed test reads like a failed assertion.
 */
public final class PipeTestClient implements AutoCloseable {

	/** How long the awaiting methods without a timeout wait: 10 seconds. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	private final PipeEndpointContainer container;

	private final PipeTemplate template;

	private final MessageConverter converter;

	private final Inbox inbox;

	private volatile boolean closed;

	PipeTestClient(PipeEndpointContainer container, MessageConverter converter, Inbox inbox) {
		this.container = container;
		this.converter = converter;
		this.inbox = inbox;
		this.template = new PipeTemplate(container, converter);
	}

	/**
	 * Connects to a server pipe in the envelope format, waiting up to
	 * {@link #DEFAULT_TIMEOUT} for it.
	 * @param pipeName the server's pipe name, as in {@code asyncipc.name}
	 * @return the connected client
	 * @throws IllegalStateException if no server answered in time
	 */
	public static PipeTestClient connect(String pipeName) {
		return builder(pipeName).connect();
	}

	/**
	 * Returns a builder of a client of a server pipe.
	 * @param pipeName the server's pipe name, as in {@code asyncipc.name}
	 * @return the builder
	 */
	public static PipeTestClientBuilder builder(String pipeName) {
		return new PipeTestClientBuilder(pipeName);
	}

	/**
	 * Returns a builder of a client of a pipe of this process, with the pipe's name, mode,
	 * format and maximum message size. Its {@code connect()} returns once the pipe lists the
	 * new connection, so that the application can send to the client at once.
	 * @param server the container of the server pipe, such as the application's
	 * @return the builder
	 * @throws IllegalArgumentException if the pipe is a client, which a client cannot connect to
	 */
	public static PipeTestClientBuilder builder(PipeEndpointContainer server) {
		if (server.getRole() != PipeRole.SERVER) {
			throw new IllegalArgumentException("pipe '" + server.getId() + "' (name '" + server.getName()
					+ "') is a client pipe, and a PipeTestClient connects to a server pipe");
		}
		return new PipeTestClientBuilder(server.getName()).server(server)
			.mode(server.getMode())
			.format(server.getFormat())
			.maxMessageSize(server.getOptions().maxMessageSize());
	}

	/**
	 * Starts the endpoint and waits for the server; called once by the builder.
	 */
	PipeTestClient start(Duration connectTimeout) {
		try {
			this.container.start();
		}
		catch (PipeStartupException ex) {
			if (ex.getFailFastProperty() == null) {
				throw new IllegalStateException("PipeTestClient could not connect to pipe '" + getPipeName() + "': "
						+ ex.getMessage(), ex);
			}
			throw new IllegalStateException("PipeTestClient found no server on pipe '" + getPipeName() + "' within "
					+ connectTimeout + "; is the application's pipe a server, and has its context started?", ex);
		}
		return this;
	}

	/**
	 * Makes the listener that puts what the application sends into this client's inbox: a
	 * spring-messaging handler method, as any {@code @PipeListener} is invoked.
	 */
	static MessagingPipeListenerAdapter inboxListener(Inbox inbox, MessageConverter converter) {
		DefaultMessageHandlerMethodFactory factory = new DefaultMessageHandlerMethodFactory();
		factory.setMessageConverter(converter);
		factory.afterPropertiesSet();
		return new MessagingPipeListenerAdapter("pipeTestClient", factory.createInvocableHandlerMethod(inbox,
				ClassUtils.getMethod(Inbox.class, "receive", Message.class)), converter, null);
	}

	/**
	 * Returns the name of the pipe this client is connected to.
	 * @return the pipe name
	 */
	public String getPipeName() {
		return this.container.getName();
	}

	/**
	 * Returns the template this client sends with, for what the methods here do not cover:
	 * its destination {@link PipeTemplate#PEER} is the application's pipe.
	 * @return the template
	 */
	public PipeTemplate getTemplate() {
		return this.template;
	}

	/**
	 * Returns whether the client is connected to the server now.
	 * @return {@code true} while the connection is open
	 */
	public boolean isConnected() {
		PipeEndpoint endpoint = this.container.getEndpoint();
		return !this.closed && endpoint != null && endpoint.connections().stream().anyMatch(PipeConnection::isOpen);
	}

	/**
	 * Converts a payload and sends it to the application, waiting until the OS took it.
	 * @param payload the payload: {@code byte[]}, {@code String}, or a POJO sent as JSON
	 * @throws org.springframework.messaging.MessageDeliveryException if it could not be sent
	 */
	public void convertAndSend(Object payload) {
		this.template.convertAndSend(payload);
	}

	/**
	 * Converts a payload and sends it with headers, which the application's listener reads
	 * with {@code @Header} (on a pipe of the envelope format).
	 * @param payload the payload
	 * @param headers the headers; values travel as their {@code toString()}
	 * @throws org.springframework.messaging.MessageDeliveryException if it could not be sent
	 */
	public void convertAndSend(Object payload, Map<String, Object> headers) {
		this.template.convertAndSend(PipeTemplate.PEER, payload, headers);
	}

	/**
	 * Converts a payload and sends it without waiting.
	 * @param payload the payload
	 * @return the future of the send
	 */
	public CompletableFuture<SendResult> convertAndSendAsync(Object payload) {
		return this.template.convertAndSendAsync(payload);
	}

	/**
	 * Sends a request and waits, at most the pipe's reply timeout (5 seconds unless the
	 * builder set another), for what the application's listener returns.
	 * @param <T> the reply's type
	 * @param request the request's payload
	 * @param replyType the reply's type: {@code byte[]}, {@code String} or a POJO read from JSON
	 * @return the reply
	 * @throws io.asyncipc.messaging.PipeReplyTimeoutException if no reply came in time
	 * @throws io.asyncipc.messaging.PipeRemoteException if the listener failed and sent its
	 * exception back ({@code @PipeListener(returnExceptions = true)})
	 */
	public <T> T convertSendAndReceive(Object request, Class<T> replyType) {
		return this.template.convertSendAndReceive(request, replyType);
	}

	/**
	 * Sends a request and waits for its reply at most for the timeout given.
	 * @param <T> the reply's type
	 * @param request the request's payload
	 * @param replyType the reply's type
	 * @param timeout how long to wait for the reply
	 * @return the reply
	 */
	public <T> T convertSendAndReceive(Object request, Class<T> replyType, Duration timeout) {
		return this.template.convertSendAndReceive(request, replyType, timeout);
	}

	/**
	 * Sends a request message, with its headers, and waits for the reply message with the
	 * headers the listener's side sent beside it.
	 * @param request the request; its payload is converted to bytes
	 * @param timeout how long to wait for the reply
	 * @return the reply
	 * @throws io.asyncipc.messaging.PipeReplyTimeoutException if no reply came in time
	 * @throws io.asyncipc.messaging.PipeRemoteException if the listener failed and sent its
	 * exception back
	 * @throws MessageDeliveryException if the request could not be sent, or the connection
	 * closed before the reply came
	 */
	public Message<byte[]> sendAndReceive(Message<?> request, Duration timeout) {
		try {
			// Never unbounded: the reply timeout, a disconnect or the client's close ends the request.
			return this.template.sendAndReceiveAsync(PipeTemplate.PEER, request, timeout).join();
		}
		catch (CompletionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			if (cause instanceof PipeReplyTimeoutException || cause instanceof PipeRemoteException
					|| cause instanceof MessagingException) {
				throw (RuntimeException) cause;
			}
			throw new MessageDeliveryException(request, String.valueOf(cause.getMessage()), cause);
		}
	}

	/**
	 * Waits for the next message the application sends to this client, at most
	 * {@link #DEFAULT_TIMEOUT}.
	 * @return the message, with its headers ({@link PipeHeaders#TYPE_ID} and the sender's own)
	 * @throws AssertionError if none arrived in time
	 */
	public Message<byte[]> awaitMessage() {
		return awaitMessage(DEFAULT_TIMEOUT);
	}

	/**
	 * Waits for the next message the application sends to this client. Messages are kept in
	 * the order they arrived until they are taken; replies to this client's requests are not
	 * among them.
	 * @param timeout how long to wait
	 * @return the message, with its headers
	 * @throws AssertionError if none arrived in time
	 */
	public Message<byte[]> awaitMessage(Duration timeout) {
		Message<byte[]> message;
		try {
			message = this.inbox.messages.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted while waiting for a message on pipe '" + getPipeName() + "'", ex);
		}
		if (message == null) {
			throw new AssertionError("no message arrived on pipe '" + getPipeName() + "' within " + timeout);
		}
		return message;
	}

	/**
	 * Waits for the next message, at most {@link #DEFAULT_TIMEOUT}, and returns its payload
	 * as the type asked for.
	 * @param <T> the payload's type
	 * @param type {@code byte[]}, {@code String}, or a POJO read from JSON
	 * @return the payload
	 * @throws AssertionError if none arrived in time, or it is not a {@code T}
	 */
	public <T> T awaitMessage(Class<T> type) {
		return awaitMessage(type, DEFAULT_TIMEOUT);
	}

	/**
	 * Waits for the next message and returns its payload as the type asked for. A message
	 * whose type id names another class fails rather than being read into {@code T}; it is
	 * taken from the client either way.
	 * @param <T> the payload's type
	 * @param type {@code byte[]}, {@code String}, or a POJO read from JSON
	 * @param timeout how long to wait
	 * @return the payload
	 * @throws AssertionError if none arrived in time, or it is not a {@code T}
	 */
	public <T> T awaitMessage(Class<T> type, Duration timeout) {
		return Payloads.as(awaitMessage(timeout), type, this.converter, getPipeName());
	}

	/**
	 * Answers the application's requests to this client (its
	 * {@code PipeTemplate.convertSendAndReceive}) with what the function returns: a
	 * {@code String}, {@code byte[]} or POJO, converted as a listener's return value, or
	 * {@code null} for no reply. Requests are kept for {@link #awaitMessage} as well. The
	 * function runs on the client's I/O thread, so it must not block.
	 * @param replier makes the reply from the request, or {@code null} to answer no more
	 */
	public void replyWith(Function<Message<byte[]>, ?> replier) {
		this.inbox.replier = replier;
	}

	/**
	 * Returns how many received messages no await took yet.
	 * @return the count
	 */
	public int getPendingMessageCount() {
		return this.inbox.messages.size();
	}

	/**
	 * Disconnects and stops the client; messages still queued are sent first, for a few
	 * seconds at most. Calling it again does nothing.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.container.stop();
	}

	@Override
	public String toString() {
		return "PipeTestClient of pipe '" + getPipeName() + "'";
	}

	/**
	 * What the client's listener does with each message: keep it, and answer it with the
	 * replier's value if it is a request. Its method is public so that spring-messaging invokes
	 * it as it invokes any listener.
	 */
	static final class Inbox {

		private final BlockingQueue<Message<byte[]>> messages = new LinkedBlockingQueue<>();

		private volatile Function<Message<byte[]>, ?> replier;

		/**
		 * Keeps a received message and returns the reply to a request, if there is a replier.
		 * @param message the message
		 * @return the reply, or {@code null} for none
		 */
		public Object receive(Message<byte[]> message) {
			this.messages.add(message);
			Function<Message<byte[]>, ?> current = this.replier;
			if (current == null || !message.getHeaders().containsKey(PipeHeaders.CORRELATION_ID)) {
				return null;
			}
			return current.apply(message);
		}

	}

}
