package io.asyncipc.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.tracing.exporter.FinishedSpan;
import io.micrometer.tracing.exporter.SpanReporter;

import static org.awaitility.Awaitility.await;

/**
 * The spans that a process's real tracer finished, as Spring Boot's tracing reports them to a
 * {@link SpanReporter} bean, for tests to wait for by their tags.
 */
final class FinishedSpans implements SpanReporter {

	private final List<FinishedSpan> spans = new CopyOnWriteArrayList<>();

	@Override
	public void report(FinishedSpan span) {
		this.spans.add(span);
	}

	/**
	 * Waits for the first finished span that has a tag with a value.
	 * @param tag the tag, such as {@code messaging.operation}
	 * @param value its value
	 * @return the span
	 */
	FinishedSpan awaitTagged(String tag, String value) {
		return await().atMost(Duration.ofSeconds(10))
			.until(() -> this.spans.stream().filter((span) -> value.equals(span.getTags().get(tag))).findFirst(),
					Optional::isPresent)
			.get();
	}

	/**
	 * Returns the tags of every span finished so far, for a failure's message.
	 * @return the tags of each span
	 */
	List<Map<String, String>> tags() {
		return this.spans.stream().map(FinishedSpan::getTags).toList();
	}

}
