package io.asyncipc.messaging;

import java.time.Duration;

import io.asyncipc.transport.PipeClosedException;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.PipeRole;
import io.asyncipc.transport.PipeStatistics;
import io.asyncipc.transport.SendFailureReason;
import io.asyncipc.transport.TestNames;
import io.asyncipc.transport.unix.UnixSocketTransport;
import org.junit.jupiter.api.Test;

import org.springframework.messaging.converter.StringMessageConverter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The statistics a container keeps: the same object for the container's life, handed to the
 * endpoints it creates, and the failures the Spring layer adds to the transport's.
 */
class PipeStatisticsOfTheContainerTests {

	@Test
	void aContainerKeepsTheStatisticsItWasGivenAndHandsThemToItsEndpoints() {
		PipeStatistics statistics = new PipeStatistics();
		PipeEndpointContainer container = new PipeEndpointContainer(new UnixSocketTransport(), TestNames.random(),
				PipeRole.SERVER, PipeOptions.builder().statistics(statistics).build(), new PipeListenerEndpointRegistry());
		assertThat(container.getStatistics()).isSameAs(statistics);
		assertThat(container.getOptions().statistics()).isSameAs(statistics);
	}

	@Test
	void aContainerWithoutStatisticsMakesItsOwnForAllItsEndpoints() {
		PipeEndpointContainer container = new PipeEndpointContainer(new UnixSocketTransport(), TestNames.random(),
				PipeRole.SERVER, PipeOptions.defaults(), new PipeListenerEndpointRegistry());
		assertThat(container.getStatistics()).isNotNull();
		assertThat(container.getOptions().statistics()).isSameAs(container.getStatistics());
		assertThat(PipeOptions.defaults().statistics()).isNull();
	}

	@Test
	void aSendOnAPipeThatWasNeverStartedIsCountedAsNotStarted() {
		PipeEndpointContainer container = new PipeEndpointContainer(new UnixSocketTransport(), TestNames.random(),
				PipeRole.CLIENT, PipeOptions.defaults(), new PipeListenerEndpointRegistry());
		PipeTemplate template = new PipeTemplate(container, new StringMessageConverter());
		assertThat(template.convertAndSendAsync("hello")).failsWithin(Duration.ofSeconds(5))
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(PipeClosedException.class)
			.withMessageContaining("is not started");
		assertThat(container.getStatistics().sendFailures(SendFailureReason.NOT_STARTED)).isOne();
		assertThat(container.getStatistics().sendFailures(SendFailureReason.CLOSED)).isZero();
	}

}
