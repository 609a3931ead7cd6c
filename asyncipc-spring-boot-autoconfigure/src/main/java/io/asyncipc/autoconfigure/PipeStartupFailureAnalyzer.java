package io.asyncipc.autoconfigure;

import java.util.Locale;

import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.messaging.PipeStartupException;
import io.asyncipc.transport.PipeAddressInUseException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a pipe that could not start into Spring Boot's short "APPLICATION FAILED TO START"
 * report instead of a long stack trace: what went wrong, with the property that names the pipe,
 * and what to do.
 */
class PipeStartupFailureAnalyzer extends AbstractFailureAnalyzer<PipeStartupException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PipeStartupException failure) {
		String nameProperty = PipeEndpointContainer.DEFAULT_ID.equals(failure.getPipeId()) ? "asyncipc.name"
				: "asyncipc.pipes." + failure.getPipeId() + ".name";
		String description = "Pipe '" + failure.getPipeName() + "' (" + failure.getRole().name().toLowerCase(Locale.ROOT)
				+ ", mode " + failure.getMode() + ", set by " + nameProperty + ") could not start:\n\n    "
				+ failure.getCause().getMessage();
		return new FailureAnalysis(description, action(failure, nameProperty), failure);
	}

	private static String action(PipeStartupException failure, String nameProperty) {
		if (failure.getFailFastProperty() != null) {
			return "Start the server of pipe '" + failure.getPipeName() + "' first, and check that both sides set the "
					+ "same name and mode; or set " + failure.getFailFastProperty() + "=false to start without it and "
					+ "connect in the background.";
		}
		if (failure.getCause() instanceof PipeAddressInUseException) {
			return "Another process serves pipe '" + failure.getPipeName() + "' already: stop it, or set "
					+ nameProperty + " to another name.";
		}
		return "Do what the message above says, or set " + nameProperty + " to a plain name (letters, digits, '.', "
				+ "'_' and '-', at most 100), which lives in a private directory of your own; an absolute socket path "
				+ "must lie in an existing directory of yours that nobody else can write.";
	}

}
