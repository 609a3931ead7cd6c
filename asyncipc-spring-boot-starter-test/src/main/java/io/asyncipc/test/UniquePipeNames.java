package io.asyncipc.test;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Gives each pipe of a test's application context a name of its own, so that test JVMs that run
 * at the same time, and contexts of one JVM, never meet on a pipe: {@code asyncipc.name} for
 * the single pipe, and {@code asyncipc.pipes.<id>.name} for each pipe of the map, become a
 * random plain name such as {@code t-5c1f0e9a2b7d} (or {@code orders-5c1f0e9a2b7d}). A name that
 * the test sets itself ({@code @SpringBootTest(properties)}, {@code @TestPropertySource},
 * {@code @DynamicPropertySource}, the test's arguments) is kept; one from the application's
 * configuration files, system properties or environment variables is replaced. A context
 * without any pipe configured is left without one.
 * <p>
 * Registered by {@link AsyncIpcTest}. The names are drawn when the context is made, so a
 * context that Spring's test context cache shares between test classes keeps its names.
 */
final class UniquePipeNames implements ContextCustomizerFactory {

	/** The name of the property source that holds the names. */
	static final String PROPERTY_SOURCE_NAME = "asyncIpcUniquePipeNames";

	private static final ConfigurationPropertyName PIPES = ConfigurationPropertyName.of("asyncipc.pipes");

	private static final String[] SHORTHAND = { "asyncipc.name", "asyncipc.role", "asyncipc.mode" };

	private static final String ATTACHED = "configurationProperties";

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		return new Customizer();
	}

	/**
	 * Returns a fresh plain pipe name. Not {@code UUID.randomUUID()}: its {@code SecureRandom}
	 * seeding enumerates network interfaces, which crashes the JVM under Wine.
	 * @param prefix what the name starts with, such as the pipe id
	 * @return the name: the prefix (at most 16 characters, others than letters, digits, '.', '_'
	 * and '-' replaced by '-'), a dash and 12 random hex digits
	 */
	static String random(String prefix) {
		String plain = prefix.replaceAll("[^A-Za-z0-9._-]", "-");
		if (plain.length() > 16) {
			plain = plain.substring(0, 16);
		}
		long random = ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFF_FFFFL;
		return plain + "-" + String.format("%012x", random);
	}

	/**
	 * Returns the names to set: each pipe of {@code asyncipc.pipes}, or the single pipe where
	 * its shorthand is set, less those the test set itself.
	 */
	static Map<String, Object> namesFor(ConfigurableEnvironment environment) {
		Set<String> ids = pipeIds(environment);
		Set<String> keys = new LinkedHashSet<>();
		if (!ids.isEmpty()) {
			ids.forEach((id) -> keys.add("asyncipc.pipes." + id + ".name"));
		}
		else if (hasShorthand(environment)) {
			keys.add("asyncipc.name");
		}
		Map<String, Object> names = new LinkedHashMap<>();
		for (String key : keys) {
			if (!setByTest(environment, key)) {
				String id = key.equals("asyncipc.name") ? "t" : key.substring("asyncipc.pipes.".length(),
						key.length() - ".name".length());
				names.put(key, random(id));
			}
		}
		return names;
	}

	private static Set<String> pipeIds(ConfigurableEnvironment environment) {
		Set<String> ids = new LinkedHashSet<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.stream()
					.filter((name) -> PIPES.isAncestorOf(name) && name.getNumberOfElements() > 3)
					.forEach((name) -> ids.add(name.getElement(2, ConfigurationPropertyName.Form.ORIGINAL)));
			}
		}
		return ids;
	}

	private static boolean hasShorthand(ConfigurableEnvironment environment) {
		for (String property : SHORTHAND) {
			if (environment.containsProperty(property)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Returns whether a source the test made holds the property: one above the system
	 * properties, where Spring's test context framework and Spring Boot put the test's own.
	 */
	private static boolean setByTest(ConfigurableEnvironment environment, String key) {
		for (PropertySource<?> source : environment.getPropertySources()) {
			if (StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME.equals(source.getName())) {
				return false;
			}
			if (!ATTACHED.equals(source.getName()) && source.containsProperty(key)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Sets the names when the context is made. All instances are equal, so that contexts that
	 * differ in nothing else are still cached and shared.
	 */
	static final class Customizer implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
			ConfigurableEnvironment environment = context.getEnvironment();
			Map<String, Object> names = namesFor(environment);
			if (names.isEmpty()) {
				return;
			}
			MutablePropertySources sources = environment.getPropertySources();
			MapPropertySource unique = new MapPropertySource(PROPERTY_SOURCE_NAME, names);
			// Below the test's dynamic properties, whichever customizer runs first.
			if (sources.contains("Dynamic Test Properties")) {
				sources.addAfter("Dynamic Test Properties", unique);
			}
			else {
				sources.addFirst(unique);
			}
		}

		@Override
		public boolean equals(Object other) {
			return other != null && other.getClass() == getClass();
		}

		@Override
		public int hashCode() {
			return Customizer.class.hashCode();
		}

	}

}
