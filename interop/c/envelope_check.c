/*
 * Reads messages from standard input, each framed as on a Unix socket (a 4-byte big-endian length and the
 * bytes), decodes each with asyncipc_envelope.c, and prints one line per message: "ok FLAGS CONTENT-TYPE
 * TYPE-ID CORRELATION-ID HEADERS PAYLOAD", the flags and the byte lengths of the fields and the header
 * count, or "refused" and the status. NativeEnvelopePeerDecoderTests compares these lines with what
 * AsyncIPC's Java codec makes of the same messages.
 *
 *   cc -std=c99 -Wall -o envelope_check envelope_check.c asyncipc_envelope.c
 */
#include "asyncipc_envelope.h"

#include <stdio.h>
#include <stdlib.h>

static struct aipc_header headers[AIPC_MAX_HEADER_COUNT];

int main(void) {
    uint8_t length_bytes[4];
    while (fread(length_bytes, 1, 4, stdin) == 4) {
        size_t length = ((size_t) length_bytes[0] << 24) | ((size_t) length_bytes[1] << 16)
                        | ((size_t) length_bytes[2] << 8) | length_bytes[3];
        uint8_t *message = malloc(length ? length : 1);
        if (message == NULL || fread(message, 1, length, stdin) != length) {
            fprintf(stderr, "envelope_check: the input ends inside a message\n");
            return 2;
        }
        struct aipc_envelope e = { 0 };
        e.headers = headers;
        e.header_capacity = AIPC_MAX_HEADER_COUNT;
        int status = aipc_decode(message, length, AIPC_DEFAULT_MAX_HEADER_SIZE, &e, NULL);
        if (status == AIPC_OK) {
            printf("ok %u %zu %zu %zu %zu %zu\n", e.flags, e.content_type.length, e.type_id.length,
                   e.correlation_id.length, e.header_count, e.payload.length);
        }
        else {
            printf("refused %d\n", status);
        }
        free(message);
    }
    return 0;
}
