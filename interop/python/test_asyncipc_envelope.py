"""Tests of asyncipc_envelope's codec: the example of docs/wire-format.md, and malformed input, which must
raise EnvelopeError and nothing else. Run: python3 -m unittest -v test_asyncipc_envelope (in this directory)."""

import random
import struct
import unittest

import asyncipc_envelope as ipc

# The example of docs/wire-format.md, "An example".
EXAMPLE = bytes.fromhex(
    "89414950 01 01 00 0000002e 0010 6170706c69636174696f6e2f6a736f6e 0005 4f72646572 0003 722d37 0001"
    " 0006 74656e616e74 0004 61636d65 7b226964223a34327d")


def envelope(section, payload=b"", flags=0, version=1, kind=1):
    return ipc.MAGIC + bytes([version, kind, flags]) + struct.pack(">I", len(section)) + section + payload


def string(data):
    return struct.pack(">H", len(data)) + data


class CodecTests(unittest.TestCase):

    def test_the_documented_example_encodes_and_decodes(self):
        message = ipc.Envelope(b'{"id":42}', "application/json", "Order", "r-7", headers={"tenant": "acme"})
        self.assertEqual(ipc.encode(message), EXAMPLE)
        self.assertEqual(ipc.decode(EXAMPLE), message)

    def test_flags_empty_payload_and_empty_ids(self):
        message = ipc.Envelope(b"", reply=True, error=True, headers={"k": ""})
        decoded = ipc.decode(ipc.encode(message))
        self.assertEqual(decoded, message)
        self.assertIsNone(decoded.type_id)

    def test_the_hello(self):
        self.assertEqual(ipc.HELLO, bytes.fromhex("89414950010200"))
        ipc.check_hello(ipc.HELLO)
        for bad in (ipc.HELLO[:6], ipc.HELLO + b"\x00", ipc.HELLO[:6] + b"\x01", b"\x89AIP\x02\x02\x00",
                    b"\x89AIP\x01\x01\x00", b"hello!!"):
            with self.assertRaises(ipc.EnvelopeError, msg=bad.hex()):
                ipc.check_hello(bad)

    def test_every_truncation_is_refused(self):
        for end in range(len(EXAMPLE) - 9):  # past the header section, a shorter payload is still valid
            with self.assertRaises(ipc.EnvelopeError, msg=f"truncated at {end}"):
                ipc.decode(EXAMPLE[:end])

    def test_bad_magic_version_kind_and_flags(self):
        cases = {
            "magic": b"\x89AIQ" + EXAMPLE[4:],
            "raw text": b"hello from a raw peer",
            "version": EXAMPLE[:4] + b"\x02" + EXAMPLE[5:],
            "kind 0": EXAMPLE[:5] + b"\x00" + EXAMPLE[6:],
            "kind 3": EXAMPLE[:5] + b"\x03" + EXAMPLE[6:],
            "a hello": ipc.HELLO,
            "reserved flag": EXAMPLE[:6] + b"\x04" + EXAMPLE[7:],
        }
        for case, message in cases.items():
            with self.assertRaises(ipc.EnvelopeError, msg=case):
                ipc.decode(message)

    def test_lengths_past_the_end_and_over_the_limits(self):
        empty = string(b"") * 3 + b"\x00\x00"
        cases = {
            "section past the end": EXAMPLE[:7] + struct.pack(">I", 0x2f) + EXAMPLE[11:11 + 46],
            "section of 4 GiB": EXAMPLE[:7] + b"\xff\xff\xff\xff" + EXAMPLE[11:],
            "section under 8": envelope(b"\x00" * 7),
            "content type past the section": envelope(struct.pack(">H", 40) + b"x" * 6),
            "content type over 255": envelope(string(b"x" * 256) + empty[2:]),
            "type id over 1024": envelope(string(b"") + string(b"x" * 1025) + empty[4:]),
            "count past the section": envelope(empty[:6] + b"\xff\xff"),
            "unused bytes": envelope(empty + b"\x00"),
            "empty key": envelope(empty[:6] + b"\x00\x01" + string(b"") + string(b"v")),
            "repeated key": envelope(empty[:6] + b"\x00\x02" + (string(b"k") + string(b"v")) * 2),
            "bad UTF-8": envelope(string(b"\xc0\xaf") + empty[2:]),
            "encoded surrogate": envelope(string(b"\xed\xa0\x80") + empty[2:]),
        }
        for case, message in cases.items():
            with self.assertRaises(ipc.EnvelopeError, msg=case):
                ipc.decode(message)

    def test_random_garbage_raises_only_envelope_errors(self):
        rng = random.Random(9)
        for _ in range(20000):
            message = bytearray(EXAMPLE)
            for _ in range(rng.randint(1, 4)):
                message[rng.randrange(len(message))] = rng.randrange(256)
            message = bytes(message[:rng.randint(0, len(message))])
            try:
                decoded = ipc.decode(message)
            except ipc.EnvelopeError:
                continue
            self.assertEqual(ipc.encode(decoded), message, "whatever is accepted encodes back to the same bytes")

    def test_encoding_refuses_what_cannot_be_sent(self):
        for bad in (ipc.Envelope(type_id="x" * 1025), ipc.Envelope(headers={"": "v"}),
                    ipc.Envelope(correlation_id="\ud800")):
            with self.assertRaises(ValueError):
                ipc.encode(bad)


if __name__ == "__main__":
    unittest.main()
