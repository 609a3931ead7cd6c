package io.asyncipc.messaging.event;

import org.springframework.context.ApplicationEvent;

/**
 * The base of AsyncIPC's application events. The source is the
 * {@link io.asyncipc.messaging.PipeEndpointContainer}.
 */
public abstract class PipeEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final String pipeName;

	/**
	 * Creates an event.
	 * @param source the container that published it
	 * @param pipeName the pipe name
	 */
	protected PipeEvent(Object source, String pipeName) {
		super(source);
		this.pipeName = pipeName;
	}

	/**
	 * Returns the pipe name.
	 * @return the name
	 */
	public String getPipeName() {
		return this.pipeName;
	}

}
