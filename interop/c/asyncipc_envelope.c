/* The AsyncIPC envelope codec in portable C99; see asyncipc_envelope.h and docs/wire-format.md. */
#include "asyncipc_envelope.h"

#include <string.h>

const uint8_t AIPC_HELLO[AIPC_HELLO_SIZE] = { 0x89, 'A', 'I', 'P', AIPC_VERSION, 2, 0 };

static const uint8_t MAGIC[4] = { 0x89, 'A', 'I', 'P' };

enum { KIND_MESSAGE = 1, KIND_HELLO = 2, MIN_HEADER_ENTRY_SIZE = 5 };

/* A cursor over the message: the next offset, and the error offset if something is refused. */
struct reader {
    const uint8_t *message;
    size_t length;
    size_t offset;
    size_t error_offset;
};

static int fail(struct reader *r, int status, size_t at) {
    r->error_offset = at;
    return status;
}

static int need(struct reader *r, size_t width, size_t end) {
    if (end - r->offset < width) {
        return fail(r, end == r->length ? AIPC_ERR_TRUNCATED : AIPC_ERR_FIELD_LENGTH,
                    end == r->length ? r->length : r->offset);
    }
    return AIPC_OK;
}

static int read_uint(struct reader *r, size_t width, size_t end, uint32_t *value) {
    int status = need(r, width, end);
    if (status != AIPC_OK) {
        return status;
    }
    *value = 0;
    for (size_t i = 0; i < width; i++) {
        *value = (*value << 8) | r->message[r->offset++];
    }
    return AIPC_OK;
}

/* Strict UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF, no truncated sequences. */
static int utf8_valid(const uint8_t *s, size_t n, size_t *bad) {
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t extra;
        uint32_t min, code;
        if (c < 0x80) {
            i++;
            continue;
        }
        else if (c >= 0xC2 && c <= 0xDF) {
            extra = 1, min = 0x80, code = c & 0x1F;
        }
        else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2, min = 0x800, code = c & 0x0F;
        }
        else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3, min = 0x10000, code = c & 0x07;
        }
        else {
            *bad = i;
            return 0;
        }
        if (n - i <= extra) {
            *bad = i;
            return 0;
        }
        for (size_t k = 1; k <= extra; k++) {
            if ((s[i + k] & 0xC0) != 0x80) {
                *bad = i;
                return 0;
            }
            code = (code << 6) | (s[i + k] & 0x3F);
        }
        if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
            *bad = i;
            return 0;
        }
        i += extra + 1;
    }
    return 1;
}

static int read_string(struct reader *r, size_t limit, size_t end, struct aipc_bytes *out) {
    size_t at = r->offset;
    uint32_t length;
    int status = read_uint(r, 2, end, &length);
    if (status != AIPC_OK) {
        return status;
    }
    if (length > limit || length > end - r->offset) {
        return fail(r, AIPC_ERR_FIELD_LENGTH, at);
    }
    size_t bad;
    if (!utf8_valid(r->message + r->offset, length, &bad)) {
        return fail(r, AIPC_ERR_UTF8, r->offset + bad);
    }
    out->data = length ? r->message + r->offset : NULL;
    out->length = length;
    r->offset += length;
    return AIPC_OK;
}

static int same(struct aipc_bytes a, struct aipc_bytes b) {
    return a.length == b.length && (a.length == 0 || memcmp(a.data, b.data, a.length) == 0);
}

static int read_prefix(struct reader *r, unsigned expected_kind) {
    size_t compared = r->length < 4 ? r->length : 4;
    for (size_t i = 0; i < compared; i++) {
        if (r->message[i] != MAGIC[i]) {
            return fail(r, AIPC_ERR_MAGIC, i);
        }
    }
    if (compared < 4) {
        return fail(r, AIPC_ERR_TRUNCATED, r->length);
    }
    r->offset = 4;
    uint32_t version, kind;
    int status = read_uint(r, 1, r->length, &version);
    if (status != AIPC_OK) {
        return status;
    }
    if (version != AIPC_VERSION) {
        return fail(r, AIPC_ERR_VERSION, 4);
    }
    if ((status = read_uint(r, 1, r->length, &kind)) != AIPC_OK) {
        return status;
    }
    return kind == expected_kind ? AIPC_OK : fail(r, AIPC_ERR_KIND, 5);
}

int aipc_starts_with_magic(const uint8_t *message, size_t length) {
    return message != NULL && length >= 4 && memcmp(message, MAGIC, 4) == 0;
}

