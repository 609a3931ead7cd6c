package io.asyncipc.autoconfigure;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.messaging.PipeMetricsRecorder;
import io.asyncipc.messaging.RequestOutcome;
import io.asyncipc.transport.PipeRole;
import io.asyncipc.transport.PipeStatistics;
import io.asyncipc.transport.SendFailureReason;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The Micrometer meters of one pipe: the counts of its {@link PipeStatistics}, read when a
 * registry publishes, and the timers of its listeners and requests, which the container feeds
 * through {@link PipeMetricsRecorder}. Every meter is tagged {@code pipe} (the container's id)
 * and {@code role}; {@code docs/metrics.md} lists them.
 * <p>
 * The counts live in the container, so they go on across a stop and a start of the pipe.
 * {@link #close()} removes the meters from the registries they were bound to, and unhooks the
 * timers from the container.
 */
public final class PipeContainerMetrics implements MeterBinder, AutoCloseable {

	static final String NONE = "none";

	private final PipeEndpointContainer container;

	private final Tags tags;

	private final List<RegistryMeters> bound = new CopyOnWriteArrayList<>();

	/**
	 * Creates the meters of a pipe; they exist once bound.
	 * @param container the pipe's container
	 */
	public PipeContainerMetrics(PipeEndpointContainer container) {
		this.container = container;
		this.tags = Tags.of("pipe", container.getId(), "role", container.getRole().name().toLowerCase(Locale.ROOT));
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		PipeStatistics statistics = this.container.getStatistics();
		RegistryMeters meters = new RegistryMeters(registry, this.tags);
		meters.add(Gauge.builder("asyncipc.connections", statistics, PipeStatistics::connections)
			.description("Open connections of the pipe")
			.baseUnit("connections")
			.tags(this.tags)
			.register(registry));
		meters.add(counter(registry, "asyncipc.messages.sent", "Messages the OS took", "messages", statistics,
				PipeStatistics::messagesSent));
		meters.add(counter(registry, "asyncipc.messages.received", "Messages read whole", "messages", statistics,
				PipeStatistics::messagesReceived));
		meters.add(counter(registry, "asyncipc.bytes.sent", "Bytes of the messages sent", BaseUnits.BYTES,
				statistics, PipeStatistics::bytesSent));
		meters.add(counter(registry, "asyncipc.bytes.received", "Bytes of the messages received", BaseUnits.BYTES,
				statistics, PipeStatistics::bytesReceived));
		for (SendFailureReason reason : SendFailureReason.values()) {
			meters.add(FunctionCounter.builder("asyncipc.send.failures", statistics, (s) -> s.sendFailures(reason))
				.description("Sends that failed, by reason")
				.baseUnit("messages")
				.tags(this.tags)
				.tag("reason", reason.label())
				.register(registry));
		}
		meters.add(Gauge.builder("asyncipc.queued.bytes", statistics, PipeStatistics::queuedBytes)
			.description("Bytes queued on the connections and not yet written")
			.baseUnit(BaseUnits.BYTES)
			.tags(this.tags)
			.register(registry));
		if (this.container.getRole() == PipeRole.CLIENT) {
			meters.add(counter(registry, "asyncipc.reconnects", "Connections made again after one was lost",
					"connections", statistics, PipeStatistics::reconnects));
		}
		else {
			meters.add(counter(registry, "asyncipc.peers.rejected",
					"Peers refused by the security check or the connection limit", "connections", statistics,
					PipeStatistics::peersRejected));
		}
		for (RequestOutcome outcome : RequestOutcome.values()) {
			meters.requests[outcome.ordinal()] = meters.add(Timer.builder("asyncipc.request.duration")
				.description("Time from a request to its reply, or to its failure")
				.tags(this.tags)
				.tag("outcome", outcome.label())
				.register(registry));
		}
		this.bound.add(meters);
		this.container.setMetricsRecorder(new Recorder());
	}

	private FunctionCounter counter(MeterRegistry registry, String name, String description, String unit,
			PipeStatistics statistics, ToDoubleFunction<PipeStatistics> count) {
		return FunctionCounter.builder(name, statistics, count)
			.description(description)
			.baseUnit(unit)
			.tags(this.tags)
			.register(registry);
	}

	/**
	 * Removes the meters from every registry they were bound to, and stops timing the
	 * container's listeners and requests.
	 */
	@Override
	public void close() {
		this.container.setMetricsRecorder(null);
		for (RegistryMeters meters : this.bound) {
			meters.remove();
		}
		this.bound.clear();
	}

	/**
	 * The meters bound to one registry, so that they can be removed from it.
	 */
	private static final class RegistryMeters {

		private final MeterRegistry registry;

		private final Tags tags;

		private final Queue<Meter> meters = new ConcurrentLinkedQueue<>();

		private final Timer[] requests = new Timer[RequestOutcome.values().length];

		/** A listener's timer of successful invocations, by listener id. */
		private final Map<String, Timer> listenerSuccesses = new ConcurrentHashMap<>();

		/** A listener's timer of failed invocations, by listener id and exception class. */
		private final Map<List<String>, Timer> listenerFailures = new ConcurrentHashMap<>();

		RegistryMeters(MeterRegistry registry, Tags tags) {
			this.registry = registry;
			this.tags = tags;
		}

		<M extends Meter> M add(M meter) {
			this.meters.add(meter);
			return meter;
		}

		void listenerInvoked(String listenerId, long nanos, Throwable failure) {
			Timer timer;
			if (failure == null) {
				timer = this.listenerSuccesses.computeIfAbsent(listenerId, (id) -> listenerTimer(id, "success", NONE));
			}
			else {
				// The simple name only: a bounded tag, one value per exception class a listener throws.
				String exception = failure.getClass().getSimpleName();
				timer = this.listenerFailures.computeIfAbsent(List.of(listenerId, exception),
						(key) -> listenerTimer(listenerId, "failure", exception.isEmpty() ? "anonymous" : exception));
			}
			timer.record(nanos, TimeUnit.NANOSECONDS);
		}

		private Timer listenerTimer(String listenerId, String result, String exception) {
			return add(Timer.builder("asyncipc.listener.duration")
				.description("Time a listener took for one message")
				.tags(this.tags)
				.tag("listener", listenerId)
				.tag("result", result)
				.tag("exception", exception)
				.register(this.registry));
		}

		void remove() {
			Meter meter;
			while ((meter = this.meters.poll()) != null) {
				this.registry.remove(meter);
			}
			this.listenerSuccesses.clear();
			this.listenerFailures.clear();
		}

	}

	/**
	 * Feeds the timers of every registry bound.
	 */
	private final class Recorder implements PipeMetricsRecorder {

		@Override
		public void listenerInvoked(String listenerId, long nanos, Throwable failure) {
			for (RegistryMeters meters : PipeContainerMetrics.this.bound) {
				meters.listenerInvoked(listenerId, nanos, failure);
			}
		}

		@Override
		public void requestCompleted(long nanos, RequestOutcome outcome) {
			for (RegistryMeters meters : PipeContainerMetrics.this.bound) {
				meters.requests[outcome.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
			}
		}

	}

}
