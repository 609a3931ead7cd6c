"""Tests of asyncipc_envelope's codec: the examples of docs/wire-format.md, and malformed input, which must
raise EnvelopeError and nothing else; and the hello's parameters between a client and a server of this module
over a real socket. Run: python3 -m unittest -v test_asyncipc_envelope (in this directory)."""

import os
import random
import shutil
import struct
import tempfile
import threading
import unittest

import asyncipc_envelope as ipc

# The example of docs/wire-format.md, "An example".
EXAMPLE = bytes.fromhex(
    "89414950 01 01 00 0000002e 0010 6170706c69636174696f6e2f6a736f6e 0005 4f72646572 0003 722d37 0001"
    " 0006 74656e616e74 0004 61636d65 7b226964223a34327d")


# The hellos of docs/wire-format.md, "The hello": a client that accepts 16 MiB, and the answer of a server
# that accepts 1 KiB and calls the connection 9c1e-3.
CLIENT_HELLO = bytes.fromhex(
    "89414950 01 02 01 0001"
    " 0010 6d61782d6d6573736167652d73697a65 0008 3136373737323136")
SERVER_HELLO = bytes.fromhex(
    "89414950 01 02 01 0002"
    " 000d 636f6e6e656374696f6e2d6964 0006 396331652d33"
    " 0010 6d61782d6d6573736167652d73697a65 0004 31303234")


def hello(section, flags=1):
    return ipc.MAGIC + bytes([1, 2, flags]) + section


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

    def test_the_documented_hellos_with_parameters(self):
        self.assertEqual(ipc.encode_hello({"max-message-size": "16777216"}), CLIENT_HELLO)
        self.assertEqual(ipc.encode_hello({"connection-id": "9c1e-3", "max-message-size": "1024"}), SERVER_HELLO)
        self.assertEqual(ipc.encode_hello({}), ipc.HELLO)
        client = ipc.read_hello(CLIENT_HELLO)
        self.assertEqual((client.max_message_size, client.connection_id), (16777216, None))
        server = ipc.read_hello(SERVER_HELLO)
        self.assertEqual(server.parameters, {"connection-id": "9c1e-3", "max-message-size": "1024"})
        self.assertEqual((server.max_message_size, server.connection_id), (1024, "9c1e-3"))
        self.assertEqual(ipc.check_hello(SERVER_HELLO), server.parameters)
        self.assertEqual(ipc.read_hello(ipc.HELLO), ipc.Hello({}))

    def test_unknown_hello_parameters_are_ignored(self):
        message = hello(b"\x00\x02" + string(b"later-thing") + string(b"\xe2\x9c\x93") + string(b"max-message-size")
                        + string(b"0042"))
        read = ipc.read_hello(message)
        self.assertEqual(read.parameters, {"later-thing": "\u2713", "max-message-size": "0042"})
        self.assertEqual(read.max_message_size, 42)

    def test_malformed_hello_parameters_are_refused(self):
        one = string(b"max-message-size") + string(b"1024")
        cases = {
            "the flag and nothing": (hello(b""), 7),
            "the flag and no parameters": (hello(b"\x00\x00"), 6),
            "bytes after the plain hello": (hello(b"\x00\x01" + one, flags=0), 7),
            "a reserved flag": (hello(b"\x00\x01" + one, flags=3), 6),
            "a count past the end": (hello(b"\x00\x02" + one), 33),
            "a count of 65535": (hello(b"\xff\xff" + one), 7),
            "a key past the end": (hello(b"\x00\x01\x00\x20max"), 9),
            "an empty key": (hello(b"\x00\x01" + string(b"") + string(b"v")), 9),
            "a repeated key": (hello(b"\x00\x02" + one + one), 33),
            "a key over 255 bytes": (hello(b"\x00\x01" + string(b"k" * 256) + string(b"")), 9),
            "bad UTF-8 in a value": (hello(b"\x00\x01" + string(b"k") + string(b"\xc0\xaf")), 14),
            "unused bytes": (hello(b"\x00\x01" + one + b"\x00"), 33),
            "a truncated value": (CLIENT_HELLO[:-1], 27),
            "over the maximum header size": (hello(b"\x00\x01" + string(b"k") + string(b"v" * 65535)), 7),
            "version 2": (CLIENT_HELLO[:4] + b"\x02" + CLIENT_HELLO[5:], 4),
            "a message": (EXAMPLE, 5),
        }
        for case, (message, offset) in cases.items():
            with self.assertRaises(ipc.EnvelopeError, msg=case) as refused:
                ipc.check_hello(message)
            self.assertEqual(refused.exception.offset, offset, case)

    def test_known_hello_parameters_with_values_that_cannot_be_read_are_refused(self):
        for key, value in (("max-message-size", b"0"), ("max-message-size", b""), ("max-message-size", b"-1"),
                           ("max-message-size", b"1" * 19), ("max-message-size", b"12 "),
                           ("max-message-size", b"\xd9\xa1"), ("connection-id", b""),
                           ("connection-id", b"a b"), ("connection-id", b"x" * 65), ("connection-id", b"id\n")):
            message = hello(b"\x00\x01" + string(key.encode()) + string(value))
            ipc.check_hello(message)  # well formed: only its value is wrong
            with self.assertRaises(ipc.EnvelopeError, msg=f"{key}={value!r}") as refused:
                ipc.read_hello(message)
            self.assertIn(key, str(refused.exception))
        self.assertEqual(ipc.read_hello(hello(b"\x00\x01" + string(b"max-message-size") + string(b"9" * 18)))
                         .max_message_size, 10 ** 18 - 1)
        self.assertEqual(ipc.read_hello(hello(b"\x00\x01" + string(b"connection-id") + string(b"A.b_c:9-" * 8)))
                         .connection_id, "A.b_c:9-" * 8)

    def test_hello_mutations_raise_only_envelope_errors(self):
        rng = random.Random(10)
        for _ in range(20000):
            message = bytearray(SERVER_HELLO)
            for _ in range(rng.randint(1, 3)):
                message[rng.randrange(len(message))] = rng.randrange(256)
            message = bytes(message[:rng.randint(0, len(message))])
            try:
                parameters = ipc.check_hello(message)
            except ipc.EnvelopeError:
                continue
            self.assertEqual(ipc.encode_hello(parameters), message, "whatever is accepted encodes back to the same")

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