/*
 * Reads count keys and values, as an envelope's headers and a hello's parameters are laid out, up to end:
 * each key non-empty and once. Into entries if it is not NULL (it holds capacity); without an array, a key
 * is compared with those before it in the message itself.
 */
static int read_entries(struct reader *r, size_t end, struct aipc_header *entries, size_t capacity,
                        size_t *count_out) {
    uint32_t count;
    size_t count_at = r->offset;
    int status = read_uint(r, 2, end, &count);
    if (status != AIPC_OK) {
        return status;
    }
    if ((size_t) count * MIN_HEADER_ENTRY_SIZE > end - r->offset) {
        return fail(r, AIPC_ERR_FIELD_LENGTH, count_at);
    }
    if (entries != NULL && count > capacity) {
        return fail(r, AIPC_ERR_CAPACITY, count_at);
    }
    size_t first = r->offset;
    for (uint32_t i = 0; i < count; i++) {
        struct aipc_header entry;
        size_t key_at = r->offset;
        if ((status = read_string(r, AIPC_MAX_HEADER_KEY_LENGTH, end, &entry.key)) != AIPC_OK) {
            return status;
        }
        if (entry.key.length == 0) {
            return fail(r, AIPC_ERR_HEADER_KEY, key_at);
        }
        if (entries != NULL) {
            for (uint32_t j = 0; j < i; j++) {
                if (same(entries[j].key, entry.key)) {
                    return fail(r, AIPC_ERR_HEADER_KEY, key_at);
                }
            }
        }
        else {
            /* The entries before this one were read already, so their lengths are known to be in bounds. */
            for (size_t at = first; at < key_at;) {
                struct aipc_bytes key = { r->message + at + 2, ((size_t) r->message[at] << 8) | r->message[at + 1] };
                at += 2 + key.length;
                size_t value_length = ((size_t) r->message[at] << 8) | r->message[at + 1];
                at += 2 + value_length;
                if (same(key, entry.key)) {
                    return fail(r, AIPC_ERR_HEADER_KEY, key_at);
                }
            }
        }
        if ((status = read_string(r, AIPC_MAX_HEADER_VALUE_LENGTH, end, &entry.value)) != AIPC_OK) {
            return status;
        }
        if (entries != NULL) {
            entries[i] = entry;
        }
        *count_out = i + 1;
    }
    return AIPC_OK;
}

static int all_digits(struct aipc_bytes s, size_t max) {
    if (s.length == 0 || s.length > max) {
        return 0;
    }
    for (size_t i = 0; i < s.length; i++) {
        if (s.data[i] < '0' || s.data[i] > '9') {
            return 0;
        }
    }
    return 1;
}

static int connection_id_valid(struct aipc_bytes s) {
    if (s.length == 0 || s.length > AIPC_MAX_CONNECTION_ID_LENGTH) {
        return 0;
    }
    for (size_t i = 0; i < s.length; i++) {
        uint8_t c = s.data[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
              || c == ':' || c == '-')) {
            return 0;
        }
    }
    return 1;
}

/* The known parameters of version 1, found in the message's entries from offset first (already checked). */
static int read_known_parameters(struct reader *r, size_t first, size_t count, struct aipc_hello *out) {
    struct aipc_bytes size_key = aipc_string(AIPC_MAX_MESSAGE_SIZE_PARAMETER);
    struct aipc_bytes id_key = aipc_string(AIPC_CONNECTION_ID_PARAMETER);
    size_t at = first + 2;
    for (size_t i = 0; i < count; i++) {
        struct aipc_bytes key = { r->message + at + 2, ((size_t) r->message[at] << 8) | r->message[at + 1] };
        at += 2 + key.length;
        struct aipc_bytes value = { r->message + at + 2, ((size_t) r->message[at] << 8) | r->message[at + 1] };
        at += 2 + value.length;
        if (same(key, size_key)) {
            uint64_t size = 0;
            if (!all_digits(value, 18)) {
                return fail(r, AIPC_ERR_PARAMETER, AIPC_HELLO_SIZE);
            }
            for (size_t k = 0; k < value.length; k++) {
                size = size * 10 + (uint64_t) (value.data[k] - '0');
            }
            if (size == 0) {
                return fail(r, AIPC_ERR_PARAMETER, AIPC_HELLO_SIZE);
            }
            if (out != NULL) {
                out->max_message_size = size;
            }
        }
        else if (same(key, id_key)) {
            if (!connection_id_valid(value)) {
                return fail(r, AIPC_ERR_PARAMETER, AIPC_HELLO_SIZE);
            }
            if (out != NULL) {
                out->connection_id = value;
            }
        }
    }
    return AIPC_OK;
}

