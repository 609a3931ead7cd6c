package io.asyncipc.messaging.micrometer;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observation of one {@link io.asyncipc.messaging.PipeListener} invocation with one
 * message, named {@value DefaultPipeListenerObservationConvention#NAME}.
 */
public enum PipeListenerObservation implements ObservationDocumentation {

	/**
	 * A listener invocation, from the call until the listener returned (or the stage it returned
	 * completed) and its reply, if any, was handed to its connection.
	 */
	LISTENER_OBSERVATION {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultPipeListenerObservationConvention.class;
		}

		@Override
		public String getPrefix() {
			return "asyncipc.listener";
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return ListenerLowCardinalityTags.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return ListenerHighCardinalityTags.values();
		}

	};

	/**
	 * The low-cardinality keys: a few values per application, fit for metrics.
	 */
	public enum ListenerLowCardinalityTags implements KeyName {

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
		 * The id of the pipe the message came on.
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
		 * What the listener does with the message: always {@code process}.
		 */
		MESSAGING_OPERATION {

			@Override
			public String asString() {
				return "messaging.operation";
			}

		},

		/**
		 * The listener's id, such as {@code orderDesk.onOrder}.
		 */
		LISTENER_ID {

			@Override
			public String asString() {
				return "asyncipc.listener.id";
			}

		}

	}

	/**
	 * The high-cardinality keys: a value per connection or per message, for spans only.
	 */
	public enum ListenerHighCardinalityTags implements KeyName {

		/**
		 * The connection the message came on.
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
