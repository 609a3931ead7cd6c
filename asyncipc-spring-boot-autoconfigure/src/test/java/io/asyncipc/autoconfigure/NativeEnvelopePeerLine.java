package io.asyncipc.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line that a peer of {@code interop/} prints: an event ({@code ready}, {@code connected},
 * {@code received}, {@code reply}, {@code remote-error}), then tab-separated {@code key=value}
 * fields (format, type, content, correlation, flags, headers, payload), with {@code -} for none
 * and {@code \t}, {@code \n}, {@code \r}, {@code \\} and {@code \xNN} escaped.
 * @param event the first field
 * @param fields the others, unescaped, in order
 */
record NativeEnvelopePeerLine(String event, Map<String, String> fields) {

	static NativeEnvelopePeerLine parse(String line) {
		String[] parts = line.split("\t", -1);
		Map<String, String> fields = new LinkedHashMap<>();
		for (int i = 1; i < parts.length; i++) {
			int equals = parts[i].indexOf('=');
			if (equals < 0) {
				throw new IllegalArgumentException("field " + i + " of the peer's line '" + line + "' has no '='");
			}
			fields.put(parts[i].substring(0, equals), parts[i].substring(equals + 1));
		}
		return new NativeEnvelopePeerLine(parts[0], fields);
	}

	String format() {
		return this.fields.get("format");
	}

	String typeId() {
		return orNull(this.fields.get("type"));
	}

	String contentType() {
		return orNull(this.fields.get("content"));
	}

	String correlationId() {
		return orNull(this.fields.get("correlation"));
	}

	String flags() {
		return this.fields.get("flags");
	}

	String payload() {
		return unescape(this.fields.get("payload"));
	}

	/**
	 * Returns the headers the peer printed.
	 * @return the headers in order; keys and values here contain no {@code ;} or {@code =}
	 */
	Map<String, String> headers() {
		Map<String, String> headers = new LinkedHashMap<>();
		String printed = this.fields.get("headers");
		if (printed != null && !printed.equals("-")) {
			for (String header : printed.split(";")) {
				int equals = header.indexOf('=');
				headers.put(unescape(header.substring(0, equals)), unescape(header.substring(equals + 1)));
			}
		}
		return headers;
	}

	private static String orNull(String value) {
		return (value == null || value.equals("-")) ? null : unescape(value);
	}

	private static String unescape(String text) {
		if (text == null) {
			return null;
		}
		StringBuilder out = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c != '\\' || i + 1 == text.length()) {
				out.append(c);
				continue;
			}
			char next = text.charAt(++i);
			switch (next) {
				case 't' -> out.append('\t');
				case 'n' -> out.append('\n');
				case 'r' -> out.append('\r');
				case 'x' -> {
					out.append((char) Integer.parseInt(text.substring(i + 1, i + 3), 16));
					i += 2;
				}
				default -> out.append(next);
			}
		}
		return out.toString();
	}

}