static int decode_hello(struct reader *r, size_t max_header_size, struct aipc_hello *out) {
    uint32_t flags;
    int status = read_prefix(r, KIND_HELLO);
    if (status != AIPC_OK || (status = read_uint(r, 1, r->length, &flags)) != AIPC_OK) {
        return status;
    }
    if (flags & ~AIPC_HELLO_FLAG_PARAMETERS) {
        return fail(r, AIPC_ERR_FLAGS, 6);
    }
    if (!(flags & AIPC_HELLO_FLAG_PARAMETERS)) {
        return r->length == AIPC_HELLO_SIZE ? AIPC_OK : fail(r, AIPC_ERR_UNUSED_BYTES, AIPC_HELLO_SIZE);
    }
    if (r->length - r->offset > max_header_size) {
        return fail(r, AIPC_ERR_HEADER_SECTION, AIPC_HELLO_SIZE);
    }
    size_t count = 0;
    status = read_entries(r, r->length, out != NULL ? out->parameters : NULL,
                          out != NULL ? out->parameter_capacity : 0, &count);
    if (status != AIPC_OK) {
        return status;
    }
    if (count == 0) {
        return fail(r, AIPC_ERR_FLAGS, 6); /* the parameters flag, and no parameters */
    }
    if (r->offset != r->length) {
        return fail(r, AIPC_ERR_UNUSED_BYTES, r->offset);
    }
    if (out != NULL) {
        out->parameter_count = count;
    }
    return read_known_parameters(r, AIPC_HELLO_SIZE, count, out);
}

int aipc_decode_hello(const uint8_t *message, size_t length, size_t max_header_size, struct aipc_hello *out,
                      size_t *error_offset) {
    if (message == NULL) {
        return AIPC_ERR_ARGUMENT;
    }
    if (out != NULL) {
        out->parameter_count = 0;
        out->max_message_size = 0;
        out->connection_id.data = NULL;
        out->connection_id.length = 0;
    }
    struct reader r = { message, length, 0, 0 };
    int status = decode_hello(&r, max_header_size, out);
    if (status != AIPC_OK && error_offset != NULL) {
        *error_offset = r.error_offset;
    }
    return status;
}

int aipc_check_hello(const uint8_t *message, size_t length, size_t *error_offset) {
    return aipc_decode_hello(message, length, AIPC_DEFAULT_MAX_HEADER_SIZE, NULL, error_offset);
}

static int decode(struct reader *r, size_t max_header_size, struct aipc_envelope *out) {
    struct aipc_header no_header; /* an array of none, for a caller that gives no array */
    uint32_t flags, section;
    int status = read_prefix(r, KIND_MESSAGE);
    if (status != AIPC_OK || (status = read_uint(r, 1, r->length, &flags)) != AIPC_OK) {
        return status;
    }
    if (flags & ~(AIPC_FLAG_REPLY | AIPC_FLAG_ERROR)) {
        return fail(r, AIPC_ERR_FLAGS, 6);
    }
    if ((status = read_uint(r, 4, r->length, &section)) != AIPC_OK) {
        return status;
    }
    if (section > max_header_size || section > r->length - r->offset || section < AIPC_MIN_HEADER_SIZE) {
        return fail(r, AIPC_ERR_HEADER_SECTION, 7);
    }
    size_t end = r->offset + section;
    out->flags = flags;
    out->header_count = 0;
    if ((status = read_string(r, AIPC_MAX_CONTENT_TYPE_LENGTH, end, &out->content_type)) != AIPC_OK
            || (status = read_string(r, AIPC_MAX_TYPE_ID_LENGTH, end, &out->type_id)) != AIPC_OK
            || (status = read_string(r, AIPC_MAX_CORRELATION_ID_LENGTH, end, &out->correlation_id)) != AIPC_OK) {
        return status;
    }
    if ((status = read_entries(r, end, out->headers != NULL ? out->headers : &no_header,
                               out->headers != NULL ? out->header_capacity : 0, &out->header_count)) != AIPC_OK) {
        return status;
    }
    if (r->offset != end) {
        return fail(r, AIPC_ERR_UNUSED_BYTES, r->offset);
    }
    out->payload.data = r->message + end;
    out->payload.length = r->length - end;
    return AIPC_OK;
}

