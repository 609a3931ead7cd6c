package io.asyncipc.transport.windows;

import java.util.Locale;

import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeHandler;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeTransport;

/**
 * The transport over Windows named pipes, in message mode: one application message is one
 * pipe message, with no length prefix, so native peers in any language can use plain pipe
 * APIs. See {@code docs/wire-format.md}.
 */
public final class WindowsPipeTransport implements PipeTransport {

	private final WindowsIoMode mode;

	/**
	 * Creates the transport.
	 * @param mode overlapped or completion-routine
	 */
	public WindowsPipeTransport(WindowsIoMode mode) {
		this.mode = mode;
	}

	/**
	 * Returns whether this JVM runs on Windows (or under Wine), where the transport works.
	 * @return {@code true} on Windows
	 */
	public static boolean isSupported() {
		return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
	}

	@Override
	public String name() {
		return this.mode.propertyValue();
	}

	@Override
	public PipeEndpoint createServer(String name, PipeOptions options, PipeHandler handler) {
		return new WindowsServerEndpoint(name, options, handler, this.mode);
	}

	@Override
	public PipeEndpoint createClient(String name, PipeOptions options, PipeHandler handler) {
		return new WindowsClientEndpoint(name, options, handler, this.mode);
	}

}
