package io.asyncipc.messaging;

/**
 * What a pipe puts on the wire: {@link #ENVELOPE}, with headers and a type id beside each
 * payload, or {@link #RAW}, the payload alone, as native peers speak it. See
 * {@code docs/wire-format.md}.
 */
public enum PipeFormat {

	/**
	 * Each message is an envelope. A client sends the hello first on each connection; a server
	 * answers it, and serves a peer whose first message is not a hello in the raw format.
	 */
	ENVELOPE,

	/** Each message is the payload alone; no hello is sent or expected. */
	RAW

}
