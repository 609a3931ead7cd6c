"""Reads messages from standard input, each framed as on a Unix socket (a 4-byte big-endian length and the
bytes), decodes each with asyncipc_envelope, and prints one line per message: "ok FLAGS CONTENT-TYPE TYPE-ID
CORRELATION-ID HEADERS PAYLOAD", the flags and the UTF-8 byte lengths of the fields and the header count, or
"refused" and the error. A message whose kind byte (offset 5) says hello is checked as a hello instead, and
its line is "hello PARAMETERS BYTES", the parameter count and the UTF-8 byte length of all keys and values. NativeEnvelopePeerDecoderTests compares these lines with what AsyncIPC's Java codec
makes of the same messages."""

import struct
import sys

import asyncipc_envelope as ipc


def size(text):
    return len(text.encode("utf-8")) if text else 0


def main():
    data = sys.stdin.buffer
    out = []
    while (prefix := data.read(4)):
        (length,) = struct.unpack(">I", prefix)
        message = data.read(length)
        if len(message) > 5 and message[5] == ipc.KIND_HELLO:
            try:
                parameters = ipc.check_hello(message)
            except ipc.EnvelopeError as ex:
                out.append(f"refused {ex.offset}")
                continue
            out.append(f"hello {len(parameters)} {sum(size(k) + size(v) for k, v in parameters.items())}")
            continue
        try:
            e = ipc.decode(message)
        except ipc.EnvelopeError as ex:
            out.append(f"refused {ex.offset}")
            continue
        flags = (ipc.FLAG_REPLY if e.reply else 0) | (ipc.FLAG_ERROR if e.error else 0)
        out.append(f"ok {flags} {size(e.content_type)} {size(e.type_id)} {size(e.correlation_id)} "
                   f"{len(e.headers)} {len(e.payload)}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
