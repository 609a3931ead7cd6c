package io.asyncipc.autoconfigure;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.asyncipc.messaging.PipeListener;
import io.asyncipc.messaging.PipeListenerAnnotationBeanPostProcessor;
import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.transport.TestNames;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.exporter.FinishedSpan;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.converter.CompositeMessageConverter;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.converter.StringMessageConverter;
import org.springframework.messaging.handler.annotation.Header;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Traces across a real pipe, with a real tracer on each side (Brave, W3C propagation): the span
 * of a client's send is the parent of the server's listener span, through the
 * {@code traceparent} header of the envelope; a listener's reply is made and sent inside its
 * span, also when the listener answers from another thread; a raw connection carries no trace.
 * Server and client are two application contexts in this JVM, each with its own tracer;
 * {@link TracingAcrossProcessesIntegrationTests} puts the server in another process.
 */
class TracingIntegrationTests {

	private final String name = TestNames.random();

	/**
	 * Returns the value of {@code asyncipc.mode} the pipes run with.
	 * @return the mode
	 */
	protected String mode() {
		return "auto";
	}

	private ApplicationContextRunner server(Class<?>... userConfiguration) {
		return TracingContexts.runner(this.name, "server", userConfiguration)
			.withPropertyValues("asyncipc.mode=" + mode(), "asyncipc.listener.observation-enabled=true");
	}

	private ApplicationContextRunner client() {
		return TracingContexts.runner(this.name, "client")
			.withPropertyValues("asyncipc.mode=" + mode(), "asyncipc.template.observation-enabled=true");
	}

	@Test
	void theSpanOfAClientsSendIsTheParentOfTheServersListenerSpan() {
		server(Greetings.class).run((server) -> client().run((client) -> {
			PipeContexts.awaitConnected(client);
			client.getBean(PipeTemplate.class).convertAndSend("hello");
			FinishedSpan send = client.getBean(FinishedSpans.class).awaitTagged("messaging.operation", "send");
			FinishedSpan process = server.getBean(FinishedSpans.class).awaitTagged("asyncipc.listener.id", "greetings");
			assertThat(send.getKind()).isEqualTo(Span.Kind.PRODUCER);
			assertThat(send.getName()).isEqualTo("default send");
			assertThat(send.getTags()).containsEntry("messaging.system", "asyncipc")
				.containsEntry("asyncipc.pipe", "default")
				.containsEntry("asyncipc.role", "client")
				.containsEntry("asyncipc.connection.id", PipeTemplate.PEER);
			assertThat(process.getKind()).isEqualTo(Span.Kind.CONSUMER);
			assertThat(process.getName()).isEqualTo("default process");
			assertThat(process.getTags()).containsEntry("asyncipc.role", "server")
				.containsEntry("messaging.operation", "process");
			assertThat(process.getTraceId()).isEqualTo(send.getTraceId());
			assertThat(process.getParentId()).isEqualTo(send.getSpanId());
			// The trace context is an ordinary envelope header, as a native peer would see it.
			assertThat(server.getBean(Greetings.class).traceparents.poll(5, TimeUnit.SECONDS))
				.isEqualTo("00-" + send.getTraceId() + "-" + send.getSpanId() + "-01");
		}));
	}

	@Test
	void aListenerAnswersARequestInsideItsSpanEvenFromAnotherThread() {
		server(Pinger.class, RecordingConverter.class).run((server) -> client().run((client) -> {
			PipeContexts.awaitConnected(client);
			String reply = client.getBean(PipeTemplate.class).convertSendAndReceive("ping", String.class);
			assertThat(reply).isEqualTo("ping pong");
			FinishedSpan request = client.getBean(FinishedSpans.class).awaitTagged("messaging.operation", "request");
			FinishedSpan process = server.getBean(FinishedSpans.class).awaitTagged("asyncipc.listener.id", "pinger");
			assertThat(request.getName()).isEqualTo("default request");
			assertThat(request.getTags()).containsKey("messaging.message.conversation_id");
			assertThat(process.getTags()).containsEntry("messaging.message.conversation_id",
					request.getTags().get("messaging.message.conversation_id"));
			assertThat(process.getTraceId()).isEqualTo(request.getTraceId());
			assertThat(process.getParentId()).isEqualTo(request.getSpanId());
			// The reply was converted, and sent, in the listener's span, on the thread that completed its future.
			assertThat(server.getBean(RecordingConverter.class).spanIds).containsExactly(process.getSpanId());
		}));
	}

	@Test
	void aRawConnectionCarriesNoTraceSoTheListenerStartsItsOwn() {
		server(Greetings.class).run((server) -> client().withPropertyValues("asyncipc.format=raw").run((client) -> {
			PipeContexts.awaitConnected(client);
			client.getBean(PipeTemplate.class).convertAndSend("hello");
			FinishedSpan send = client.getBean(FinishedSpans.class).awaitTagged("messaging.operation", "send");
			FinishedSpan process = server.getBean(FinishedSpans.class).awaitTagged("asyncipc.listener.id", "greetings");
			assertThat(process.getTraceId()).isNotEqualTo(send.getTraceId());
			assertThat(process.getParentId()).isNull();
			assertThat(server.getBean(Greetings.class).traceparents.poll(5, TimeUnit.SECONDS)).isEqualTo("none");
		}));
	}

	static class Greetings {

		final BlockingQueue<String> traceparents = new LinkedBlockingQueue<>();

		@PipeListener(id = "greetings")
		void greet(String greeting, @Header(name = "traceparent", required = false) String traceparent) {
			this.traceparents.add((traceparent != null) ? traceparent : "none");
		}

	}

	static class Pinger {

		@PipeListener(id = "pinger")
		CompletableFuture<String> ping(String ping) {
			return CompletableFuture.supplyAsync(() -> ping + " pong");
		}

	}

	/**
	 * The application's converter, which notes the span current while it converts what goes out.
	 */
	@Configuration(proxyBeanMethods = false)
	static class RecordingConverter {

		final List<String> spanIds = new CopyOnWriteArrayList<>();

		@Bean(PipeListenerAnnotationBeanPostProcessor.MESSAGE_CONVERTER_BEAN_NAME)
		MessageConverter asyncIpcMessageConverter(ObjectProvider<Tracer> tracer) {
			List<MessageConverter> converters = List.of(new ByteArrayMessageConverter(), new StringMessageConverter());
			return new CompositeMessageConverter(converters) {

				@Override
				public Message<?> toMessage(Object payload, MessageHeaders headers) {
					Span current = tracer.getObject().currentSpan();
					RecordingConverter.this.spanIds.add((current != null) ? current.context().spanId() : "none");
					return super.toMessage(payload, headers);
				}

			};
		}

	}

}
