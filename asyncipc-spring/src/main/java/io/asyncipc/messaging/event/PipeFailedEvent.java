package io.asyncipc.messaging.event;

import io.asyncipc.transport.EndpointState;
import io.asyncipc.transport.PipeRole;

/**
 * The pipe failed: an I/O thread died or could not be kept going, its connections were closed
 * and their sends failed. A client tries to recover on its own and reports its next state as
 * usual; a server stays failed until the application restarts it, so a server's failure is
 * the moment to alert or to stop the application.
 *
 * @see EndpointState#FAILED
 */
public class PipeFailedEvent extends PipeEvent {

	private static final long serialVersionUID = 1L;

	private final PipeRole role;

	private final Throwable cause;

	/**
	 * Creates an event.
	 * @param source the container
	 * @param pipeName the pipe name
	 * @param role server or client
	 * @param cause what failed
	 */
	public PipeFailedEvent(Object source, String pipeName, PipeRole role, Throwable cause) {
		super(source, pipeName);
		this.role = role;
		this.cause = cause;
	}

	/**
	 * Returns the role of the endpoint that failed: a client recovers on its own, a server
	 * does not.
	 * @return {@link PipeRole#SERVER} or {@link PipeRole#CLIENT}, never {@code null}
	 */
	public PipeRole getRole() {
		return this.role;
	}

	/**
	 * Returns what failed.
	 * @return the error that stopped the I/O thread, or {@code null} if the transport gave none
	 */
	public Throwable getCause() {
		return this.cause;
	}

}
