package io.asyncipc.transport;

/**
 * A snapshot of an endpoint, for health checks and diagnostics.
 *
 * @param state the life-cycle state
 * @param connections the number of open connections
 * @param failedAttempts connection attempts that failed since the client was last connected
 * @param lastError the last connection error, or {@code null}
 */
public record EndpointStatus(EndpointState state, int connections, int failedAttempts, Throwable lastError) {
}
