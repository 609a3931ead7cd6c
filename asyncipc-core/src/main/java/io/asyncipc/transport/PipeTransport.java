package io.asyncipc.transport;

/**
 * What each platform implements: creating server and client endpoints over its own
 * kind of pipe.
 */
public interface PipeTransport {

	/**
	 * Returns a short name for logs and health details, such as {@code unix} or
	 * {@code overlapped}.
	 * @return the transport's name
	 */
	String name();

	/**
	 * Creates a server endpoint. It does nothing until {@link PipeEndpoint#start()}.
	 * @param name the pipe name or, on Unix, an absolute socket path
	 * @param options limits, backoff and dispatch
	 * @param handler receives the endpoint's events
	 * @return the endpoint
	 */
	PipeEndpoint createServer(String name, PipeOptions options, PipeHandler handler);

	/**
	 * Creates a client endpoint. It does nothing until {@link PipeEndpoint#start()}.
	 * @param name the pipe name or, on Unix, an absolute socket path
	 * @param options limits, backoff and dispatch
	 * @param handler receives the endpoint's events
	 * @return the endpoint
	 */
	PipeEndpoint createClient(String name, PipeOptions options, PipeHandler handler);

	/**
	 * Creates an endpoint of the given role.
	 * @param role server or client
	 * @param name the pipe name
	 * @param options limits, backoff and dispatch
	 * @param handler receives the endpoint's events
	 * @return the endpoint
	 */
	default PipeEndpoint create(PipeRole role, String name, PipeOptions options, PipeHandler handler) {
		return (role == PipeRole.SERVER) ? createServer(name, options, handler) : createClient(name, options, handler);
	}

}
