package io.asyncipc.messaging.event;

import io.asyncipc.messaging.PipeEndpointContainer;

import org.springframework.context.ApplicationEvent;

/**
 * The base of AsyncIPC's application events. The source is the
 * {@link io.asyncipc.messaging.PipeEndpointContainer}.
 */
public abstract class PipeEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final String pipeName;

	private final String pipeId;

	/**
	 * Creates an event.
	 * @param source the container that published it
	 * @param pipeName the pipe name
	 */
	protected PipeEvent(Object source, String pipeName) {
		super(source);
		this.pipeName = pipeName;
		this.pipeId = (source instanceof PipeEndpointContainer container) ? container.getId() : null;
	}

	/**
	 * Returns the id of the pipe in the application: {@code orders} for the pipe configured
	 * under {@code asyncipc.pipes.orders}, {@code default} for the one configured by
	 * {@code asyncipc.name}. Two pipes of one application may share a name (a server and a
	 * client of it), never an id.
	 * @return the id, or {@code null} if the event was not published by a container
	 */
	public String getPipeId() {
		return this.pipeId;
	}

	/**
	 * Returns the pipe name, as configured ({@code asyncipc.name} or
	 * {@code asyncipc.pipes.<id>.name}); the OS address is
	 * {@link PipeCreatedEvent#getAddress()}.
	 * @return the name, never {@code null} for an event that a container published
	 */
	public String getPipeName() {
		return this.pipeName;
	}

}
