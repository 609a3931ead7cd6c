package io.asyncipc.transport;

/**
 * The side an endpoint plays: the server listens on a name, the client connects to it.
 */
public enum PipeRole {

	/** Listens on a name and serves any number of clients. */
	SERVER,

	/** Connects to a server by name, and reconnects when it goes away. */
	CLIENT

}
