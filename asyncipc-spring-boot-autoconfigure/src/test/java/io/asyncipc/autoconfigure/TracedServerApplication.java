package io.asyncipc.autoconfigure;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.asyncipc.messaging.PipeHeaders;
import io.asyncipc.messaging.PipeListener;
import io.micrometer.tracing.exporter.FinishedSpan;
import io.micrometer.tracing.exporter.SpanReporter;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.messaging.handler.annotation.Header;

/**
 * A Spring Boot server of a pipe with a real tracer (Brave, through Boot's tracing
 * auto-configuration), run by {@link TracingAcrossProcessesIntegrationTests} in a JVM of its own.
 * Its listener observations are on; it prints each span its tracer finishes as one line,
 * {@code span} and then the name, trace id, span id, parent id, kind and tags, separated by
 * tabs; and {@code ready} once the pipe listens. The arguments are Spring Boot's, such as
 * {@code --asyncipc.name=<name>}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(TracedServerApplication.Desk.class)
public class TracedServerApplication {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(TracedServerApplication.class);
		application.setDefaultProperties(Map.of("asyncipc.role", "server", "asyncipc.listener.observation-enabled",
				"true", "management.tracing.sampling.probability", "1.0", "spring.main.web-application-type", "none",
				"spring.main.banner-mode", "off", "logging.level.root", "WARN"));
		application.run(args);
		System.out.println("ready");
	}

	@Bean
	SpanReporter printingSpanReporter() {
		return TracedServerApplication::print;
	}

	private static void print(FinishedSpan span) {
		String tags = new TreeMap<>(span.getTags()).entrySet()
			.stream()
			.map((tag) -> tag.getKey() + "=" + tag.getValue())
			.collect(Collectors.joining(","));
		System.out.println(String.join("\t", "span", span.getName(), span.getTraceId(), span.getSpanId(),
				String.valueOf(span.getParentId()), String.valueOf(span.getKind()), tags));
	}

	static class Desk {

		@PipeListener(id = "desk")
		String onMessage(String message,
				@Header(name = PipeHeaders.CORRELATION_ID, required = false) String correlationId) {
			// Only a request gets an answer.
			return (correlationId != null) ? message + " done" : null;
		}

	}

}
