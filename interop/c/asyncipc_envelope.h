/*
 * The AsyncIPC envelope in portable C99: encode and decode an envelope, and the hello, as documented byte by
 * byte in docs/wire-format.md ("The envelope"). Copy asyncipc_envelope.h and asyncipc_envelope.c into your
 * project; they need nothing but the C standard library and do no I/O. The framing under an envelope (a
 * 4-byte big-endian length on a Unix socket, one message of a message-mode named pipe on Windows) is the
 * caller's: see envelope_peer.c.
 *
 * Decoding allocates nothing: the strings and the payload of a decoded envelope point into the message,
 * and the headers go into an array the caller gives. Every length is checked against what remains and
 * against its limit before it is used, and the decoder is as strict as AsyncIPC's own: whatever it accepts
 * encodes back to the same bytes.
 */
#ifndef ASYNCIPC_ENVELOPE_H
#define ASYNCIPC_ENVELOPE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AIPC_VERSION 1
#define AIPC_FLAG_REPLY 0x01u
#define AIPC_FLAG_ERROR 0x02u
#define AIPC_HELLO_SIZE 7
#define AIPC_HELLO_FLAG_PARAMETERS 0x01u
#define AIPC_MAX_MESSAGE_SIZE_PARAMETER "max-message-size"
#define AIPC_CONNECTION_ID_PARAMETER "connection-id"
#define AIPC_MAX_CONNECTION_ID_LENGTH 64u
#define AIPC_PREFIX_SIZE 11
#define AIPC_DEFAULT_MAX_HEADER_SIZE (64u * 1024u)
#define AIPC_MIN_HEADER_SIZE 8u
#define AIPC_MAX_CONTENT_TYPE_LENGTH 255u
#define AIPC_MAX_TYPE_ID_LENGTH 1024u
#define AIPC_MAX_CORRELATION_ID_LENGTH 255u
#define AIPC_MAX_HEADER_KEY_LENGTH 255u
#define AIPC_MAX_HEADER_VALUE_LENGTH 65535u
#define AIPC_MAX_HEADER_COUNT 65535u

/* What the functions return: AIPC_OK, or a negative code that aipc_strerror describes. */
enum aipc_status {
    AIPC_OK = 0,
    AIPC_ERR_TRUNCATED = -1,     /* the message ends inside a field */
    AIPC_ERR_MAGIC = -2,         /* it does not start with 89 41 49 50: not an envelope (a raw message?) */
    AIPC_ERR_VERSION = -3,       /* a version other than 1 */
    AIPC_ERR_KIND = -4,          /* not the kind expected (message or hello) */
    AIPC_ERR_FLAGS = -5,         /* reserved flag bits set */
    AIPC_ERR_HEADER_SECTION = -6,/* header section length under 8, over the maximum, or past the end */
    AIPC_ERR_FIELD_LENGTH = -7,  /* a field over its limit, or past the end of the header section */
    AIPC_ERR_UTF8 = -8,          /* a string that is not strict UTF-8 */
    AIPC_ERR_HEADER_KEY = -9,    /* an empty or repeated header key */
    AIPC_ERR_UNUSED_BYTES = -10, /* bytes left in the header section after its fields */
    AIPC_ERR_CAPACITY = -11,     /* more headers than the caller's array holds, or an output buffer too small */
    AIPC_ERR_ARGUMENT = -12,     /* a null pointer, or a value the encoder cannot send */
    AIPC_ERR_PARAMETER = -13     /* a hello parameter this version knows, with a value it cannot read */
};

/* Bytes in a message or in the caller's memory: not NUL-terminated. An absent string has length 0. */
struct aipc_bytes {
    const uint8_t *data;
    size_t length;
};

struct aipc_header {
    struct aipc_bytes key;
    struct aipc_bytes value;
};

struct aipc_envelope {
    unsigned flags;                     /* AIPC_FLAG_REPLY, AIPC_FLAG_ERROR */
    struct aipc_bytes content_type;     /* such as "application/json" */
    struct aipc_bytes type_id;          /* what the payload is, such as a Java class name */
    struct aipc_bytes correlation_id;   /* ties a reply to its request */
    struct aipc_header *headers;        /* the caller's array: decoded into, encoded from */
    size_t header_count;                /* how many headers are in it */
    size_t header_capacity;             /* decoding: how many it can hold */
    struct aipc_bytes payload;          /* binary-safe, possibly empty */
};