int aipc_decode(const uint8_t *message, size_t length, size_t max_header_size, struct aipc_envelope *out,
                size_t *error_offset) {
    if (message == NULL || out == NULL) {
        return AIPC_ERR_ARGUMENT;
    }
    struct reader r = { message, length, 0, 0 };
    int status = decode(&r, max_header_size, out);
    if (status != AIPC_OK && error_offset != NULL) {
        *error_offset = r.error_offset;
    }
    return status;
}

static size_t header_section_size(const struct aipc_envelope *e) {
    if (e->content_type.length > AIPC_MAX_CONTENT_TYPE_LENGTH || e->type_id.length > AIPC_MAX_TYPE_ID_LENGTH
            || e->correlation_id.length > AIPC_MAX_CORRELATION_ID_LENGTH || e->header_count > AIPC_MAX_HEADER_COUNT
            || (e->header_count > 0 && e->headers == NULL)) {
        return 0;
    }
    size_t size = AIPC_MIN_HEADER_SIZE + e->content_type.length + e->type_id.length + e->correlation_id.length;
    for (size_t i = 0; i < e->header_count; i++) {
        if (e->headers[i].key.length > AIPC_MAX_HEADER_KEY_LENGTH
                || e->headers[i].value.length > AIPC_MAX_HEADER_VALUE_LENGTH) {
            return 0;
        }
        size += 4 + e->headers[i].key.length + e->headers[i].value.length;
    }
    return size;
}

size_t aipc_encoded_size(const struct aipc_envelope *envelope) {
    if (envelope == NULL) {
        return 0;
    }
    size_t section = header_section_size(envelope);
    return section == 0 ? 0 : AIPC_PREFIX_SIZE + section + envelope->payload.length;
}

static int valid_string(struct aipc_bytes s) {
    size_t bad;
    return (s.length == 0 || s.data != NULL) && utf8_valid(s.data, s.length, &bad);
}

static uint8_t *put_uint(uint8_t *p, uint32_t value, size_t width) {
    for (size_t i = 0; i < width; i++) {
        p[i] = (uint8_t) (value >> (8 * (width - 1 - i)));
    }
    return p + width;
}

static uint8_t *put_string(uint8_t *p, struct aipc_bytes s) {
    p = put_uint(p, (uint32_t) s.length, 2);
    if (s.length > 0) {
        memcpy(p, s.data, s.length);
    }
    return p + s.length;
}

int aipc_encode(const struct aipc_envelope *e, size_t max_header_size, uint8_t *buffer, size_t capacity,
                size_t *written) {
    if (e == NULL || buffer == NULL || written == NULL || (e->flags & ~(AIPC_FLAG_REPLY | AIPC_FLAG_ERROR))
            || (e->payload.length > 0 && e->payload.data == NULL)) {
        return AIPC_ERR_ARGUMENT;
    }
    size_t section = header_section_size(e);
    if (section == 0) {
        return AIPC_ERR_FIELD_LENGTH;
    }
    if (section > max_header_size) {
        return AIPC_ERR_HEADER_SECTION;
    }
    if (!valid_string(e->content_type) || !valid_string(e->type_id) || !valid_string(e->correlation_id)) {
        return AIPC_ERR_UTF8;
    }
    for (size_t i = 0; i < e->header_count; i++) {
        if (e->headers[i].key.length == 0) {
            return AIPC_ERR_HEADER_KEY;
        }
        for (size_t j = 0; j < i; j++) {
            if (same(e->headers[j].key, e->headers[i].key)) {
                return AIPC_ERR_HEADER_KEY;
            }
        }
        if (!valid_string(e->headers[i].key) || !valid_string(e->headers[i].value)) {
            return AIPC_ERR_UTF8;
        }
    }
    size_t total = AIPC_PREFIX_SIZE + section + e->payload.length;
    if (total < section || capacity < total) {
        return AIPC_ERR_CAPACITY;
    }
    uint8_t *p = buffer;
    memcpy(p, MAGIC, 4);
    p += 4;
    *p++ = AIPC_VERSION;
    *p++ = KIND_MESSAGE;
    *p++ = (uint8_t) e->flags;
    p = put_uint(p, (uint32_t) section, 4);
    p = put_string(p, e->content_type);
    p = put_string(p, e->type_id);
    p = put_string(p, e->correlation_id);
    p = put_uint(p, (uint32_t) e->header_count, 2);
    for (size_t i = 0; i < e->header_count; i++) {
        p = put_string(p, e->headers[i].key);
        p = put_string(p, e->headers[i].value);
    }
    if (e->payload.length > 0) {
        memcpy(p, e->payload.data, e->payload.length);
    }
    *written = total;
    return AIPC_OK;
}

