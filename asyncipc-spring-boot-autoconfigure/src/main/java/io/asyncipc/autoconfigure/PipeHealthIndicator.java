package io.asyncipc.autoconfigure;

import java.util.Locale;

import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.transport.EndpointState;
import io.asyncipc.transport.EndpointStatus;
import io.asyncipc.transport.PipeEndpoint;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code pipe} health component: a listening server or a connected client is UP; a
 * client that is connecting or reconnecting is DOWN, with its last error and failed
 * attempts.
 */
public class PipeHealthIndicator extends AbstractHealthIndicator {

	private final PipeEndpointContainer container;

	/**
	 * Creates the indicator.
	 * @param container the pipe to report on
	 */
	public PipeHealthIndicator(PipeEndpointContainer container) {
		super("Pipe health check failed");
		this.container = container;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.withDetail("name", this.container.getName())
			.withDetail("role", this.container.getRole().name().toLowerCase(Locale.ROOT))
			.withDetail("mode", this.container.getMode());
		PipeEndpoint endpoint = this.container.getEndpoint();
		if (endpoint == null) {
			builder.down().withDetail("state", EndpointState.NEW);
			return;
		}
		EndpointStatus status = endpoint.status();
		builder.withDetail("address", endpoint.address())
			.withDetail("state", status.state())
			.withDetail("connections", status.connections());
		if (status.state() == EndpointState.LISTENING || status.state() == EndpointState.CONNECTED) {
			builder.up();
			return;
		}
		builder.down().withDetail("failedAttempts", status.failedAttempts());
		if (status.lastError() != null) {
			builder.withDetail("lastError", String.valueOf(status.lastError().getMessage()));
		}
	}

}
