package io.asyncipc.autoconfigure;

import java.util.Locale;

import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.transport.EndpointState;
import io.asyncipc.transport.EndpointStatus;
import io.asyncipc.transport.PipeEndpoint;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The health of one pipe, the component of the {@code pipe} composite named by the pipe's id
 * ({@code pipe.default} for the single pipe of {@code asyncipc.name}, {@code pipe.orders} for
 * {@code asyncipc.pipes.orders}): a listening server or a connected client is UP; a
 * client that is connecting or reconnecting is DOWN, with its last error and failed
 * attempts; a pipe whose I/O thread died ({@link EndpointState#FAILED}) is DOWN with the
 * cause as its {@code error} detail.
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
		if (status.state() == EndpointState.FAILED) {
			builder.down();
			if (status.lastError() != null) {
				// A detail rather than withException: that logs the stack trace on every check.
				builder.withDetail("error", status.lastError().getClass().getName() + ": "
						+ status.lastError().getMessage());
			}
			return;
		}
		builder.down().withDetail("failedAttempts", status.failedAttempts());
		if (status.lastError() != null) {
			builder.withDetail("lastError", String.valueOf(status.lastError().getMessage()));
		}
	}

}