int aipc_encode_hello(const struct aipc_header *parameters, size_t count, size_t max_header_size, uint8_t *buffer,
                      size_t capacity, size_t *written) {
    if (buffer == NULL || written == NULL || (count > 0 && parameters == NULL)) {
        return AIPC_ERR_ARGUMENT;
    }
    if (count > AIPC_MAX_HEADER_COUNT) {
        return AIPC_ERR_FIELD_LENGTH;
    }
    size_t size = count == 0 ? 0 : 2;
    for (size_t i = 0; i < count; i++) {
        const struct aipc_header *p = &parameters[i];
        if (p->key.length > AIPC_MAX_HEADER_KEY_LENGTH || p->value.length > AIPC_MAX_HEADER_VALUE_LENGTH) {
            return AIPC_ERR_FIELD_LENGTH;
        }
        if (p->key.length == 0) {
            return AIPC_ERR_HEADER_KEY;
        }
        for (size_t j = 0; j < i; j++) {
            if (same(parameters[j].key, p->key)) {
                return AIPC_ERR_HEADER_KEY;
            }
        }
        if (!valid_string(p->key) || !valid_string(p->value)) {
            return AIPC_ERR_UTF8;
        }
        size += 4 + p->key.length + p->value.length;
    }
    if (size > max_header_size) {
        return AIPC_ERR_HEADER_SECTION;
    }
    if (capacity < AIPC_HELLO_SIZE + size) {
        return AIPC_ERR_CAPACITY;
    }
    memcpy(buffer, AIPC_HELLO, AIPC_HELLO_SIZE);
    uint8_t *p = buffer + AIPC_HELLO_SIZE;
    if (count > 0) {
        buffer[AIPC_HELLO_SIZE - 1] = AIPC_HELLO_FLAG_PARAMETERS;
        p = put_uint(p, (uint32_t) count, 2);
        for (size_t i = 0; i < count; i++) {
            p = put_string(p, parameters[i].key);
            p = put_string(p, parameters[i].value);
        }
    }
    *written = AIPC_HELLO_SIZE + size;
    return AIPC_OK;
}

const char *aipc_strerror(int status) {
    switch (status) {
    case AIPC_OK: return "no error";
    case AIPC_ERR_TRUNCATED: return "envelope truncated: the message ends inside a field";
    case AIPC_ERR_MAGIC: return "not an envelope: no magic 89 41 49 50 (if the peer sends raw messages, use the "
                                "raw format)";
    case AIPC_ERR_VERSION: return "envelope version not supported: this side speaks version 1";
    case AIPC_ERR_KIND: return "unexpected envelope kind (1 is a message, 2 a hello)";
    case AIPC_ERR_FLAGS: return "reserved envelope flag bits are set, or a hello's parameters flag without "
                                "parameters";
    case AIPC_ERR_HEADER_SECTION: return "envelope header section length under 8, over the maximum, or past the end "
                                         "of the message (or hello parameters over the maximum header size)";
    case AIPC_ERR_FIELD_LENGTH: return "envelope field over its limit, or past the end of the header section";
    case AIPC_ERR_UTF8: return "envelope string is not valid UTF-8";
    case AIPC_ERR_HEADER_KEY: return "envelope header key (or hello parameter key) empty or repeated";
    case AIPC_ERR_UNUSED_BYTES: return "unused bytes after the last field";
    case AIPC_ERR_CAPACITY: return "more headers than the array holds, or an output buffer too small";
    case AIPC_ERR_ARGUMENT: return "bad argument";
    case AIPC_ERR_PARAMETER: return "a hello parameter with a value that cannot be read (max-message-size: 1 to 18 "
                                    "decimal digits, not 0; connection-id: 1 to 64 letters, digits, '.', '_', ':' "
                                    "or '-')";
    default: return "unknown status";
    }
}

struct aipc_bytes aipc_string(const char *text) {
    struct aipc_bytes bytes = { (const uint8_t *) text, text != NULL ? strlen(text) : 0 };
    return bytes;
}
