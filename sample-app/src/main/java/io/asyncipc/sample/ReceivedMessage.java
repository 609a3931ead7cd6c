package io.asyncipc.sample;

import java.time.Instant;

/**
 * A message the sample received.
 *
 * @param connectionId the connection it came on
 * @param time when it arrived
 * @param text its text
 */
public record ReceivedMessage(String connectionId, Instant time, String text) {
}
