/*
 * Checks asyncipc_envelope.c against the example of docs/wire-format.md and against malformed input:
 * every truncation, bad magic, version, kind and flags, lengths past the end and over the limits, bad
 * UTF-8, and random mutations, which must be refused with a status (or, if accepted, encode back to the
 * same bytes), never read out of bounds. The interop tests build it with -fsanitize=address,undefined
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
    hello[6] = 1;
    check(aipc_check_hello(hello, 7, NULL) == AIPC_ERR_FLAGS, "a hello with flags");
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
