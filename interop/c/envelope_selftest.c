/*
 * Checks asyncipc_envelope.c against the examples of docs/wire-format.md (the envelope, and the two hellos
 * with parameters) and against malformed input: every truncation, bad magic, version, kind and flags,
 * lengths past the end and over the limits, bad UTF-8, malformed hello parameters and known parameters
 * whose values cannot be read, and random mutations, which must be refused with a status (or, if
 * accepted, encode back to the same bytes), never read out of bounds. The interop tests build it with -fsanitize=address,undefined
 * where the compiler has them. Prints one line per failure and exits 1 if any.
 *
 *   cc -std=c99 -Wall -o envelope_selftest envelope_selftest.c asyncipc_envelope.c && ./envelope_selftest
 */
#include "asyncipc_envelope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

static const uint8_t EXAMPLE[] = {
    0x89, 0x41, 0x49, 0x50, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2e, 0x00, 0x10, 'a', 'p', 'p', 'l', 'i', 'c',
    'a', 't', 'i', 'o', 'n', '/', 'j', 's', 'o', 'n', 0x00, 0x05, 'O', 'r', 'd', 'e', 'r', 0x00, 0x03, 'r', '-',
    '7', 0x00, 0x01, 0x00, 0x06, 't', 'e', 'n', 'a', 'n', 't', 0x00, 0x04, 'a', 'c', 'm', 'e', '{', '"', 'i', 'd',
    '"', ':', '4', '2', '}'
};

/* The hellos of docs/wire-format.md, "The hello": a client that accepts 16 MiB, and the answer of a server
 * that accepts 1 KiB and calls the connection 9c1e-3. */
static const uint8_t CLIENT_HELLO[] = {
    0x89, 0x41, 0x49, 0x50, 0x01, 0x02, 0x01, 0x00, 0x01,
    0x00, 0x10, 'm', 'a', 'x', '-', 'm', 'e', 's', 's', 'a', 'g', 'e', '-', 's', 'i', 'z', 'e',
    0x00, 0x08, '1', '6', '7', '7', '7', '2', '1', '6'
};

static const uint8_t SERVER_HELLO[] = {
    0x89, 0x41, 0x49, 0x50, 0x01, 0x02, 0x01, 0x00, 0x02,
    0x00, 0x0d, 'c', 'o', 'n', 'n', 'e', 'c', 't', 'i', 'o', 'n', '-', 'i', 'd', 0x00, 0x06, '9', 'c', '1', 'e', '-',
    '3',
    0x00, 0x10, 'm', 'a', 'x', '-', 'm', 'e', 's', 's', 'a', 'g', 'e', '-', 's', 'i', 'z', 'e',
    0x00, 0x04, '1', '0', '2', '4'
};

static void check(int condition, const char *what) {
    if (!condition) {
        printf("FAILED: %s\n", what);
        failures++;
    }
}

/* Decodes a copy of exactly length bytes on the heap, so that the sanitizer sees any read past it. */
static int decode_copy(const uint8_t *message, size_t length, struct aipc_envelope *out) {
    static struct aipc_header headers[8];
    uint8_t *copy = malloc(length ? length : 1);
    memcpy(copy, message, length);
    out->headers = headers;
    out->header_capacity = 8;
    size_t offset = 0;
    int status = aipc_decode(copy, length, AIPC_DEFAULT_MAX_HEADER_SIZE, out, &offset);
    if (status == AIPC_OK) {
        uint8_t again[256];
        size_t written = 0;
        check(length <= sizeof again, "an accepted message fits the re-encoding buffer");
        if (length <= sizeof again) {
            check(aipc_encode(out, AIPC_DEFAULT_MAX_HEADER_SIZE, again, sizeof again, &written) == AIPC_OK
                  && written == length && memcmp(again, copy, length) == 0,
                  "whatever is accepted encodes back to the same bytes");
        }
    }
    else {
        check(offset <= length, "the error offset lies within the message");
    }
    free(copy);
    return status;
}

static void refused(const uint8_t *message, size_t length, int expected, const char *what) {
    struct aipc_envelope out;
    int status = decode_copy(message, length, &out);
    if (status != expected) {
        printf("FAILED: %s: got %d (%s), expected %d\n", what, status, aipc_strerror(status), expected);
        failures++;
    }
}

