package io.asyncipc.messaging;

import java.util.Map;
import java.util.regex.Pattern;

import io.asyncipc.messaging.envelope.EnvelopeCodec;
import io.asyncipc.messaging.envelope.EnvelopeFormatException;

/**
 * What a peer's hello said, checked: the largest message it accepts, and, from a server, its id
 * of the connection. Parameters this version does not know are ignored, so that a later peer
 * may add some; one that it knows and cannot read is a protocol error, as a malformed envelope
 * is.
 *
 * @param present whether the hello had parameters at all, which tells a server that the client
 * reads a hello with parameters
 * @param maxMessageSize the largest message the peer accepts, or {@link Long#MAX_VALUE} if it
 * did not say
 * @param connectionId the id the server gave the connection, or {@code null}
 */
record HelloParameters(boolean present, long maxMessageSize, String connectionId) {

	/** Where the parameters start: after the magic, the version, the kind and the flags. */
	private static final int OFFSET = 7;

	private static final int MAX_CONNECTION_ID_LENGTH = 64;

	private static final Pattern CONNECTION_ID = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_CONNECTION_ID_LENGTH + "}");

	private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,18}");

	/**
	 * Reads the parameters of a hello.
	 * @param parameters what {@link EnvelopeCodec#decodeHello(byte[])} returned
	 * @return the parameters, checked
	 * @throws EnvelopeFormatException if a parameter this version knows has a value it cannot read
	 */
	static HelloParameters of(Map<String, String> parameters) {
		String size = parameters.get(EnvelopeCodec.MAX_MESSAGE_SIZE_PARAMETER);
		long maxMessageSize = Long.MAX_VALUE;
		if (size != null) {
			if (!DECIMAL.matcher(size).matches() || Long.parseLong(size) == 0) {
				throw new EnvelopeFormatException("hello parameter '" + EnvelopeCodec.MAX_MESSAGE_SIZE_PARAMETER
						+ "' is '" + abbreviate(size) + "', not a number of bytes from 1 to 18 decimal digits", OFFSET);
			}
			maxMessageSize = Long.parseLong(size);
		}
		String connectionId = parameters.get(EnvelopeCodec.CONNECTION_ID_PARAMETER);
		if (connectionId != null && !CONNECTION_ID.matcher(connectionId).matches()) {
			throw new EnvelopeFormatException("hello parameter '" + EnvelopeCodec.CONNECTION_ID_PARAMETER + "' is '"
					+ abbreviate(connectionId) + "', not 1 to " + MAX_CONNECTION_ID_LENGTH
					+ " letters, digits, '.', '_', ':' or '-'", OFFSET);
		}
		return new HelloParameters(!parameters.isEmpty(), maxMessageSize, connectionId);
	}

	/** A peer's text goes into a log: at most 80 characters of it, and none that could forge a line. */
	private static String abbreviate(String value) {
		String shown = (value.length() > 80) ? value.substring(0, 80) + "..." : value;
		return shown.replaceAll("\\p{Cntrl}", "?");
	}

}
