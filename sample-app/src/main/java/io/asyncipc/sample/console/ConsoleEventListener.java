package io.asyncipc.sample.console;

import java.time.Instant;

import io.asyncipc.messaging.event.PipeConnectedEvent;
import io.asyncipc.messaging.event.PipeDisconnectedEvent;
import io.asyncipc.messaging.event.PipeFailedEvent;
import io.asyncipc.messaging.event.PipePeerRejectedEvent;
import io.asyncipc.transport.PeerIdentity;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Turns the pipes' application events into console events, and remembers when each
 * connection opened. It runs on the thread that publishes them (see the threading rule in
 * docs/architecture.md), so it only records and queues.
 */
@Component
public class ConsoleEventListener {

	private final ConsoleFeed feed;

	private final ConnectionsSince since;

	private final ConsolePipes pipes;

	private final ConsoleStatePusher state;

	ConsoleEventListener(ConsoleFeed feed, ConnectionsSince since, ConsolePipes pipes, ConsoleStatePusher state) {
		this.feed = feed;
		this.since = since;
		this.pipes = pipes;
		this.state = state;
	}

	@EventListener
	void onConnected(PipeConnectedEvent event) {
		String pipe = pipeId(event.getPipeId(), event.getPipeName());
		this.since.opened(pipe, event.getConnectionId(), Instant.ofEpochMilli(event.getTimestamp()));
		PeerIdentity peer = event.getPeer();
		this.feed.publish("connected", pipe, event.getConnectionId(), null,
				peer.user() + (peer.pid().isPresent() ? " (pid " + peer.pid().getAsLong() + ")" : ""));
		this.state.requestPush();
	}

	@EventListener
	void onDisconnected(PipeDisconnectedEvent event) {
		String pipe = pipeId(event.getPipeId(), event.getPipeName());
		this.since.closed(pipe, event.getConnectionId());
		String reason = event.getReason().name();
		if (event.getCause() != null) {
			reason += ": " + event.getCause().getMessage();
		}
		this.feed.publish("disconnected", pipe, event.getConnectionId(), null, reason);
		this.state.requestPush();
	}

	@EventListener
	void onFailed(PipeFailedEvent event) {
		this.feed.publish("failed", pipeId(event.getPipeId(), event.getPipeName()), null, null,
				(event.getCause() != null) ? event.getCause().getMessage() : null);
	}

	@EventListener
	void onPeerRejected(PipePeerRejectedEvent event) {
		this.feed.publish("rejected", pipeId(event.getPipeId(), event.getPipeName()), null, null,
				event.getPeer() + ": " + event.getReason());
	}

	private String pipeId(String id, String name) {
		return (id != null) ? id : this.pipes.idOf(name);
	}

}
