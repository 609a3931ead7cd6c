package io.asyncipc.messaging;

import java.nio.charset.StandardCharsets;

import io.asyncipc.messaging.envelope.Envelope;
import io.asyncipc.messaging.micrometer.PipeSenderContext;
import io.asyncipc.transport.PipeRole;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * The envelope that a traced send puts on the wire: the message's own envelope, with the headers
 * the propagator wrote added after its own, and nothing else changed.
 */
class TemplateObservationsTests {

	private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

	private final Envelope envelope = Envelope.builder()
		.contentType("application/json")
		.typeId("com.example.Order")
		.correlationId("r-7")
		.header("tenant", "acme")
		.header("traceparent", "set by the application")
		.payload("{\"id\":42}".getBytes(StandardCharsets.UTF_8))
		.build();

	private final PipeSenderContext context = new PipeSenderContext("orders", "orders-pipe", PipeRole.CLIENT,
			PipeSenderContext.Operation.SEND, PipeTemplate.PEER);

	@Test
	void thePropagatorsHeadersFollowTheMessagesOwnAndWinOverThem() {
		this.context.getSetter().set(this.context.getCarrier(), "traceparent", TRACEPARENT);
		this.context.getSetter().set(this.context.getCarrier(), "tracestate", "congo=t61rcWkgMzE");
		Envelope traced = TemplateObservations.traced(this.envelope, this.context);
		// A header of the same name that the application set takes the propagator's value.
		assertThat(traced.getHeaders()).containsExactly(
				entry("tenant", "acme"),
				entry("traceparent", TRACEPARENT),
				entry("tracestate", "congo=t61rcWkgMzE"));
		assertThat(traced.getContentType()).isEqualTo("application/json");
		assertThat(traced.getTypeId()).isEqualTo("com.example.Order");
		assertThat(traced.getCorrelationId()).isEqualTo("r-7");
		assertThat(traced.isReply()).isFalse();
		assertThat(traced.isError()).isFalse();
		assertThat(traced.getPayload()).isSameAs(this.envelope.getPayload());
	}

	@Test
	void withoutTraceHeadersTheEnvelopeIsSentAsItIs() {
		assertThat(TemplateObservations.traced(this.envelope, this.context)).isSameAs(this.envelope);
	}

}
