package io.asyncipc.transport;

/**
 * The outcome of a successful send: the message was handed to the operating system.
 * This is the original library's {@code OnSend(size)}.
 *
 * @param connectionId the connection the message went out on
 * @param bytes the payload bytes written, without any framing
 */
public record SendResult(String connectionId, int bytes) {
}
