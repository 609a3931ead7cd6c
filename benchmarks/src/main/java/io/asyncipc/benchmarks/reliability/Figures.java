package io.asyncipc.benchmarks.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The figures of one scenario and the checks they failed, printed as Markdown. A failed check
 * is reported, never hidden: the run goes on and exits non-zero at the end.
 */
final class Figures {

	private final String title;

	private final List<String> lines = new ArrayList<>();

	private final List<String> failures = new ArrayList<>();

	Figures(String title) {
		this.title = title;
	}

	/**
	 * Adds one figure, formatted with {@link String#format}.
	 * @param format the format
	 * @param arguments its arguments
	 */
	void add(String format, Object... arguments) {
		String line = String.format(Locale.ROOT, format, arguments);
		this.lines.add(line);
		// Progress for the runner's log, in case a scenario never ends.
		System.err.println(this.title + ": " + line);
	}

	/**
	 * Records a check: if it failed, its message appears as a failure.
	 * @param passed whether the check passed
	 * @param failure what went wrong, formatted with {@link String#format}
	 * @param arguments the arguments of the message
	 */
	void check(boolean passed, String failure, Object... arguments) {
		if (!passed) {
			this.failures.add(String.format(Locale.ROOT, failure, arguments));
		}
	}

	boolean passed() {
		return this.failures.isEmpty();
	}

	String title() {
		return this.title;
	}

	List<String> failures() {
		return this.failures;
	}

	String toMarkdown() {
		StringBuilder text = new StringBuilder("### ").append(this.title).append('\n');
		this.lines.forEach((line) -> text.append("- ").append(line).append('\n'));
		text.append(passed() ? "- **all checks passed**\n" : "- **FAILED:**\n");
		this.failures.forEach((failure) -> text.append("  - ").append(failure).append('\n'));
		return text.toString();
	}

	static String mib(long bytes) {
		return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
	}

	static String kib(double bytes) {
		return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
	}

}
