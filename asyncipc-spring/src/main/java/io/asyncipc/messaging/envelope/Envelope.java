package io.asyncipc.messaging.envelope;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One application message with what travels beside it: a content type, a type id, a correlation
 * id, the reply and error flags, and user headers (string keys and values, in order). Immutable,
 * except for the payload array, which is neither copied in nor out, so that a large payload is
 * not copied twice; do not change it once it is in an envelope.
 * <p>Absent and empty strings are the same thing on the wire, so an empty content type, type id
 * or correlation id is kept as {@code null}. {@link EnvelopeCodec} turns envelopes into the bytes
 * of one transport message and back.
 */
public final class Envelope {

	private static final byte[] NO_BYTES = new byte[0];

	private final String contentType;

	private final String typeId;

	private final String correlationId;

	private final boolean reply;

	private final boolean error;

	private final Map<String, String> headers;

	private final byte[] payload;

	private Envelope(Builder builder) {
		this.contentType = builder.contentType;
		this.typeId = builder.typeId;
		this.correlationId = builder.correlationId;
		this.reply = builder.reply;
		this.error = builder.error;
		this.headers = (builder.headers == null) ? Map.of()
				: Collections.unmodifiableMap(new LinkedHashMap<>(builder.headers));
		this.payload = builder.payload;
	}

	/**
	 * Returns an envelope with this payload and nothing else.
	 * @param payload the payload, not copied
	 * @return the envelope
	 */
	public static Envelope of(byte[] payload) {
		return builder().payload(payload).build();
	}

	/**
	 * Returns a builder of an empty envelope.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns the content type, such as {@code application/json}.
	 * @return the content type, or {@code null} if there is none
	 */
	public String getContentType() {
		return this.contentType;
	}

	/**
	 * Returns the type id, which tells the receiver what the payload is, such as a class name.
	 * @return the type id, or {@code null} if there is none
	 */
	public String getTypeId() {
		return this.typeId;
	}

	/**
	 * Returns the correlation id that ties a reply to its request.
	 * @return the correlation id, or {@code null} if there is none
	 */
	public String getCorrelationId() {
		return this.correlationId;
	}

	/**
	 * Returns whether this envelope is a reply to a request (with the request's correlation id).
	 * @return whether it is a reply
	 */
	public boolean isReply() {
		return this.reply;
	}

	/**
	 * Returns whether this envelope reports an error instead of a result.
	 * @return whether it is an error
	 */
	public boolean isError() {
		return this.error;
	}

	/**
	 * Returns the user headers in the order they were added (and travel).
	 * @return an unmodifiable map, empty if there are none
	 */
	public Map<String, String> getHeaders() {
		return this.headers;
	}

	/**
	 * Returns the payload, not copied.
	 * @return the payload, never {@code null}
	 */
	public byte[] getPayload() {
		return this.payload;
	}

	@Override
	public boolean equals(Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof Envelope that)) {
			return false;
		}
		// Headers travel in order, so two envelopes whose headers differ only in order are not the same bytes.
		return this.reply == that.reply && this.error == that.error
				&& Objects.equals(this.contentType, that.contentType) && Objects.equals(this.typeId, that.typeId)
				&& Objects.equals(this.correlationId, that.correlationId)
				&& new ArrayList<>(this.headers.entrySet()).equals(new ArrayList<>(that.headers.entrySet()))
				&& Arrays.equals(this.payload, that.payload);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.contentType, this.typeId, this.correlationId, this.reply, this.error, this.headers,
				Arrays.hashCode(this.payload));
	}

	@Override
	public String toString() {
		return "Envelope[contentType=" + this.contentType + ", typeId=" + this.typeId + ", correlationId="
				+ this.correlationId + ", reply=" + this.reply + ", error=" + this.error + ", headers=" + this.headers
				+ ", payload=" + this.payload.length + " bytes]";
	}

	/**
	 * Builds an {@link Envelope}. The limits of the wire format are checked when the envelope is
	 * encoded, since the maximum header size belongs to the codec.
	 */
	public static final class Builder {

		private String contentType;

		private String typeId;

		private String correlationId;

		private boolean reply;

		private boolean error;

		/** Made with the first header: most envelopes have none. */
		private Map<String, String> headers;

		private byte[] payload = NO_BYTES;

		private Builder() {
		}

		/**
		 * Sets the content type.
		 * @param contentType the content type; {@code null} or empty for none
		 * @return this builder
		 */
		public Builder contentType(String contentType) {
			this.contentType = emptyToNull(contentType);
			return this;
		}

		/**
		 * Sets the type id.
		 * @param typeId the type id; {@code null} or empty for none
		 * @return this builder
		 */
		public Builder typeId(String typeId) {
			this.typeId = emptyToNull(typeId);
			return this;
		}

		/**
		 * Sets the correlation id.
		 * @param correlationId the correlation id; {@code null} or empty for none
		 * @return this builder
		 */
		public Builder correlationId(String correlationId) {
			this.correlationId = emptyToNull(correlationId);
			return this;
		}

		/**
		 * Sets whether the envelope is a reply.
		 * @param reply whether it is a reply
		 * @return this builder
		 */
		public Builder reply(boolean reply) {
			this.reply = reply;
			return this;
		}

		/**
		 * Sets whether the envelope reports an error.
		 * @param error whether it is an error
		 * @return this builder
		 */
		public Builder error(boolean error) {
			this.error = error;
			return this;
		}

		/**
		 * Adds a user header, after those added before; a key added again keeps its first place
		 * and takes the new value.
		 * @param key the key, not empty
		 * @param value the value, may be empty
		 * @return this builder
		 */
		public Builder header(String key, String value) {
			if (key == null || key.isEmpty()) {
				throw new IllegalArgumentException("an envelope header needs a key that is not empty, got "
						+ (key == null ? "null" : "''") + " (with the value '" + value + "')");
			}
			if (value == null) {
				throw new IllegalArgumentException("envelope header '" + key
						+ "' has the value null; send an empty string, or leave the header out");
			}
			if (this.headers == null) {
				this.headers = new LinkedHashMap<>();
			}
			this.headers.put(key, value);
			return this;
		}

		/**
		 * Adds user headers in the map's order, as {@link #header(String, String)} does.
		 * @param headers the headers
		 * @return this builder
		 */
		public Builder headers(Map<String, String> headers) {
			headers.forEach(this::header);
			return this;
		}

		/**
		 * Sets the payload.
		 * @param payload the payload, not copied; {@code null} for an empty one
		 * @return this builder
		 */
		public Builder payload(byte[] payload) {
			this.payload = (payload != null) ? payload : NO_BYTES;
			return this;
		}

		/**
		 * Builds the envelope.
		 * @return the envelope
		 */
		public Envelope build() {
			return new Envelope(this);
		}

		private static String emptyToNull(String value) {
			return (value == null || value.isEmpty()) ? null : value;
		}

	}

}
