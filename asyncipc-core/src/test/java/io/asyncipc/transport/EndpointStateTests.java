package io.asyncipc.transport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The legal moves of an endpoint's state machine.
 */
class EndpointStateTests {

	@Test
	void aStoppingOrStoppedEndpointNeverComesBack() {
		for (EndpointState next : EndpointState.values()) {
			assertThat(EndpointState.STOPPING.canMoveTo(next)).as("STOPPING -> %s", next)
				.isEqualTo(next == EndpointState.STOPPING || next == EndpointState.STOPPED);
			assertThat(EndpointState.STOPPED.canMoveTo(next)).as("STOPPED -> %s", next)
				.isEqualTo(next == EndpointState.STOPPED);
		}
	}

	@Test
	void aClientCyclesThroughConnectingAndReconnecting() {
		assertThat(EndpointState.NEW.canMoveTo(EndpointState.CONNECTING)).isTrue();
		assertThat(EndpointState.CONNECTING.canMoveTo(EndpointState.CONNECTED)).isTrue();
		assertThat(EndpointState.CONNECTED.canMoveTo(EndpointState.RECONNECTING)).isTrue();
		assertThat(EndpointState.RECONNECTING.canMoveTo(EndpointState.CONNECTING)).isTrue();
		assertThat(EndpointState.RECONNECTING.canMoveTo(EndpointState.CONNECTED)).isFalse();
		assertThat(EndpointState.CONNECTED.canMoveTo(EndpointState.CONNECTING)).isFalse();
	}

	@Test
	void aFailedEndpointRecoversAsAClientOrStops() {
		assertThat(EndpointState.LISTENING.canMoveTo(EndpointState.FAILED)).isTrue();
		assertThat(EndpointState.CONNECTED.canMoveTo(EndpointState.FAILED)).isTrue();
		assertThat(EndpointState.FAILED.canMoveTo(EndpointState.RECONNECTING)).isTrue();
		assertThat(EndpointState.FAILED.canMoveTo(EndpointState.STOPPING)).isTrue();
		assertThat(EndpointState.FAILED.canMoveTo(EndpointState.LISTENING)).isFalse();
		assertThat(EndpointState.FAILED.canMoveTo(EndpointState.CONNECTED)).isFalse();
		assertThat(EndpointState.STOPPING.canMoveTo(EndpointState.FAILED)).isFalse();
	}

	@Test
	void aServerOnlyListensThenStopsOrFails() {
		assertThat(EndpointState.NEW.canMoveTo(EndpointState.LISTENING)).isTrue();
		assertThat(EndpointState.LISTENING.canMoveTo(EndpointState.CONNECTING)).isFalse();
		assertThat(EndpointState.LISTENING.canMoveTo(EndpointState.STOPPING)).isTrue();
	}

}
