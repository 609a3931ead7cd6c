package io.asyncipc.messaging;

import io.asyncipc.transport.PipeException;

/**
 * The peer's listener failed on a request, and sent its exception back instead of a reply: a
 * reply with the envelope's error flag, whose type id names the exception's class and whose
 * payload is its message in UTF-8. A Java peer sends it only for listeners that opt in with
 * {@link PipeListener#returnExceptions()}, as Spring AMQP's {@code returnExceptions} does; a
 * native peer sends it as {@code docs/wire-format.md} describes.
 */
public class PipeRemoteException extends PipeException {

	private static final long serialVersionUID = 1L;

	private final String remoteType;

	private final String remoteMessage;

	/**
	 * Creates an exception.
	 * @param pipeName the pipe the request went out on
	 * @param connectionId the connection it went out on
	 * @param remoteType the class name of the peer's exception, or {@code null} if it gave none
	 * @param remoteMessage the peer's exception message, possibly empty
	 */
	public PipeRemoteException(String pipeName, String connectionId, String remoteType, String remoteMessage) {
		super("the peer on connection " + connectionId + " of pipe '" + pipeName + "' failed to answer: "
				+ ((remoteType != null) ? remoteType + ": " : "") + remoteMessage);
		this.remoteType = remoteType;
		this.remoteMessage = remoteMessage;
	}

	/**
	 * Returns the class name of the exception the peer's listener threw.
	 * @return the name, such as {@code java.lang.IllegalStateException}, or {@code null} if the
	 * peer gave none
	 */
	public String getRemoteType() {
		return this.remoteType;
	}

	/**
	 * Returns the message of the exception the peer's listener threw.
	 * @return the message, possibly empty
	 */
	public String getRemoteMessage() {
		return this.remoteMessage;
	}

}
