package io.asyncipc.messaging.micrometer;

import java.util.Locale;

import io.asyncipc.messaging.micrometer.PipeTemplateObservation.TemplateHighCardinalityTags;
import io.asyncipc.messaging.micrometer.PipeTemplateObservation.TemplateLowCardinalityTags;
import io.micrometer.common.KeyValues;

/**
 * The default {@link PipeTemplateObservationConvention}: the name
 * {@value #NAME}, the contextual name {@code <pipe id> <operation>} (such as
 * {@code orders send}), and the keys of {@link PipeTemplateObservation}.
 */
public class DefaultPipeTemplateObservationConvention implements PipeTemplateObservationConvention {

	/** The name of the observation, and of the timer it makes. */
	public static final String NAME = "asyncipc.template";

	/** A shared instance. */
	public static final DefaultPipeTemplateObservationConvention INSTANCE =
			new DefaultPipeTemplateObservationConvention();

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(PipeSenderContext context) {
		return context.getPipeId() + " " + context.getOperation().value();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(PipeSenderContext context) {
		return KeyValues.of(TemplateLowCardinalityTags.MESSAGING_SYSTEM.withValue("asyncipc"),
				TemplateLowCardinalityTags.PIPE_ID.withValue(context.getPipeId()),
				TemplateLowCardinalityTags.ROLE.withValue(context.getRole().name().toLowerCase(Locale.ROOT)),
				TemplateLowCardinalityTags.MESSAGING_OPERATION.withValue(context.getOperation().value()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(PipeSenderContext context) {
		KeyValues values = KeyValues.of(TemplateHighCardinalityTags.CONNECTION_ID.withValue(context.getConnectionId()));
		String correlationId = context.getCorrelationId();
		return (correlationId != null)
				? values.and(TemplateHighCardinalityTags.CORRELATION_ID.withValue(correlationId)) : values;
	}

}
