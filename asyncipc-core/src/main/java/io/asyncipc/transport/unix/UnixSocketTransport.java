package io.asyncipc.transport.unix;

import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeHandler;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeTransport;

/**
 * The transport over Unix domain sockets, for Linux and macOS. Each message is framed as a
 * 4-byte big-endian signed length followed by the payload; see {@code docs/wire-format.md}.
 */
public final class UnixSocketTransport implements PipeTransport {

	@Override
	public String name() {
		return "unix";
	}

	@Override
	public PipeEndpoint createServer(String name, PipeOptions options, PipeHandler handler) {
		return new UnixServerEndpoint(name, options, handler);
	}

	@Override
	public PipeEndpoint createClient(String name, PipeOptions options, PipeHandler handler) {
		return new UnixClientEndpoint(name, options, handler);
	}

}
