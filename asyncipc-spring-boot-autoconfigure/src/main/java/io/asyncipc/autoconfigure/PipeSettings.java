package io.asyncipc.autoconfigure;

import java.time.Duration;
import java.util.concurrent.Executor;

import io.asyncipc.autoconfigure.PipeDefinition.Setting;
import io.asyncipc.messaging.PipeFormat;
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
 * Checks the settings of a pipe ({@link PipeDefinition}) and turns them into what the
 * transport takes. Every error names the full property, quotes the bad value and says what is
 * allowed.
 */
final class PipeSettings {

	private PipeSettings() {
	}

	static String name(AsyncIpcProperties properties) {
		return name(PipeDefinition.single(properties));
	}

	static String name(PipeDefinition pipe) {
		Setting<String> name = pipe.name();
		if (!StringUtils.hasText(name.value())) {
			throw new InvalidConfigurationPropertyValueException(name.property(), name.value(), name.property()
					+ " must be set: it is the pipe name that the server listens on and the client connects to");
		}
		return name.value();
	}

	static PipeRole role(AsyncIpcProperties properties) {
		return role(PipeDefinition.single(properties));
	}

	static PipeRole role(PipeDefinition pipe) {
		Setting<String> role = pipe.role();
		if ("server".equals(role.value())) {
			return PipeRole.SERVER;
		}
		if ("client".equals(role.value())) {
			return PipeRole.CLIENT;
		}
		throw new InvalidConfigurationPropertyValueException(role.property(), role.value(),
				role.property() + " must be 'server' or 'client', got '" + role.value() + "'");
	}

	static PipeFormat format(PipeDefinition pipe) {
		Setting<String> format = pipe.format();
		if ("envelope".equals(format.value())) {
			return PipeFormat.ENVELOPE;
		}
		if ("raw".equals(format.value())) {
			return PipeFormat.RAW;
		}
		throw new InvalidConfigurationPropertyValueException(format.property(), format.value(),
				format.property() + " must be 'envelope' or 'raw', got '" + format.value() + "'");
	}

	static Duration replyTimeout(PipeDefinition pipe) {
		Setting<Duration> timeout = pipe.replyTimeout();
		if (timeout.value() == null || timeout.value().isZero() || timeout.value().isNegative()) {
			throw new InvalidConfigurationPropertyValueException(timeout.property(), timeout.value(),
					timeout.property() + " must be positive, got " + timeout.value());
		}
		return timeout.value();
	}

	static PipeTransport transport(AsyncIpcProperties properties) {
		return transport(PipeDefinition.single(properties));
	}

	static PipeTransport transport(PipeDefinition pipe) {
		String property = pipe.mode().property();
		String mode = pipe.mode().value();
		switch (String.valueOf(mode)) {
			case "auto":
				return WindowsPipeTransport.isSupported() ? new WindowsPipeTransport(WindowsIoMode.OVERLAPPED)
						: new UnixSocketTransport();
			case "overlapped", "completion-routine":
				if (!WindowsPipeTransport.isSupported()) {
					throw new InvalidConfigurationPropertyValueException(property, mode, property + " '" + mode
							+ "' uses Windows named pipes and this is " + System.getProperty("os.name")
							+ "; use 'auto' for Unix domain sockets");
				}
				return new WindowsPipeTransport(
						"overlapped".equals(mode) ? WindowsIoMode.OVERLAPPED : WindowsIoMode.COMPLETION_ROUTINE);
			default:
				throw new InvalidConfigurationPropertyValueException(property, mode,
						property + " must be 'auto', 'overlapped' or 'completion-routine', got '" + mode + "'");
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

	/**
	 * Returns the budget that every pipe of the process shares: one of
	 * {@code asyncipc.max-inbound-memory}, or the process-wide default.
	 */
	static InboundMemoryBudget inboundBudget(AsyncIpcProperties properties) {
		if (properties.getMaxInboundMemory() == null) {
			return InboundMemoryBudget.processWide();
		}
		InboundMemoryBudget[] budget = new InboundMemoryBudget[1];
		apply("asyncipc.max-inbound-memory", properties.getMaxInboundMemory(),
				() -> budget[0] = InboundMemoryBudget.ofBytes(properties.getMaxInboundMemory().toBytes()));
		return budget[0];
	}

	static PipeOptions options(AsyncIpcProperties properties, Executor listenerExecutor) {
		return options(PipeDefinition.single(properties), inboundBudget(properties), listenerExecutor);
	}

	static PipeOptions options(PipeDefinition pipe, InboundMemoryBudget budget, Executor listenerExecutor) {
		PipeOptions.Builder builder = PipeOptions.builder();
		apply(pipe.maxMessageSize(), () -> builder.maxMessageSize(pipe.maxMessageSize().value().toBytes()));
		apply(pipe.maxQueuedBytes(), () -> builder.maxQueuedBytes(pipe.maxQueuedBytes().value().toBytes()));
		Duration minBackoff = pipe.minBackoff().value();
		if (minBackoff == null || minBackoff.isZero() || minBackoff.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(pipe.minBackoff().property(), minBackoff,
					pipe.minBackoff().property() + " must be positive, got " + minBackoff);
		}
		apply(pipe.maxBackoff(), () -> builder.reconnectBackoff(minBackoff, pipe.maxBackoff().value()));
		apply(pipe.ioThreads(), () -> builder.ioThreads(pipe.ioThreads().value()));
		apply(pipe.backlog(), () -> builder.backlog(pipe.backlog().value()));
		apply(pipe.maxConnections(), () -> builder.maxConnections(pipe.maxConnections().value()));
		apply(pipe.frameTimeout(), () -> builder.frameTimeout(pipe.frameTimeout().value()));
		apply(pipe.idleTimeout(), () -> builder.idleTimeout(pipe.idleTimeout().value()));
		builder.inboundBudget(budget);
		builder.dispatchExecutor(listenerExecutor);
		PipeOptions[] built = new PipeOptions[1];
		apply(pipe.maxQueuedBytes(), () -> built[0] = builder.build());
		return built[0];
	}

	private static void apply(Setting<?> setting, Runnable setter) {
		apply(setting.property(), setting.value(), setter);
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
