package io.asyncipc.autoconfigure;

import java.util.Map;
import java.util.Set;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Reads which form configures the pipes, before the properties bean exists: the map
 * {@code asyncipc.pipes.<id>.*}, or the single pipe of {@code asyncipc.name}.
 */
final class PipesMap {

	private static final String[] SHORTHAND = { "asyncipc.name", "asyncipc.role", "asyncipc.mode" };

	private PipesMap() {
	}

	/**
	 * Returns the ids of the pipes of {@code asyncipc.pipes}, in the order they are configured.
	 */
	static Set<String> ids(Environment environment) {
		return Binder.get(environment)
			.bind("asyncipc.pipes", Bindable.mapOf(String.class, AsyncIpcProperties.Pipe.class))
			.map(Map::keySet)
			.orElse(Set.of());
	}

	/**
	 * Fails if the top-level shorthand of a single pipe is set as well as the map, which one
	 * of them would otherwise silently override.
	 */
	static void checkNoShorthand(Environment environment) {
		Binder binder = Binder.get(environment);
		for (String property : SHORTHAND) {
			String value = binder.bind(property, String.class).orElse(null);
			if (value != null) {
				throw new InvalidConfigurationPropertyValueException(property, value, property
						+ " configures the single pipe and asyncipc.pipes.* configures several: use one form, not both; "
						+ "move asyncipc.name, asyncipc.role and asyncipc.mode to asyncipc.pipes.<id>.name, "
						+ ".role and .mode, or remove asyncipc.pipes");
			}
		}
	}

	/**
	 * Returns whether the top-level shorthand of a single pipe ({@code asyncipc.name},
	 * {@code role} or {@code mode}) is set.
	 */
	static boolean hasShorthand(Environment environment) {
		Binder binder = Binder.get(environment);
		for (String property : SHORTHAND) {
			if (binder.bind(property, String.class).isBound()) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Matches when {@code asyncipc.pipes} configures no pipe and the shorthand is set: the
	 * single pipe of {@code asyncipc.name} is the application's.
	 */
	static final class OnSinglePipe extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			Set<String> ids = ids(context.getEnvironment());
			if (!ids.isEmpty()) {
				return ConditionOutcome.noMatch("asyncipc.pipes configures " + ids);
			}
			return hasShorthand(context.getEnvironment())
					? ConditionOutcome.match("no asyncipc.pipes: the single pipe of asyncipc.name")
					: ConditionOutcome.noMatch("neither asyncipc.name nor asyncipc.pipes is set");
		}

	}

	/**
	 * Matches when no pipe is configured at all: neither {@code asyncipc.pipes} nor the
	 * shorthand of a single pipe.
	 */
	static final class OnNoPipe extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			boolean none = ids(context.getEnvironment()).isEmpty() && !hasShorthand(context.getEnvironment());
			return none ? ConditionOutcome.match("neither asyncipc.name nor asyncipc.pipes is set")
					: ConditionOutcome.noMatch("a pipe is configured");
		}

	}

}
