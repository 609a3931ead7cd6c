package io.asyncipc.transport.windows;

import java.util.regex.Pattern;

import io.asyncipc.transport.PipeException;

/**
 * Maps a pipe name to its Windows path: {@code orders} becomes {@code \\.\pipe\orders}; a
 * name that already is such a path is used as it is.
 */
final class WindowsPipeNames {

	static final String PREFIX = "\\\\.\\pipe\\";

	private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");

	private WindowsPipeNames() {
	}

	static String resolve(String name) {
		if (name == null || name.isBlank()) {
			throw new PipeException("pipe name must not be empty");
		}
		String plain = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
		if (!PLAIN_NAME.matcher(plain).matches()) {
			throw new PipeException("pipe name '" + name + "' may only contain letters, digits, '.', '_' and '-' "
					+ "(at most 200), optionally after " + PREFIX);
		}
		return PREFIX + plain;
	}

}
