package io.asyncipc.sample.console;

import java.time.Instant;

/**
 * One line of the console's event stream.
 *
 * @param seq a number that grows with each event of this process, so that a page that
 * reconnects skips the events it already shows
 * @param time when it happened
 * @param type {@code connected}, {@code disconnected}, {@code in}, {@code out},
 * {@code send-failed}, {@code failed} or {@code rejected}
 * @param pipe the pipe's id
 * @param connection the connection's id, or {@code null} for an event of the whole pipe
 * @param bytes the message's size for {@code in} and {@code out}, else {@code null}
 * @param text a payload preview, a reason or an error; untrusted, so the page shows it as
 * text and never as markup
 */
public record ConsoleEvent(long seq, Instant time, String type, String pipe, String connection, Integer bytes,
		String text) {
}
