package io.asyncipc.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.messaging.PipeFormat;
import io.asyncipc.messaging.PipeListenerEndpointRegistry;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeRole;
import io.asyncipc.transport.PipeTransport;
import io.asyncipc.transport.unix.UnixSocketTransport;
import io.asyncipc.transport.windows.WindowsIoMode;
import io.asyncipc.transport.windows.WindowsPipeTransport;

import org.springframework.messaging.Message;
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

	PipeTestClientBuilder(String pipeName) {
		Assert.hasText(pipeName, "the pipe name must not be empty");
		this.pipeName = pipeName;
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
	 * Connects to the server and waits until it accepted the connection.
	 * @return the connected client; close it when done
	 * @throws IllegalStateException if no server answered within the connect timeout
	 */
	public PipeTestClient connect() {
		MessageConverter converter = (this.messageConverter != null) ? this.messageConverter : defaultConverter();
		BlockingQueue<Message<byte[]>> inbox = new LinkedBlockingQueue<>();
		PipeListenerEndpointRegistry registry = new PipeListenerEndpointRegistry();
		registry.register(PipeTestClient.inboxListener(inbox, converter));
		PipeOptions options = PipeOptions.builder()
			.maxMessageSize(this.maxMessageSize)
			.reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
			.daemonThreads(true)
			.build();
		PipeEndpointContainer container = new PipeEndpointContainer("pipeTestClient", transport(), this.pipeName,
				PipeRole.CLIENT, options, registry);
		container.setFormat(this.format, "PipeTestClientBuilder.format(...)");
		container.setReplyTimeout(this.replyTimeout);
		container.setShutdownTimeout(Duration.ofSeconds(5));
		container.setFailFastTimeout(this.connectTimeout, "PipeTestClientBuilder.connectTimeout(...)");
		return new PipeTestClient(container, converter, inbox).start(this.connectTimeout);
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
