package io.asyncipc.messaging;

import io.asyncipc.transport.PipeException;
import io.asyncipc.transport.PipeRole;

/**
 * A pipe could not start with its application context: its name is not valid, its socket
 * directory is not safe, another process serves it, or a fail-fast client found no server.
 * The cause says what went wrong; Spring Boot turns it into a short report that names the
 * property to change.
 */
public class PipeStartupException extends PipeException {

	private static final long serialVersionUID = 1L;

	private final String pipeId;

	private final String pipeName;

	private final PipeRole role;

	private final String mode;

	private final String failFastProperty;

	/**
	 * Creates an exception.
	 * @param pipeId the pipe's id, such as {@code orders}, or {@code default} for the pipe of
	 * {@code asyncipc.name}
	 * @param pipeName the pipe's name
	 * @param role server or client
	 * @param mode the transport's mode, such as {@code unix} or {@code overlapped}
	 * @param cause why it could not start
	 * @param failFastProperty the fail-fast property, such as {@code asyncipc.client.fail-fast},
	 * if a fail-fast client found no server in time; otherwise {@code null}
	 */
	public PipeStartupException(String pipeId, String pipeName, PipeRole role, String mode, PipeException cause,
			String failFastProperty) {
		super("pipe '" + pipeName + "' could not start: " + cause.getMessage(), cause);
		this.pipeId = pipeId;
		this.pipeName = pipeName;
		this.role = role;
		this.mode = mode;
		this.failFastProperty = failFastProperty;
	}

	/**
	 * Returns the fail-fast property, if the pipe is a fail-fast client that found no server.
	 * @return the property, such as {@code asyncipc.pipes.orders.client.fail-fast}, or
	 * {@code null} if the pipe failed for another reason
	 */
	public String getFailFastProperty() {
		return this.failFastProperty;
	}

	/**
	 * Returns the pipe's id.
	 * @return the id, {@code default} for the pipe of {@code asyncipc.name}
	 */
	public String getPipeId() {
		return this.pipeId;
	}

	/**
	 * Returns the pipe's name.
	 * @return the name
	 */
	public String getPipeName() {
		return this.pipeName;
	}

	/**
	 * Returns the pipe's role.
	 * @return server or client
	 */
	public PipeRole getRole() {
		return this.role;
	}

	/**
	 * Returns the transport's mode.
	 * @return such as {@code unix}, {@code overlapped} or {@code completion-routine}
	 */
	public String getMode() {
		return this.mode;
	}

	@Override
	public synchronized PipeException getCause() {
		return (PipeException) super.getCause();
	}

}