/*
 * Decodes a heap copy of a hello, once without an array and once with one, which must agree; what is
 * accepted must encode back to the same bytes. Returns the status; *error_offset gets the offset.
 */
static int decode_hello_copy(const uint8_t *message, size_t length, size_t *error_offset) {
    static struct aipc_header parameters[16];
    uint8_t *copy = malloc(length ? length : 1);
    memcpy(copy, message, length);
    size_t offset = 0, offset_without = 0;
    struct aipc_hello hello = { parameters, 16, 0, 0, { NULL, 0 } };
    int status = aipc_decode_hello(copy, length, AIPC_DEFAULT_MAX_HEADER_SIZE, &hello, &offset);
    int without = aipc_check_hello(copy, length, &offset_without);
    if (status != AIPC_ERR_CAPACITY) {
        check(without == status && (status == AIPC_OK || offset_without == offset),
              "a hello decodes alike with and without an array of parameters");
    }
    if (status == AIPC_OK) {
        uint8_t again[512];
        size_t written = 0;
        check(aipc_encode_hello(parameters, hello.parameter_count, AIPC_DEFAULT_MAX_HEADER_SIZE, again, sizeof again,
                                &written) == AIPC_OK && written == length && memcmp(again, copy, length) == 0,
              "whatever hello is accepted encodes back to the same bytes");
    }
    else {
        check(offset <= length, "the error offset lies within the hello");
    }
    free(copy);
    if (error_offset != NULL) {
        *error_offset = offset;
    }
    return status;
}

static void hello_refused(const uint8_t *message, size_t length, int expected, size_t expected_offset,
                          const char *what) {
    size_t offset;
    int status = decode_hello_copy(message, length, &offset);
    if (status != expected || offset != expected_offset) {
        printf("FAILED: %s: got %d (%s) at %zu, expected %d at %zu\n", what, status, aipc_strerror(status), offset,
               expected, expected_offset);
        failures++;
    }
}

/* A hello with the parameters flag and the given bytes after it. */
static size_t hello_with(uint8_t *out, const uint8_t *parameters, size_t length) {
    memcpy(out, AIPC_HELLO, AIPC_HELLO_SIZE);
    out[6] = 1;
    if (length > 0) {
        memcpy(out + AIPC_HELLO_SIZE, parameters, length);
    }
    return AIPC_HELLO_SIZE + length;
}

/* A hello with the one parameter key=value. */
static size_t hello_of(uint8_t *out, const char *key, const char *value) {
    struct aipc_header parameter = { aipc_string(key), aipc_string(value) };
    size_t written = 0;
    check(aipc_encode_hello(&parameter, 1, AIPC_DEFAULT_MAX_HEADER_SIZE, out, 512, &written) == AIPC_OK,
          "a hello of one parameter encodes");
    return written;
}

