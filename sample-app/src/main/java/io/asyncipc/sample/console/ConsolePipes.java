package io.asyncipc.sample.console;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.transport.EndpointState;
import io.asyncipc.transport.EndpointStatus;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Takes the console's snapshot of every pipe: state and connections from the containers,
 * health from the {@code pipe} health contributor (the one {@code /actuator/health} shows),
 * counters from the meters.
 */
@Component
public class ConsolePipes {

	private final ObjectProvider<PipeEndpointContainer> containers;

	private final ObjectProvider<CompositeHealthContributor> health;

	private final PipeMeters meters;

	private final ConnectionsSince since;

	ConsolePipes(ObjectProvider<PipeEndpointContainer> containers,
			@Qualifier("pipeHealthIndicator") ObjectProvider<CompositeHealthContributor> health, PipeMeters meters,
			ConnectionsSince since) {
		this.containers = containers;
		this.health = health;
		this.meters = meters;
		this.since = since;
	}

	/**
	 * Returns the state of this process's pipes now.
	 * @return the snapshot
	 */
	public ConsoleState snapshot() {
		List<ConsoleState.Pipe> pipes = new ArrayList<>();
		this.containers.orderedStream().forEach((container) -> pipes.add(pipe(container)));
		return new ConsoleState(ProcessHandle.current().pid(), Instant.now(), pipes);
	}

	/**
	 * Returns the id of the pipe of a name, for messages whose headers name the pipe.
	 * @param name the pipe name
	 * @return the id of the first pipe of that name, or the name if no pipe has it
	 */
	public String idOf(String name) {
		return this.containers.orderedStream()
			.filter((container) -> container.getName().equals(name))
			.map(PipeEndpointContainer::getId)
			.findFirst()
			.orElse(name);
	}

	private ConsoleState.Pipe pipe(PipeEndpointContainer container) {
		PipeEndpoint endpoint = container.getEndpoint();
		EndpointStatus status = (endpoint != null) ? endpoint.status() : null;
		Health health = health(container.getId());
		String problem = null;
		if (health != null) {
			Object error = health.getDetails().getOrDefault("error", health.getDetails().get("lastError"));
			problem = (error != null) ? error.toString() : null;
		}
		else if (status != null && status.lastError() != null) {
			problem = status.lastError().getMessage();
		}
		List<ConsoleState.Connection> connections = new ArrayList<>();
		if (endpoint != null) {
			for (PipeConnection connection : endpoint.connections()) {
				connections.add(new ConsoleState.Connection(connection.id(), connection.peer().user(),
						connection.peer().pid().isPresent() ? connection.peer().pid().getAsLong() : null,
						this.since.get(container.getId(), connection.id()), connection.queuedBytes()));
			}
			connections.sort(Comparator.comparing(ConsoleState.Connection::id));
		}
		return new ConsoleState.Pipe(container.getId(), container.getName(),
				container.getRole().name().toLowerCase(Locale.ROOT), container.getMode(),
				(endpoint != null) ? endpoint.address() : null,
				((status != null) ? status.state() : EndpointState.NEW).name(),
				(health != null) ? health.getStatus().getCode() : null, problem, connections,
				this.meters.read(container.getId()));
	}

	private Health health(String pipeId) {
		CompositeHealthContributor composite = this.health.getIfAvailable();
		HealthContributor contributor = (composite != null) ? composite.getContributor(pipeId) : null;
		return (contributor instanceof HealthIndicator indicator) ? indicator.health(true) : null;
	}

}
