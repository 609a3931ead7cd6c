package io.asyncipc.autoconfigure;

import java.nio.file.Path;
import java.util.List;

import io.asyncipc.messaging.PipeStartupException;
import io.asyncipc.transport.TestNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pipe that cannot start gives Spring Boot's short report, which names the property and what
 * to do, for real startup failures: a name in use, a bad name, an unsafe directory, and a
 * fail-fast client without server.
 */
class PipeStartupFailureAnalyzerTests {

	@TempDir
	Path temp;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncIpcAutoConfiguration.class));

	@Test
	void isRegisteredWithSpringBoot() {
		// Boot's own analyzers need constructor arguments that Boot passes; only ours matters here.
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, (factoryType, implementationName, failure) -> {
			});
		assertThat(analyzers).hasAtLeastOneElementOfType(PipeStartupFailureAnalyzer.class);
	}

	@Test
	void aNameInUseSaysToStopTheOtherServerOrRenameThePipe() {
		String name = TestNames.random();
		this.runner.withPropertyValues("asyncipc.name=" + name).run((first) -> {
			assertThat(first).hasNotFailed();
			this.runner.withPropertyValues("asyncipc.name=" + name).run((second) -> {
				FailureAnalysis analysis = analyze(second.getStartupFailure());
				assertThat(analysis.getDescription()).startsWith("Pipe '" + name + "' (server, mode ")
					.contains("set by asyncipc.name")
					.contains("already in use");
				assertThat(analysis.getAction()).isEqualTo("Another process serves pipe '" + name
						+ "' already: stop it, or set asyncipc.name to another name.");
			});
		});
	}

	@Test
	void aBadNameOfAPipeOfTheMapNamesItsOwnProperty() {
		this.runner.withPropertyValues("asyncipc.pipes.orders.name=not a name").run((context) -> {
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("set by asyncipc.pipes.orders.name")
				.contains("may only contain letters");
			assertThat(analysis.getAction()).contains("set asyncipc.pipes.orders.name to a plain name");
		});
	}

	@Test
	@DisabledOnOs(value = OS.WINDOWS, disabledReason = "socket paths are a Unix matter")
	void aMissingDirectorySaysHowToCreateIt() {
		Path missing = this.temp.resolve("missing");
		this.runner.withPropertyValues("asyncipc.name=" + missing.resolve("x.sock")).run((context) -> {
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("mkdir -m 700 " + missing);
		});
	}

	@Test
	void aFailFastClientWithoutServerSaysToStartItOrTurnFailFastOff() {
		this.runner
			.withPropertyValues("asyncipc.name=" + TestNames.random(), "asyncipc.role=client",
					"asyncipc.client.fail-fast=true", "asyncipc.client.startup-timeout=200ms")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).startsWith("Pipe '").contains("(client, mode ");
				assertThat(analysis.getAction()).contains("or set asyncipc.client.fail-fast=false");
			});
	}

	private static FailureAnalysis analyze(Throwable failure) {
		assertThat(failure).hasRootCauseInstanceOf(Exception.class);
		FailureAnalysis analysis = new PipeStartupFailureAnalyzer().analyze(failure);
		assertThat(analysis).as("analysis of %s", failure).isNotNull();
		assertThat(analysis.getCause()).isInstanceOf(PipeStartupException.class);
		return analysis;
	}

}
