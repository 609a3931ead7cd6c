package io.asyncipc.messaging;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import io.asyncipc.messaging.envelope.Envelope;
import io.asyncipc.messaging.micrometer.DefaultPipeTemplateObservationConvention;
import io.asyncipc.messaging.micrometer.PipeSenderContext;
import io.asyncipc.messaging.micrometer.PipeTemplateObservation;
import io.asyncipc.messaging.micrometer.PipeTemplateObservationConvention;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * Observes the sends of one {@link PipeTemplate}: an observation from the call until the send's
 * future settles, in whose scope the message is sent, and whose propagated trace context goes
 * out in the envelope's headers. A template that observes nothing has none of these.
 */
final class TemplateObservations {

	private final ObservationRegistry registry;

	private final PipeTemplateObservationConvention convention;

	private final PipeEndpointContainer container;

	TemplateObservations(ObservationRegistry registry, PipeTemplateObservationConvention convention,
			PipeEndpointContainer container) {
		this.registry = registry;
		this.convention = convention;
		this.container = container;
	}

	/**
	 * Observes one send: starts the observation, runs the send in its scope with the context
	 * (whose carrier then holds the trace headers), and stops it when the future settles, before
	 * the future it returns completes with the same outcome.
	 */
	<T> CompletableFuture<T> observe(PipeSenderContext.Operation operation, String connectionId,
			Function<PipeSenderContext, CompletableFuture<T>> send) {
		PipeSenderContext context = new PipeSenderContext(this.container.getId(), this.container.getName(),
				this.container.getRole(), operation, (connectionId != null) ? connectionId : PipeTemplate.PEER);
		Observation observation = PipeTemplateObservation.TEMPLATE_OBSERVATION.observation(this.convention,
				DefaultPipeTemplateObservationConvention.INSTANCE, () -> context, this.registry);
		observation.start();
		CompletableFuture<T> sending;
		try (Observation.Scope scope = observation.openScope()) {
			sending = send.apply(context);
		}
		catch (RuntimeException ex) {
			observation.error(ex);
			observation.stop();
			throw ex;
		}
		CompletableFuture<T> observed = new CompletableFuture<>();
		sending.whenComplete((result, error) -> {
			if (error != null) {
				observation.error((error instanceof CompletionException && error.getCause() != null)
						? error.getCause() : error);
			}
			observation.stop();
			if (error != null) {
				observed.completeExceptionally(error);
			}
			else {
				observed.complete(result);
			}
		});
		return observed;
	}

	/**
	 * Returns the envelope with the trace headers of the context added, after its own.
	 */
	static Envelope traced(Envelope envelope, PipeSenderContext context) {
		Map<String, String> headers = context.getCarrier();
		if (headers.isEmpty()) {
			return envelope;
		}
		return Envelope.builder()
			.contentType(envelope.getContentType())
			.typeId(envelope.getTypeId())
			.correlationId(envelope.getCorrelationId())
			.reply(envelope.isReply())
			.error(envelope.isError())
			.headers(envelope.getHeaders())
			.headers(headers)
			.payload(envelope.getPayload())
			.build();
	}

}