static void hello_tests(void) {
    uint8_t buffer[512];
    size_t written = 0;
    struct aipc_header client[1] = { { aipc_string("max-message-size"), aipc_string("16777216") } };
    check(aipc_encode_hello(client, 1, AIPC_DEFAULT_MAX_HEADER_SIZE, buffer, sizeof buffer, &written) == AIPC_OK
          && written == sizeof CLIENT_HELLO && memcmp(buffer, CLIENT_HELLO, written) == 0,
          "the documented client hello encodes byte for byte");
    struct aipc_header server[2] = { { aipc_string("connection-id"), aipc_string("9c1e-3") },
                                     { aipc_string("max-message-size"), aipc_string("1024") } };
    check(aipc_encode_hello(server, 2, AIPC_DEFAULT_MAX_HEADER_SIZE, buffer, sizeof buffer, &written) == AIPC_OK
          && written == sizeof SERVER_HELLO && memcmp(buffer, SERVER_HELLO, written) == 0,
          "the documented server hello encodes byte for byte");
    check(aipc_encode_hello(NULL, 0, AIPC_DEFAULT_MAX_HEADER_SIZE, buffer, sizeof buffer, &written) == AIPC_OK
          && written == AIPC_HELLO_SIZE && memcmp(buffer, AIPC_HELLO, AIPC_HELLO_SIZE) == 0,
          "a hello without parameters is the 7-byte one");
    check(aipc_encode_hello(server, 2, AIPC_DEFAULT_MAX_HEADER_SIZE, buffer, 20, &written) == AIPC_ERR_CAPACITY,
          "a small buffer is refused for a hello");
    struct aipc_header twice[2] = { { aipc_string("k"), aipc_string("a") }, { aipc_string("k"), aipc_string("b") } };
    check(aipc_encode_hello(twice, 2, AIPC_DEFAULT_MAX_HEADER_SIZE, buffer, sizeof buffer, &written)
          == AIPC_ERR_HEADER_KEY, "a repeated parameter is not encoded");

    struct aipc_header parameters[2];
    struct aipc_hello hello = { parameters, 2, 0, 0, { NULL, 0 } };
    check(aipc_decode_hello(CLIENT_HELLO, sizeof CLIENT_HELLO, AIPC_DEFAULT_MAX_HEADER_SIZE, &hello, NULL) == AIPC_OK
          && hello.parameter_count == 1 && hello.max_message_size == 16777216 && hello.connection_id.length == 0,
          "the documented client hello decodes");
    check(aipc_decode_hello(SERVER_HELLO, sizeof SERVER_HELLO, AIPC_DEFAULT_MAX_HEADER_SIZE, &hello, NULL) == AIPC_OK
          && hello.parameter_count == 2 && hello.max_message_size == 1024 && hello.connection_id.length == 6
          && memcmp(hello.connection_id.data, "9c1e-3", 6) == 0 && parameters[0].key.length == 13,
          "the documented server hello decodes");
    check(aipc_decode_hello(AIPC_HELLO, AIPC_HELLO_SIZE, AIPC_DEFAULT_MAX_HEADER_SIZE, &hello, NULL) == AIPC_OK
          && hello.parameter_count == 0 && hello.max_message_size == 0 && hello.connection_id.length == 0,
          "the 7-byte hello decodes, saying nothing");
    check(aipc_check_hello(SERVER_HELLO, sizeof SERVER_HELLO, NULL) == AIPC_OK, "check_hello takes parameters");
    struct aipc_hello small = { parameters, 1, 0, 0, { NULL, 0 } };
    check(aipc_decode_hello(SERVER_HELLO, sizeof SERVER_HELLO, AIPC_DEFAULT_MAX_HEADER_SIZE, &small, NULL)
          == AIPC_ERR_CAPACITY, "more parameters than the array holds");

    uint8_t m[512];
    static const uint8_t unknown[] = { 0, 2, 0, 5, 'l', 'a', 't', 'e', 'r', 0, 3, 0xe2, 0x9c, 0x93,
                                       0, 16, 'm', 'a', 'x', '-', 'm', 'e', 's', 's', 'a', 'g', 'e', '-', 's', 'i', 'z',
                                       'e', 0, 4, '0', '0', '4', '2' };
    check(aipc_decode_hello(m, hello_with(m, unknown, sizeof unknown), AIPC_DEFAULT_MAX_HEADER_SIZE, &hello, NULL)
          == AIPC_OK && hello.parameter_count == 2 && hello.max_message_size == 42, "unknown parameters are ignored");

    static const uint8_t one[] = { 0, 16, 'm', 'a', 'x', '-', 'm', 'e', 's', 's', 'a', 'g', 'e', '-', 's', 'i', 'z',
                                   'e', 0, 4, '1', '0', '2', '4' };
    uint8_t p[128];
    hello_refused(m, hello_with(m, NULL, 0), AIPC_ERR_TRUNCATED, 7, "the flag and nothing");
    static const uint8_t none[] = { 0, 0 };
    hello_refused(m, hello_with(m, none, 2), AIPC_ERR_FLAGS, 6, "the flag and no parameters");
    memcpy(p, "\x00\x01", 2), memcpy(p + 2, one, sizeof one);
    size_t n = hello_with(m, p, 2 + sizeof one);
    m[6] = 0;
    hello_refused(m, n, AIPC_ERR_UNUSED_BYTES, 7, "bytes after the plain hello");
    m[6] = 3;
    hello_refused(m, n, AIPC_ERR_FLAGS, 6, "a reserved hello flag");
    p[1] = 2;
    hello_refused(m, hello_with(m, p, 2 + sizeof one), AIPC_ERR_TRUNCATED, 33, "a count past the end");
    p[0] = 0xff, p[1] = 0xff;
    hello_refused(m, hello_with(m, p, 2 + sizeof one), AIPC_ERR_FIELD_LENGTH, 7, "a count of 65535");
    static const uint8_t key_past[] = { 0, 1, 0, 0x20, 'm', 'a', 'x' };
    hello_refused(m, hello_with(m, key_past, sizeof key_past), AIPC_ERR_FIELD_LENGTH, 9, "a key past the end");
    static const uint8_t empty_key[] = { 0, 1, 0, 0, 0, 1, 'v' };
    hello_refused(m, hello_with(m, empty_key, sizeof empty_key), AIPC_ERR_HEADER_KEY, 9, "an empty key");
    memcpy(p, "\x00\x02", 2), memcpy(p + 2, one, sizeof one), memcpy(p + 2 + sizeof one, one, sizeof one);
    hello_refused(m, hello_with(m, p, 2 + 2 * sizeof one), AIPC_ERR_HEADER_KEY, 33, "a repeated key");
    static const uint8_t bad_utf8[] = { 0, 1, 0, 1, 'k', 0, 2, 0xc0, 0xaf };
    hello_refused(m, hello_with(m, bad_utf8, sizeof bad_utf8), AIPC_ERR_UTF8, 14, "bad UTF-8 in a value");
    memcpy(p, "\x00\x01", 2), memcpy(p + 2, one, sizeof one), p[2 + sizeof one] = 0;
    hello_refused(m, hello_with(m, p, 3 + sizeof one), AIPC_ERR_UNUSED_BYTES, 33, "unused bytes");
    hello_refused(CLIENT_HELLO, sizeof CLIENT_HELLO - 1, AIPC_ERR_FIELD_LENGTH, 27, "a truncated value");
    memcpy(m, CLIENT_HELLO, sizeof CLIENT_HELLO), m[4] = 2;
    hello_refused(m, sizeof CLIENT_HELLO, AIPC_ERR_VERSION, 4, "a hello of version 2");
    hello_refused(EXAMPLE, sizeof EXAMPLE, AIPC_ERR_KIND, 5, "a message is not a hello");
    uint8_t *huge = calloc(1, 7 + 2 + 4 + 1 + 65535);
    memcpy(huge, CLIENT_HELLO, 7);
    huge[8] = 1, huge[10] = 1, huge[11] = 'k', huge[12] = 0xff, huge[13] = 0xff;
    memset(huge + 14, 'v', 65535);
    size_t at;
    check(aipc_decode_hello(huge, 14 + 65535, AIPC_DEFAULT_MAX_HEADER_SIZE, NULL, &at) == AIPC_ERR_HEADER_SECTION
          && at == 7, "hello parameters over the maximum header size");
    free(huge);

    static const char *const unreadable[][2] = {
        { "max-message-size", "0" }, { "max-message-size", "" }, { "max-message-size", "-1" },
        { "max-message-size", "1111111111111111111" }, { "max-message-size", "12 " },
        { "max-message-size", "\xd9\xa1" }, { "connection-id", "" }, { "connection-id", "a b" },
        { "connection-id", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" },
        { "connection-id", "id\n" }
    };
    for (size_t i = 0; i < sizeof unreadable / sizeof unreadable[0]; i++) {
        char what[160];
        snprintf(what, sizeof what, "the parameter %s='%s'", unreadable[i][0], unreadable[i][1]);
        hello_refused(m, hello_of(m, unreadable[i][0], unreadable[i][1]), AIPC_ERR_PARAMETER, 7, what);
    }
    check(aipc_decode_hello(m, hello_of(m, "max-message-size", "999999999999999999"), AIPC_DEFAULT_MAX_HEADER_SIZE,
                            &hello, NULL) == AIPC_OK && hello.max_message_size == 999999999999999999ULL,
          "18 digits of max-message-size");
    check(aipc_decode_hello(m, hello_of(m, "connection-id", "A.b_c:9-A.b_c:9-A.b_c:9-A.b_c:9-A.b_c:9-A.b_c:9-"
                                                            "A.b_c:9-A.b_c:9-"), AIPC_DEFAULT_MAX_HEADER_SIZE,
                            &hello, NULL) == AIPC_OK && hello.connection_id.length == 64,
          "a connection id of 64 characters");

    for (size_t end = 0; end < sizeof SERVER_HELLO; end++) {
        if (decode_hello_copy(SERVER_HELLO, end, NULL) == AIPC_OK) {
            printf("FAILED: the server hello truncated at %zu bytes was accepted\n", end);
            failures++;
        }
    }
    unsigned long state = 10;
    for (int round = 0; round < 100000; round++) {
        memcpy(m, SERVER_HELLO, sizeof SERVER_HELLO);
        state = state * 6364136223846793005UL + 1442695040888963407UL;
        int changes = 1 + (int) ((state >> 33) % 3);
        for (int i = 0; i < changes; i++) {
            state = state * 6364136223846793005UL + 1442695040888963407UL;
            m[(state >> 33) % sizeof SERVER_HELLO] = (uint8_t) (state >> 17);
        }
        state = state * 6364136223846793005UL + 1442695040888963407UL;
        decode_hello_copy(m, (size_t) ((state >> 33) % (sizeof SERVER_HELLO + 1)), NULL);
    }
}

static size_t with_section(uint8_t *out, const uint8_t *section, size_t length) {
    memcpy(out, EXAMPLE, 7);
    out[7] = 0, out[8] = 0, out[9] = (uint8_t) (length >> 8), out[10] = (uint8_t) length;
    memcpy(out + 11, section, length);
    return 11 + length;
}

int main(void) {
    struct aipc_header decoded[1];
    struct aipc_envelope e = { 0 };
    e.headers = decoded;
    e.header_capacity = 1;
    check(aipc_decode(EXAMPLE, sizeof EXAMPLE, AIPC_DEFAULT_MAX_HEADER_SIZE, &e, NULL) == AIPC_OK,
          "the documented example decodes");
    check(e.content_type.length == 16 && memcmp(e.content_type.data, "application/json", 16) == 0, "content type");
    check(e.type_id.length == 5 && e.correlation_id.length == 3 && e.header_count == 1, "ids and header count");
    check(e.payload.length == 9 && memcmp(e.payload.data, "{\"id\":42}", 9) == 0, "payload");
    check(memcmp(decoded[0].key.data, "tenant", 6) == 0 && decoded[0].value.length == 4, "the header");

    struct aipc_header header = { aipc_string("tenant"), aipc_string("acme") };
    struct aipc_envelope built = { 0, aipc_string("application/json"), aipc_string("Order"), aipc_string("r-7"),
                                   &header, 1, 1, aipc_string("{\"id\":42}") };
    uint8_t buffer[128];
    size_t written = 0;
    check(aipc_encoded_size(&built) == sizeof EXAMPLE, "the encoded size of the example");
    check(aipc_encode(&built, AIPC_DEFAULT_MAX_HEADER_SIZE, buffer, sizeof buffer, &written) == AIPC_OK
          && written == sizeof EXAMPLE && memcmp(buffer, EXAMPLE, written) == 0, "the example encodes byte for byte");
    check(aipc_encode(&built, AIPC_DEFAULT_MAX_HEADER_SIZE, buffer, 20, &written) == AIPC_ERR_CAPACITY,
          "a small buffer is refused");

    check(aipc_check_hello(AIPC_HELLO, AIPC_HELLO_SIZE, NULL) == AIPC_OK, "the hello");
    check(aipc_check_hello(AIPC_HELLO, 6, NULL) == AIPC_ERR_TRUNCATED, "a short hello");
    uint8_t hello[8] = { 0x89, 'A', 'I', 'P', 1, 2, 0, 0 };
    check(aipc_check_hello(hello, 8, NULL) == AIPC_ERR_UNUSED_BYTES, "a long hello");
    hello[6] = 2;
    check(aipc_check_hello(hello, 7, NULL) == AIPC_ERR_FLAGS, "a hello with a reserved flag");
    hello[6] = 0, hello[4] = 2;
    check(aipc_check_hello(hello, 7, NULL) == AIPC_ERR_VERSION, "a hello of version 2");
    check(aipc_check_hello(EXAMPLE, sizeof EXAMPLE, NULL) == AIPC_ERR_KIND, "a message is not a hello");

    for (size_t end = 0; end < 57; end++) {
        struct aipc_envelope out;
        if (decode_copy(EXAMPLE, end, &out) == AIPC_OK) {
            printf("FAILED: the example truncated at %zu bytes was accepted\n", end);
            failures++;
        }
    }
    uint8_t m[256];
    memcpy(m, EXAMPLE, sizeof EXAMPLE);
    m[2] = 'J';
    refused(m, sizeof EXAMPLE, AIPC_ERR_MAGIC, "bad magic");
    refused((const uint8_t *) "raw text", 8, AIPC_ERR_MAGIC, "raw text");
    memcpy(m, EXAMPLE, sizeof EXAMPLE), m[4] = 2;
    refused(m, sizeof EXAMPLE, AIPC_ERR_VERSION, "version 2");
    memcpy(m, EXAMPLE, sizeof EXAMPLE), m[5] = 3;
    refused(m, sizeof EXAMPLE, AIPC_ERR_KIND, "kind 3");
    refused(AIPC_HELLO, AIPC_HELLO_SIZE, AIPC_ERR_KIND, "a hello is not a message");
    memcpy(m, EXAMPLE, sizeof EXAMPLE), m[6] = 4;
    refused(m, sizeof EXAMPLE, AIPC_ERR_FLAGS, "a reserved flag");
    memcpy(m, EXAMPLE, sizeof EXAMPLE), m[10] = 0x2f;
    refused(m, 11 + 0x2e, AIPC_ERR_HEADER_SECTION, "a header section past the end");
    memcpy(m, EXAMPLE, sizeof EXAMPLE), m[7] = 0xff;
    refused(m, sizeof EXAMPLE, AIPC_ERR_HEADER_SECTION, "a header section of 4 GiB");
    static const uint8_t seven[7] = { 0 };
    refused(m, with_section(m, seven, 7), AIPC_ERR_HEADER_SECTION, "a header section under 8 bytes");
    static const uint8_t long_type[8] = { 0, 0, 0x04, 0x01, 0, 0, 0, 0 };
    refused(m, with_section(m, long_type, 8), AIPC_ERR_FIELD_LENGTH, "a type id over 1024 bytes");
    static const uint8_t past[8] = { 0, 40, 0, 0, 0, 0, 0, 0 };
    refused(m, with_section(m, past, 8), AIPC_ERR_FIELD_LENGTH, "a content type past the section");
    static const uint8_t count[8] = { 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    refused(m, with_section(m, count, 8), AIPC_ERR_FIELD_LENGTH, "a header count past the section");
    static const uint8_t unused[9] = { 0 };
    refused(m, with_section(m, unused, 9), AIPC_ERR_UNUSED_BYTES, "unused bytes in the section");
    static const uint8_t empty_key[14] = { 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 'v' };
    refused(m, with_section(m, empty_key, 13), AIPC_ERR_HEADER_KEY, "an empty key");
    static const uint8_t twice[20] = { 0, 0, 0, 0, 0, 0, 0, 2, 0, 1, 'k', 0, 1, 'v', 0, 1, 'k', 0, 1, 'v' };
    refused(m, with_section(m, twice, 20), AIPC_ERR_HEADER_KEY, "a repeated key");
    static const uint8_t overlong[10] = { 0, 2, 0xc0, 0xaf, 0, 0, 0, 0, 0, 0 };
    refused(m, with_section(m, overlong, 10), AIPC_ERR_UTF8, "an overlong UTF-8 form");
    static const uint8_t surrogate[11] = { 0, 3, 0xed, 0xa0, 0x80, 0, 0, 0, 0, 0, 0 };
    refused(m, with_section(m, surrogate, 11), AIPC_ERR_UTF8, "an encoded surrogate");
    struct aipc_envelope few = { 0 };
    check(aipc_decode(EXAMPLE, sizeof EXAMPLE, AIPC_DEFAULT_MAX_HEADER_SIZE, &few, NULL) == AIPC_ERR_CAPACITY,
          "more headers than the array holds");

    hello_tests();

    unsigned long state = 9;
    for (int round = 0; round < 200000; round++) {
        memcpy(m, EXAMPLE, sizeof EXAMPLE);
        state = state * 6364136223846793005UL + 1442695040888963407UL;
        int changes = 1 + (int) ((state >> 33) % 4);
        for (int i = 0; i < changes; i++) {
            state = state * 6364136223846793005UL + 1442695040888963407UL;
            m[(state >> 33) % sizeof EXAMPLE] = (uint8_t) (state >> 17);
        }
        state = state * 6364136223846793005UL + 1442695040888963407UL;
        struct aipc_envelope out;
        decode_copy(m, (size_t) ((state >> 33) % (sizeof EXAMPLE + 1)), &out);
    }
    if (failures == 0) {
        printf("envelope self-test passed\n");
    }
    return failures == 0 ? 0 : 1;
}
