package io.asyncipc.messaging.envelope;

/**
 * The last string a codec encoded for one field, with its UTF-8, so that a field that repeats
 * from message to message (the content type and the type id: the same few values on a pipe,
 * mostly the very same {@code String} instances, which {@code MimeType.toString()} and
 * {@code Class.getName()} keep) is copied instead of checked and encoded again. The
 * counterpart of {@link RecentStrings} on the sending side. One entry per field: a new value
 * replaces it. Shared by the threads that use one codec: an entry is immutable, so a thread
 * sees either a whole entry or the one before, and a miss only costs an encoding.
 */
final class RecentEncodings {

	private volatile Entry last;

	/**
	 * Returns the UTF-8 of a string if it is the one encoded last.
	 * @return the bytes, not to be changed, or {@code null} if the string is not the last one
	 */
	byte[] get(String value) {
		Entry entry = this.last;
		return (entry != null && (entry.value == value || entry.value.equals(value))) ? entry.utf8 : null;
	}

	/**
	 * Remembers the UTF-8 of a string, which must be checked against its field's limits.
	 */
	void put(String value, byte[] utf8) {
		this.last = new Entry(value, utf8);
	}

	private record Entry(String value, byte[] utf8) {
	}

}
