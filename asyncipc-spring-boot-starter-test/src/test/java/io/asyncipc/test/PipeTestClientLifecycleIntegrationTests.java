package io.asyncipc.test;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.asyncipc.messaging.PipeEndpointContainer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@link PipeTestClient} parameter is closed when its test ends, and the next test gets a new
 * one; a pipe name that the test sets itself, here with {@code @DynamicPropertySource}, is kept.
 * The second test checks what the first left behind, so they run in order.
 */
@SpringBootTest(classes = DeskApplication.class)
@AsyncIpcTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipeTestClientLifecycleIntegrationTests {

	private static final String NAME = "kept-"
			+ Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);

	private static PipeTestClient fromFirstTest;

	@Autowired
	private PipeEndpointContainer pipe;

	@DynamicPropertySource
	static void pipeName(DynamicPropertyRegistry registry) {
		registry.add("asyncipc.name", () -> NAME);
	}

	@Test
	@Order(1)
	void aNameTheTestSetsIsKept(PipeTestClient client) {
		assertThat(this.pipe.getName()).isEqualTo(NAME);
		assertThat(client.getPipeName()).isEqualTo(NAME);
		assertThat(client.isConnected()).isTrue();
		fromFirstTest = client;
	}

	@Test
	@Order(2)
	void theClientOfTheTestBeforeIsClosedAndThisTestHasItsOwn(PipeTestClient client) {
		assertThat(fromFirstTest).as("the client of the first test").isNotNull();
		assertThat(client).isNotSameAs(fromFirstTest);
		assertThat(fromFirstTest.isConnected()).isFalse();
		assertThat(client.isConnected()).isTrue();
		await().atMost(10, TimeUnit.SECONDS).until(() -> this.pipe.getEndpoint().connections().size() == 1);
	}

}
