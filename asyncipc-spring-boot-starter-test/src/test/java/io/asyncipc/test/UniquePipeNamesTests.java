package io.asyncipc.test;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which pipe names {@link UniquePipeNames} replaces: those of the application's configuration,
 * not those a test source above the system properties sets, and none where no pipe is
 * configured.
 */
class UniquePipeNamesTests {

	@Test
	void aRandomNameIsPlainShortAndStartsWithThePrefix() {
		assertThat(UniquePipeNames.random("t")).matches("t-[0-9a-f]{12}");
		assertThat(UniquePipeNames.random("orders")).matches("orders-[0-9a-f]{12}");
		assertThat(UniquePipeNames.random("a very long pipe id/with slashes")).matches("a-very-long-pipe-[0-9a-f]{12}");
		assertThat(UniquePipeNames.random("t")).isNotEqualTo(UniquePipeNames.random("t"));
	}

	@Test
	void theSinglePipeOfTheConfigurationGetsAUniqueName() {
		StandardEnvironment environment = environment(Map.of("asyncipc.name", "orders"));
		assertThat(UniquePipeNames.namesFor(environment)).containsOnlyKeys("asyncipc.name");
		assertThat(UniquePipeNames.namesFor(environment).get("asyncipc.name").toString()).matches("t-[0-9a-f]{12}");
	}

	@Test
	void aSinglePipeWithOnlyARoleGetsAName() {
		StandardEnvironment environment = environment(Map.of("asyncipc.role", "server"));
		assertThat(UniquePipeNames.namesFor(environment)).containsOnlyKeys("asyncipc.name");
	}

	@Test
	void eachPipeOfTheMapGetsAUniqueNameWhetherOrNotItSetsOne() {
		StandardEnvironment environment = environment(
				Map.of("asyncipc.pipes.orders.name", "orders", "asyncipc.pipes.prices.role", "client"));
		Map<String, Object> names = UniquePipeNames.namesFor(environment);
		assertThat(names).containsOnlyKeys("asyncipc.pipes.orders.name", "asyncipc.pipes.prices.name");
		assertThat(names.get("asyncipc.pipes.prices.name").toString()).matches("prices-[0-9a-f]{12}");
	}

	@Test
	void aNameThatATestSourceSetsIsKept() {
		StandardEnvironment environment = environment(
				Map.of("asyncipc.pipes.orders.name", "orders", "asyncipc.pipes.prices.name", "prices"));
		environment.getPropertySources()
			.addFirst(new MapPropertySource("Inlined Test Properties", Map.of("asyncipc.pipes.orders.name", "mine")));
		assertThat(UniquePipeNames.namesFor(environment)).containsOnlyKeys("asyncipc.pipes.prices.name");
	}

	@Test
	void aNameFromASystemPropertyIsReplaced() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME, new MapPropertySource(
					StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME, Map.of("asyncipc.name", "orders")));
		assertThat(UniquePipeNames.namesFor(environment)).containsOnlyKeys("asyncipc.name");
	}

	@Test
	void noPipeConfiguredGetsNoName() {
		assertThat(UniquePipeNames.namesFor(environment(Map.of("asyncipc.enabled", "true")))).isEmpty();
	}

	/**
	 * Returns an environment whose properties come from a source below the system properties,
	 * where Spring Boot puts the application's configuration files.
	 */
	private static StandardEnvironment environment(Map<String, Object> configuration) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addLast(new MapPropertySource("application.yml", configuration));
		return environment;
	}

}