/*
 * The hello of version 1 without parameters, 89 41 49 50 01 02 00: an envelope peer's first message on a
 * connection, and a server's answer to a client's hello without parameters.
 */
extern const uint8_t AIPC_HELLO[AIPC_HELLO_SIZE];

/*
 * What a hello said. The parameters of version 1 are read into max_message_size (0 if the peer did not say:
 * it accepts what AsyncIPC's default does, or more) and connection_id (the server's id of the connection,
 * length 0 if none; it points into the message). Others are ignored, unless the caller gives an array:
 * parameters, with room for parameter_capacity entries, gets all of them, keys and values pointing into the
 * message. parameter_count is how many the hello had, 0 for the 7-byte hello.
 */
struct aipc_hello {
    struct aipc_header *parameters;
    size_t parameter_capacity;
    size_t parameter_count;
    uint64_t max_message_size;
    struct aipc_bytes connection_id;
};

/* Whether a message starts with the magic, so that it is meant as an envelope or hello (of any version). */
int aipc_starts_with_magic(const uint8_t *message, size_t length);

/*
 * Decodes a hello of version 1, with or without parameters, as strictly as AsyncIPC's codec: the parameters
 * (flag bit 0) are a 2-byte count of at least 1, then keys and values laid out as an envelope's headers,
 * each key once, at most max_header_size bytes in all. max-message-size must be 1 to 18 decimal digits, not
 * 0, and connection-id 1 to 64 letters, digits, '.', '_', ':' or '-' (else AIPC_ERR_PARAMETER). out may be
 * NULL; with an array in out->parameters, a hello of more parameters than it holds is AIPC_ERR_CAPACITY.
 */
int aipc_decode_hello(const uint8_t *message, size_t length, size_t max_header_size, struct aipc_hello *out,
                      size_t *error_offset);

/* AIPC_OK if the message is a hello of version 1 (aipc_decode_hello with the default limit), else why not. */
int aipc_check_hello(const uint8_t *message, size_t length, size_t *error_offset);

/*
 * Encodes a hello into buffer, which holds capacity bytes; *written gets the size. Without parameters
 * (count 0) it is AIPC_HELLO; else the parameters flag and the parameters, such as
 * { aipc_string(AIPC_MAX_MESSAGE_SIZE_PARAMETER), aipc_string("16777216") }. Keys must be non-empty and
 * unique, strings UTF-8, and the parameters within max_header_size.
 */
int aipc_encode_hello(const struct aipc_header *parameters, size_t count, size_t max_header_size, uint8_t *buffer,
                      size_t capacity, size_t *written);

/*
 * Decodes one transport message. On AIPC_OK, out's strings, headers and payload point into message (which
 * must outlive them) and into out->headers, which must hold out->header_capacity entries. On an error,
 * *error_offset (if not NULL) is the offset of the bad byte, and out is unspecified.
 * max_header_size is the largest header section accepted (AIPC_DEFAULT_MAX_HEADER_SIZE, at least 8).
 */
int aipc_decode(const uint8_t *message, size_t length, size_t max_header_size, struct aipc_envelope *out,
                size_t *error_offset);

/* The size of envelope's encoding, or 0 if a field is over its limit. */
size_t aipc_encoded_size(const struct aipc_envelope *envelope);

/*
 * Encodes an envelope into buffer, which holds capacity bytes; *written gets the size. Checks the limits,
 * that keys are non-empty and unique and that strings are UTF-8, so that it never sends what AsyncIPC
 * refuses. Returns AIPC_ERR_CAPACITY if the buffer is too small.
 */
int aipc_encode(const struct aipc_envelope *envelope, size_t max_header_size, uint8_t *buffer, size_t capacity,
                size_t *written);

/* A sentence that says what a status means. */
const char *aipc_strerror(int status);

/* A view of a NUL-terminated string, or of nothing for NULL. */
struct aipc_bytes aipc_string(const char *text);

#ifdef __cplusplus
}
#endif

#endif
