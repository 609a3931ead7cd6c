package io.asyncipc.messaging.micrometer;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observation of a {@link io.asyncipc.messaging.PipeTemplate} send: a message to one
 * connection or to the peer, a broadcast, or a request until its reply, named
 * {@value DefaultPipeTemplateObservationConvention#NAME}.
 */
public enum PipeTemplateObservation implements ObservationDocumentation {

	/**
	 * A send of {@link io.asyncipc.messaging.PipeTemplate}, from the call until the OS took the
	 * message (or the reply came, for a request), or the send failed.
	 */
	TEMPLATE_OBSERVATION {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultPipeTemplateObservationConvention.class;
		}

		@Override
		public String getPrefix() {
			return "asyncipc.template";
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return TemplateLowCardinalityTags.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return TemplateHighCardinalityTags.values();
		}

	};

	/**
	 * The low-cardinality keys: a few values per application, fit for metrics.
	 */
	public enum TemplateLowCardinalityTags implements KeyName {

		/**
		 * The messaging system: always {@code asyncipc}.
		 */
		MESSAGING_SYSTEM {

			@Override
			public String asString() {
				return "messaging.system";
			}

		},

		/**
		 * The id of the pipe in the application, such as {@code orders} for
		 * {@code asyncipc.pipes.orders}, or {@code default}.
		 */
		PIPE_ID {

			@Override
			public String asString() {
				return "asyncipc.pipe";
			}

		},

		/**
		 * The role of this process on the pipe: {@code server} or {@code client}.
		 */
		ROLE {

			@Override
			public String asString() {
				return "asyncipc.role";
			}

		},

		/**
		 * What the template did: {@code send}, {@code broadcast} or {@code request}.
		 */
		MESSAGING_OPERATION {

			@Override
			public String asString() {
				return "messaging.operation";
			}

		}

	}

	/**
	 * The high-cardinality keys: a value per connection or per message, for spans only.
	 */
	public enum TemplateHighCardinalityTags implements KeyName {

		/**
		 * The connection the message went to, or {@code *} for the peer or a broadcast.
		 */
		CONNECTION_ID {

			@Override
			public String asString() {
				return "asyncipc.connection.id";
			}

		},

		/**
		 * The correlation id of a request.
		 */
		CORRELATION_ID {

			@Override
			public String asString() {
				return "messaging.message.conversation_id";
			}

		}

	}

}
