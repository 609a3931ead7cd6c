package com.example.orders;

import io.asyncipc.test.AsyncIpcTest;
import io.asyncipc.test.PipeListenerTestHarness;
import io.asyncipc.test.PipeListenerTestHarness.Invocation;
import io.asyncipc.test.PipeTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's example of {@link PipeListenerTestHarness}.
 */
@SpringBootTest
@AsyncIpcTest
class OrderDeskHarnessTests {

	@Test
	void theListenerGetsTheOrderAndTheClientItsConfirmation(PipeTestClient client, PipeListenerTestHarness harness) {
		client.convertAndSend(new Order("A-17", 3));
		Invocation invocation = harness.awaitInvocation("orderDesk.onOrder");
		assertThat(invocation.arguments()).first().isEqualTo(new Order("A-17", 3));
		assertThat(client.awaitMessage(Confirmation.class).orderId()).isEqualTo("A-17");
	}

}
