package io.asyncipc.messaging.event;

import io.asyncipc.transport.PipeRole;

/**
 * The pipe was created: a server is listening, or a client has started connecting. The
 * original library's {@code OnCreate}.
 */
public class PipeCreatedEvent extends PipeEvent {

	private static final long serialVersionUID = 1L;

	private final PipeRole role;

	private final String address;

	/**
	 * Creates an event.
	 * @param source the container
	 * @param pipeName the pipe name
	 * @param role server or client
	 * @param address the OS address
	 */
	public PipeCreatedEvent(Object source, String pipeName, PipeRole role, String address) {
		super(source, pipeName);
		this.role = role;
		this.address = address;
	}

	/**
	 * Returns the role of the endpoint that was created.
	 * @return {@link PipeRole#SERVER} or {@link PipeRole#CLIENT}, never {@code null}
	 */
	public PipeRole getRole() {
		return this.role;
	}

	/**
	 * Returns the OS address that the pipe name maps to: a socket path on Unix (such as
	 * {@code /run/user/1000/asyncipc/orders.sock}), a pipe path on Windows (such as
	 * {@code \\.\pipe\orders}). A server listens there; a client connects there.
	 * @return the address, never {@code null}
	 */
	public String getAddress() {
		return this.address;
	}

}
