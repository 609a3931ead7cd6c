/*
 * Reads messages from standard input, each framed as on a Unix socket (a 4-byte big-endian length and the
 * bytes), decodes each with asyncipc_envelope.c, and prints one line per message: "ok FLAGS CONTENT-TYPE
 * TYPE-ID CORRELATION-ID HEADERS PAYLOAD", the flags and the byte lengths of the fields and the header
 * count, or "refused" and the status. A message whose kind byte (offset 5) says hello is decoded as a hello
 * instead, and its line is "hello PARAMETERS BYTES", the parameter count and the byte length of all keys and
 * values. NativeEnvelopePeerDecoderTests compares these lines with what AsyncIPC's Java codec makes of the
 * same messages.
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
        if (length > 5 && message[5] == 2) {
            struct aipc_hello hello = { headers, AIPC_MAX_HEADER_COUNT, 0, 0, { NULL, 0 } };
            int status = aipc_decode_hello(message, length, AIPC_DEFAULT_MAX_HEADER_SIZE, &hello, NULL);
            /* A known parameter whose value cannot be read is refused a layer above the Java codec's
               decodeHello, which these lines are compared with: the parameters were read all the same. */
            if (status == AIPC_OK || status == AIPC_ERR_PARAMETER) {
                size_t bytes = 0;
                for (size_t i = 0; i < hello.parameter_count; i++) {
                    bytes += headers[i].key.length + headers[i].value.length;
                }
                printf("hello %zu %zu\n", hello.parameter_count, bytes);
            }
            else {
                printf("refused %d\n", status);
            }
            free(message);
            continue;
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
