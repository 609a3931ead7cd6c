package io.asyncipc.sample.console;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Reads AsyncIPC's meters of one pipe from the {@link MeterRegistry} by name, as
 * {@code /actuator/metrics} would. A meter that does not exist (no registry, or a library
 * without it) is left out, and the page shows a dash.
 */
@Component
public class PipeMeters {

	/** The meters the console shows, in the order it shows them. */
	static final List<String> NAMES = List.of("asyncipc.connections", "asyncipc.messages.sent",
			"asyncipc.messages.received", "asyncipc.bytes.sent", "asyncipc.bytes.received", "asyncipc.send.failures",
			"asyncipc.queued.bytes", "asyncipc.listener.duration", "asyncipc.request.duration", "asyncipc.reconnects",
			"asyncipc.peers.rejected");

	private static final String BY_TAG = "reason";

	private final ObjectProvider<MeterRegistry> registry;

	PipeMeters(ObjectProvider<MeterRegistry> registry) {
		this.registry = registry;
	}

	/**
	 * Returns the values of the pipe's meters that exist.
	 * @param pipeId the pipe's id, the meters' {@code pipe} tag
	 * @return the values by meter name
	 */
	public Map<String, ConsoleState.MeterValue> read(String pipeId) {
		MeterRegistry meters = this.registry.getIfAvailable();
		Map<String, ConsoleState.MeterValue> values = new LinkedHashMap<>();
		if (meters == null) {
			return values;
		}
		for (String name : NAMES) {
			Collection<Meter> found = meters.find(name).tag("pipe", pipeId).meters();
			if (!found.isEmpty()) {
				values.put(name, sum(found));
			}
		}
		return values;
	}

	private static ConsoleState.MeterValue sum(Collection<Meter> found) {
		double value = 0;
		double totalMs = 0;
		double maxMs = 0;
		boolean timer = false;
		Map<String, Double> byTag = new TreeMap<>();
		for (Meter meter : found) {
			double one;
			if (meter instanceof Timer t) {
				timer = true;
				one = t.count();
				totalMs += t.totalTime(TimeUnit.MILLISECONDS);
				maxMs = Math.max(maxMs, t.max(TimeUnit.MILLISECONDS));
			}
			else if (meter instanceof FunctionTimer t) {
				timer = true;
				one = t.count();
				totalMs += t.totalTime(TimeUnit.MILLISECONDS);
			}
			else if (meter instanceof Counter c) {
				one = c.count();
			}
			else if (meter instanceof FunctionCounter c) {
				one = c.count();
			}
			else if (meter instanceof Gauge g) {
				one = g.value();
			}
			else {
				continue;
			}
			if (Double.isNaN(one)) {
				continue;
			}
			value += one;
			String tag = meter.getId().getTag(BY_TAG);
			if (tag != null) {
				byTag.merge(tag, one, Double::sum);
			}
		}
		if (!timer) {
			return new ConsoleState.MeterValue(value, null, null, byTag.isEmpty() ? null : byTag);
		}
		Double mean = (value > 0) ? totalMs / value : null;
		return new ConsoleState.MeterValue(value, mean, maxMs, byTag.isEmpty() ? null : byTag);
	}

}