class HelloOverASocketTests(unittest.TestCase):
    """A client and a server of this module on a real Unix socket, the server in a thread."""

    def setUp(self):
        self.directory = tempfile.mkdtemp(prefix="asyncipc-test-")
        self.server = ipc.Server(os.path.join(self.directory, "hello.sock"), max_message_size=64)
        self.received = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def tearDown(self):
        self.server.close()
        self.thread.join(5)
        shutil.rmtree(self.directory)

    def serve(self):
        try:
            connection = self.server.accept()
        except OSError:
            return
        with connection:
            while (message := connection.receive(timeout=5)) is not None:
                self.received.append(message.payload)
                connection.send(b"got " + message.payload)

    def test_both_ends_say_their_limit_and_the_server_its_id_and_a_larger_send_is_refused_before_it_goes(self):
        with ipc.connect(self.server.path, max_message_size=4096) as connection:
            self.assertEqual(connection.peer_max_message_size, 64)
            self.assertRegex(connection.connection_id, r"^python-[0-9]+-1$")
            with self.assertRaises(ipc.MessageTooLargeError) as refused:
                connection.send(b"x" * 60)  # 60 bytes of payload, 71 with the envelope's header
            self.assertEqual(refused.exception.limit, 64)
            self.assertIn("maximum of 64 bytes", str(refused.exception))
            connection.send(b"small")
            self.assertEqual(connection.receive(timeout=5).payload, b"got small")
        self.thread.join(5)
        self.assertEqual(self.received, [b"small"])

    def test_a_client_that_sends_the_plain_hello_gets_the_plain_hello(self):
        import socket
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(self.server.path)
            connection = ipc.Connection(sock, "envelope")
            connection.send_frame(ipc.HELLO)
            self.assertEqual(connection.receive_frame(timeout=5), ipc.HELLO)


if __name__ == "__main__":
    unittest.main()
