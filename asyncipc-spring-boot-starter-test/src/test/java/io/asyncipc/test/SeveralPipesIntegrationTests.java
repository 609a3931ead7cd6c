package io.asyncipc.test;

import java.util.Map;
import java.util.TreeMap;

import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.messaging.PipeListener;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link AsyncIpcTest} on an application with several pipes, from a configuration file: each
 * pipe gets a unique name that starts with its id, and {@link ConnectTo} picks the server pipe
 * that a {@link PipeTestClient} connects to.
 */
@SpringBootTest(classes = SeveralPipesIntegrationTests.Pipes.class, properties = "spring.config.name=several-pipes")
@AsyncIpcTest
class SeveralPipesIntegrationTests {

	@Autowired
	private ApplicationContext context;

	@Test
	void eachPipeOfTheConfigurationGetsAUniqueNameStartingWithItsId() {
		Map<String, String> names = new TreeMap<>();
		this.context.getBeansOfType(PipeEndpointContainer.class)
			.values()
			.forEach((pipe) -> names.put(pipe.getId(), pipe.getName()));
		assertThat(names).containsOnlyKeys("orders", "prices", "upstream");
		assertThat(names.get("orders")).matches("orders-[0-9a-f]{12}");
		assertThat(names.get("prices")).matches("prices-[0-9a-f]{12}");
		assertThat(names.get("upstream")).matches("upstream-[0-9a-f]{12}");
	}

	@Test
	void connectToPicksThePipe(@ConnectTo("orders") PipeTestClient orders, @ConnectTo("prices") PipeTestClient prices) {
		assertThat(orders.convertSendAndReceive("a-17", String.class)).isEqualTo("orders: a-17");
		assertThat(prices.convertSendAndReceive("acme", String.class)).isEqualTo("prices: acme");
	}

	@Test
	void withoutConnectToTheTestIsToldToNameOneOfTheServerPipes() {
		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> AsyncIpcTestExtension.serverPipe(this.context, null))
			.withMessage("the application has the server pipes [orders, prices]; name the one to connect to with "
					+ "@ConnectTo(\"<id>\") on the PipeTestClient parameter");
		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> AsyncIpcTestExtension.serverPipe(this.context, "upstream"))
			.withMessage(
					"@ConnectTo(\"upstream\") names a client pipe, and a PipeTestClient connects to a server pipe");
		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> AsyncIpcTestExtension.serverPipe(this.context, "order"))
			.withMessage("@ConnectTo(\"order\") names no pipe of the application; its pipes are "
					+ "[orders, prices, upstream]");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Pipes {

		@Bean
		Answers answers() {
			return new Answers();
		}

	}

	static class Answers {

		@PipeListener(pipe = "orders")
		String order(String id) {
			return "orders: " + id;
		}

		@PipeListener(pipe = "prices")
		String price(String symbol) {
			return "prices: " + symbol;
		}

	}

}
