package io.asyncipc.autoconfigure;

import java.util.concurrent.Executor;

import io.asyncipc.transport.InboundMemoryBudget;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeRole;
import io.asyncipc.transport.PipeTransport;
import io.asyncipc.transport.unix.UnixSocketTransport;
import io.asyncipc.transport.windows.WindowsIoMode;
import io.asyncipc.transport.windows.WindowsPipeTransport;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.StringUtils;

/**
 * Checks {@link AsyncIpcProperties} and turns them into what the transport takes. Every error
 * names the property, quotes the bad value and says what is allowed.
 */
final class PipeSettings {

	private PipeSettings() {
	}

	static String name(AsyncIpcProperties properties) {
		if (!StringUtils.hasText(properties.getName())) {
			throw new InvalidConfigurationPropertyValueException("asyncipc.name", properties.getName(),
					"asyncipc.name must be set: it is the pipe name that the server listens on and the client connects to");
		}
		return properties.getName();
	}

	static PipeRole role(AsyncIpcProperties properties) {
		String role = properties.getRole();
		if ("server".equals(role)) {
			return PipeRole.SERVER;
		}
		if ("client".equals(role)) {
			return PipeRole.CLIENT;
		}
		throw new InvalidConfigurationPropertyValueException("asyncipc.role", role,
				"asyncipc.role must be 'server' or 'client', got '" + role + "'");
	}

	static PipeTransport transport(AsyncIpcProperties properties) {
		String mode = properties.getMode();
		switch (String.valueOf(mode)) {
			case "auto":
				return WindowsPipeTransport.isSupported() ? new WindowsPipeTransport(WindowsIoMode.OVERLAPPED)
						: new UnixSocketTransport();
			case "overlapped", "completion-routine":
				if (!WindowsPipeTransport.isSupported()) {
					throw new InvalidConfigurationPropertyValueException("asyncipc.mode", mode, "asyncipc.mode '" + mode
							+ "' uses Windows named pipes and this is " + System.getProperty("os.name")
							+ "; use 'auto' for Unix domain sockets");
				}
				return new WindowsPipeTransport(
						"overlapped".equals(mode) ? WindowsIoMode.OVERLAPPED : WindowsIoMode.COMPLETION_ROUTINE);
			default:
				throw new InvalidConfigurationPropertyValueException("asyncipc.mode", mode,
						"asyncipc.mode must be 'auto', 'overlapped' or 'completion-routine', got '" + mode + "'");
		}
	}

	static boolean inlineDispatch(AsyncIpcProperties properties) {
		String dispatch = properties.getListener().getDispatch();
		if ("inline".equals(dispatch)) {
			return true;
		}
		if ("executor".equals(dispatch)) {
			return false;
		}
		throw new InvalidConfigurationPropertyValueException("asyncipc.listener.dispatch", dispatch,
				"asyncipc.listener.dispatch must be 'executor' or 'inline', got '" + dispatch + "'");
	}

	static PipeOptions options(AsyncIpcProperties properties, Executor listenerExecutor) {
		PipeOptions.Builder builder = PipeOptions.builder();
		apply("asyncipc.max-message-size", properties.getMaxMessageSize(),
				() -> builder.maxMessageSize(properties.getMaxMessageSize().toBytes()));
		apply("asyncipc.max-queued-bytes", properties.getMaxQueuedBytes(),
				() -> builder.maxQueuedBytes(properties.getMaxQueuedBytes().toBytes()));
		java.time.Duration minBackoff = properties.getReconnect().getMinBackoff();
		if (minBackoff == null || minBackoff.isZero() || minBackoff.isNegative()) {
			throw new InvalidConfigurationPropertyValueException("asyncipc.reconnect.min-backoff", minBackoff,
					"asyncipc.reconnect.min-backoff must be positive, got " + minBackoff);
		}
		apply("asyncipc.reconnect.max-backoff", properties.getReconnect().getMaxBackoff(),
				() -> builder.reconnectBackoff(properties.getReconnect().getMinBackoff(),
						properties.getReconnect().getMaxBackoff()));
		apply("asyncipc.io-threads", properties.getIoThreads(), () -> builder.ioThreads(properties.getIoThreads()));
		apply("asyncipc.backlog", properties.getBacklog(), () -> builder.backlog(properties.getBacklog()));
		apply("asyncipc.max-connections", properties.getMaxConnections(),
				() -> builder.maxConnections(properties.getMaxConnections()));
		apply("asyncipc.frame-timeout", properties.getFrameTimeout(),
				() -> builder.frameTimeout(properties.getFrameTimeout()));
		apply("asyncipc.idle-timeout", properties.getIdleTimeout(),
				() -> builder.idleTimeout(properties.getIdleTimeout()));
		if (properties.getMaxInboundMemory() != null) {
			apply("asyncipc.max-inbound-memory", properties.getMaxInboundMemory(),
					() -> builder.inboundBudget(InboundMemoryBudget.ofBytes(properties.getMaxInboundMemory().toBytes())));
		}
		builder.dispatchExecutor(listenerExecutor);
		PipeOptions[] built = new PipeOptions[1];
		apply("asyncipc.max-queued-bytes", properties.getMaxQueuedBytes(), () -> built[0] = builder.build());
		return built[0];
	}

	private static void apply(String property, Object value, Runnable setter) {
		try {
			setter.run();
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			throw new InvalidConfigurationPropertyValueException(property, value, ex.getMessage());
		}
	}

}
