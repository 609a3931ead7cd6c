package io.asyncipc.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.messaging.PipeFormat;
import io.asyncipc.messaging.PipeListenerEndpointRegistry;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeRole;
import io.asyncipc.transport.PipeTransport;
import io.asyncipc.transport.unix.UnixSocketTransport;
import io.asyncipc.transport.windows.WindowsIoMode;
import io.asyncipc.transport.windows.WindowsPipeTransport;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.converter.CompositeMessageConverter;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.converter.StringMessageConverter;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

/**
 * Builds a {@link PipeTestClient}: {@link PipeTestClient#builder(String)} for a pipe by name,
 * {@link PipeTestClient#builder(io.asyncipc.messaging.PipeEndpointContainer)} for a pipe of
 * this process.
 */
public final class PipeTestClientBuilder {

	private static final boolean JACKSON_PRESENT = ClassUtils.isPresent("tools.jackson.databind.json.JsonMapper",
			PipeTestClientBuilder.class.getClassLoader());

	private final String pipeName;

	private String mode = "auto";

	private PipeFormat format = PipeFormat.ENVELOPE;

	private MessageConverter messageConverter;

	private Duration connectTimeout = PipeTestClient.DEFAULT_TIMEOUT;

	private Duration replyTimeout = Duration.ofSeconds(5);

	private int maxMessageSize = PipeOptions.DEFAULT_MAX_MESSAGE_SIZE;

	private PipeEndpointContainer server;

	PipeTestClientBuilder(String pipeName) {
		Assert.hasText(pipeName, "the pipe name must not be empty");
		this.pipeName = pipeName;
	}

	/**
	 * Makes {@link #connect()} wait until the server pipe of this process has the new
	 * connection too: a client's connect can complete before the server took the connection,
	 * and a test that sends from the server at once would find no client.
	 */
	PipeTestClientBuilder server(PipeEndpointContainer server) {
		this.server = server;
		return this;
	}

	/**
	 * Sets the transport, as {@code asyncipc.mode} does.
	 * @param mode {@code auto} (the default), {@code unix}, {@code overlapped} or
	 * {@code completion-routine}
	 * @return this builder
	 */
	public PipeTestClientBuilder mode(String mode) {
		this.mode = mode;
		return this;
	}

	/**
	 * Sets the wire format.
	 * @param format {@link PipeFormat#ENVELOPE} (the default), or {@link PipeFormat#RAW} for a
	 * server of the raw format
	 * @return this builder
	 */
	public PipeTestClientBuilder format(PipeFormat format) {
		this.format = format;
		return this;
	}

	/**
	 * Sets the converter of payloads, by default {@code byte[]}, {@code String} (UTF-8) and
	 * JSON where Jackson is present, as the application's.
	 * @param messageConverter the converter
	 * @return this builder
	 */
	public PipeTestClientBuilder messageConverter(MessageConverter messageConverter) {
		this.messageConverter = messageConverter;
		return this;
	}

