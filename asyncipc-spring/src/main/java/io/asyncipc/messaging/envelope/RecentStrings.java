package io.asyncipc.messaging.envelope;

import java.util.Arrays;

/**
 * The last string a codec decoded for one field, with its bytes, so that a field that repeats
 * from message to message (the content type and the type id: the same few values on a
 * connection) is compared instead of decoded and allocated again. One entry per field: a new
 * value replaces it. Shared by the threads that use one codec: an entry is immutable, so a
 * thread sees either a whole entry or the one before, and a miss only costs a decoding.
 */
final class RecentStrings {

	private volatile Entry last;

	/**
	 * Returns the string of these bytes if it is the one decoded last.
	 * @return the string, or {@code null} if these bytes are not the last ones
	 */
	String get(byte[] message, int start, int length) {
		Entry entry = this.last;
		if (entry != null && Arrays.equals(entry.utf8, 0, entry.utf8.length, message, start, start + length)) {
			return entry.value;
		}
		return null;
	}

	/**
	 * Remembers a string decoded from these bytes, which must be its exact UTF-8.
	 */
	void put(byte[] message, int start, int length, String value) {
		this.last = new Entry(Arrays.copyOfRange(message, start, start + length), value);
	}

	private record Entry(byte[] utf8, String value) {
	}

}
