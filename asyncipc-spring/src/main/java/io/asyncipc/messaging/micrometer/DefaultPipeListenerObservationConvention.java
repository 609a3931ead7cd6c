package io.asyncipc.messaging.micrometer;

import java.util.Locale;

import io.asyncipc.messaging.micrometer.PipeListenerObservation.ListenerHighCardinalityTags;
import io.asyncipc.messaging.micrometer.PipeListenerObservation.ListenerLowCardinalityTags;
import io.micrometer.common.KeyValues;

/**
 * The default {@link PipeListenerObservationConvention}: the name {@value #NAME}, the
 * contextual name {@code <pipe id> process}, and the keys of {@link PipeListenerObservation}.
 */
public class DefaultPipeListenerObservationConvention implements PipeListenerObservationConvention {

	/** The name of the observation, and of the timer it makes. */
	public static final String NAME = "asyncipc.listener";

	/** A shared instance. */
	public static final DefaultPipeListenerObservationConvention INSTANCE =
			new DefaultPipeListenerObservationConvention();

	private static final String OPERATION = "process";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(PipeReceiverContext context) {
		return context.getPipeId() + " " + OPERATION;
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(PipeReceiverContext context) {
		return KeyValues.of(ListenerLowCardinalityTags.MESSAGING_SYSTEM.withValue("asyncipc"),
				ListenerLowCardinalityTags.PIPE_ID.withValue(context.getPipeId()),
				ListenerLowCardinalityTags.ROLE.withValue(context.getRole().name().toLowerCase(Locale.ROOT)),
				ListenerLowCardinalityTags.MESSAGING_OPERATION.withValue(OPERATION),
				ListenerLowCardinalityTags.LISTENER_ID.withValue(context.getListenerId()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(PipeReceiverContext context) {
		KeyValues values = KeyValues.empty();
		String connectionId = context.getConnectionId();
		if (connectionId != null) {
			values = values.and(ListenerHighCardinalityTags.CONNECTION_ID.withValue(connectionId));
		}
		String correlationId = context.getCorrelationId();
		if (correlationId != null) {
			values = values.and(ListenerHighCardinalityTags.CORRELATION_ID.withValue(correlationId));
		}
		return values;
	}

}