	/**
	 * Sets how long {@link #connect()} waits for the server.
	 * @param connectTimeout the timeout, 10 seconds by default
	 * @return this builder
	 */
	public PipeTestClientBuilder connectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
		return this;
	}

	/**
	 * Sets how long a request waits for its reply unless the call gives its own timeout.
	 * @param replyTimeout the timeout, 5 seconds by default
	 * @return this builder
	 */
	public PipeTestClientBuilder replyTimeout(Duration replyTimeout) {
		this.replyTimeout = replyTimeout;
		return this;
	}

	/**
	 * Sets the largest message the client sends or receives, as
	 * {@code asyncipc.max-message-size}.
	 * @param maxMessageSize the size in bytes, 16 MiB by default
	 * @return this builder
	 */
	public PipeTestClientBuilder maxMessageSize(int maxMessageSize) {
		this.maxMessageSize = maxMessageSize;
		return this;
	}

	/**
	 * Connects to the server and waits until it accepted the connection; for a builder made
	 * from a server pipe of this process, also until that pipe lists the connection.
	 * @return the connected client; close it when done
	 * @throws IllegalStateException if no server answered within the connect timeout
	 */
	public PipeTestClient connect() {
		MessageConverter converter = (this.messageConverter != null) ? this.messageConverter : defaultConverter();
		PipeTestClient.Inbox inbox = new PipeTestClient.Inbox();
		PipeListenerEndpointRegistry registry = new PipeListenerEndpointRegistry();
		registry.register(PipeTestClient.inboxListener(inbox, converter));
		PipeOptions options = PipeOptions.builder()
			.maxMessageSize(this.maxMessageSize)
			.reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
			.daemonThreads(true)
			.build();
		ClientContainer container = new ClientContainer(transport(), this.pipeName, options, registry);
		container.setFormat(this.format, "PipeTestClientBuilder.format(...)");
		container.setReplyTimeout(this.replyTimeout);
		container.setShutdownTimeout(Duration.ofSeconds(5));
		container.setFailFastTimeout(this.connectTimeout, "PipeTestClientBuilder.connectTimeout(...)");
		Set<String> before = serverConnections();
		PipeTestClient client = new PipeTestClient(container, converter, inbox).start(this.connectTimeout);
		if (this.format == PipeFormat.ENVELOPE) {
			// The server's hello: closing before it is read resets the connection, and the
			// application would log an I/O error for a test that merely ended quickly.
			container.awaitFirstMessage((this.server != null) ? this.connectTimeout : Duration.ofSeconds(1));
		}
		if (this.server != null) {
			try {
				Awaitility.await("the server's side of the connection")
					.atMost(this.connectTimeout)
					.pollInterval(Duration.ofMillis(10))
					.until(() -> !before.containsAll(serverConnections()));
			}
			catch (ConditionTimeoutException ex) {
				client.close();
				throw new IllegalStateException("PipeTestClient connected to pipe '" + this.pipeName
						+ "', but the server pipe of this process did not take the connection within "
						+ this.connectTimeout, ex);
			}
		}
		return client;
	}

	private Set<String> serverConnections() {
		PipeEndpoint endpoint = (this.server != null) ? this.server.getEndpoint() : null;
		if (endpoint == null) {
			return Set.of();
		}
		return endpoint.connections().stream().map(PipeConnection::id).collect(Collectors.toSet());
	}

	/**
	 * The client's container, which tells when the first message arrived: on the envelope
	 * format, the server's hello.
	 */
	private static final class ClientContainer extends PipeEndpointContainer {

		private final CountDownLatch firstMessage = new CountDownLatch(1);

		ClientContainer(PipeTransport transport, String name, PipeOptions options,
				PipeListenerEndpointRegistry registry) {
			super("pipeTestClient", transport, name, PipeRole.CLIENT, options, registry);
		}

		@Override
		public void onMessage(PipeConnection connection, byte[] bytes, long receivedAt) {
			try {
				super.onMessage(connection, bytes, receivedAt);
			}
			finally {
				this.firstMessage.countDown();
			}
		}

		void awaitFirstMessage(Duration timeout) {
			try {
				// A server that does not speak the envelope sends no hello; the container warns then.
				this.firstMessage.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

	private PipeTransport transport() {
		switch (this.mode) {
			case "auto":
				return WindowsPipeTransport.isSupported() ? new WindowsPipeTransport(WindowsIoMode.OVERLAPPED)
						: new UnixSocketTransport();
			case "unix":
				return new UnixSocketTransport();
			case "overlapped":
				return new WindowsPipeTransport(WindowsIoMode.OVERLAPPED);
			case "completion-routine":
				return new WindowsPipeTransport(WindowsIoMode.COMPLETION_ROUTINE);
			default:
				throw new IllegalArgumentException("the mode must be 'auto', 'unix', 'overlapped' or "
						+ "'completion-routine', got '" + this.mode + "'");
		}
	}

	private static MessageConverter defaultConverter() {
		List<MessageConverter> converters = new ArrayList<>();
		converters.add(new ByteArrayMessageConverter());
		converters.add(new StringMessageConverter());
		if (JACKSON_PRESENT) {
			converters.add(new JacksonJsonMessageConverter());
		}
		return new CompositeMessageConverter(converters);
	}

}
