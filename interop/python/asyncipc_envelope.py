"""Talk to an AsyncIPC application from Python over a Unix domain socket.

One file, the standard library only: copy it into your project. It speaks both wire formats of
docs/wire-format.md: the raw format (each message is one frame, a 4-byte big-endian signed length
and the payload) and the envelope (a versioned header in front of the payload, inside one frame,
after a hello exchanged once per connection). docs/interop.md shows how to use it.

    from asyncipc_envelope import connect, socket_path

    with connect(socket_path("orders")) as connection:          # sends the hello, waits for the server's
        connection.send(b'{"id":"o-1","quantity":2}', type_id="com.example.Order",
                        content_type="application/json", headers={"tenant": "acme"})
        answer = connection.request(b"status?")                  # waits for the reply to this request
        print(answer.payload.decode())

A Connection is not thread-safe: use it from one thread, or guard it with a lock.
"""

import dataclasses
import fcntl
import getpass
import os
import pwd
import re
import select
import socket
import stat
import struct
import time
import uuid

__all__ = [
    "Envelope", "EnvelopeError", "ProtocolError", "HandshakeError", "RemoteError", "MessageTooLargeError",
    "encode", "decode", "HELLO", "Hello", "encode_hello", "check_hello", "read_hello", "starts_with_magic",
    "MAX_MESSAGE_SIZE_PARAMETER", "CONNECTION_ID_PARAMETER",
    "socket_directory", "socket_path", "connect", "Server", "Connection",
]

MAGIC = b"\x89AIP"
VERSION = 1
KIND_MESSAGE = 1
KIND_HELLO = 2
FLAG_REPLY = 0x01
FLAG_ERROR = 0x02
HELLO_FLAG_PARAMETERS = 0x01
HELLO = MAGIC + bytes([VERSION, KIND_HELLO, 0])
HELLO_SIZE = len(HELLO)
MAX_MESSAGE_SIZE_PARAMETER = "max-message-size"
CONNECTION_ID_PARAMETER = "connection-id"

DEFAULT_MAX_HEADER_SIZE = 64 * 1024
MIN_HEADER_SIZE = 8
MAX_CONTENT_TYPE_LENGTH = 255
MAX_TYPE_ID_LENGTH = 1024
MAX_CORRELATION_ID_LENGTH = 255
MAX_HEADER_KEY_LENGTH = 255
MAX_HEADER_VALUE_LENGTH = 0xFFFF
MAX_HEADER_COUNT = 0xFFFF
DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024
PREFIX_SIZE = 11


class ProtocolError(Exception):
    """The peer sent something that breaks the wire format; the connection should be closed."""


class EnvelopeError(ProtocolError, ValueError):
    """Bytes that are not a valid envelope or hello of version 1; offset is where it went wrong."""

    def __init__(self, message, offset):
        super().__init__(message)
        self.offset = offset


class HandshakeError(ProtocolError):
    """An envelope client got no hello back: the server speaks the raw format."""


class MessageTooLargeError(ValueError):
    """A message is larger than the peer said it accepts (its hello's max-message-size); nothing was sent.
    limit is that maximum, in bytes."""

    def __init__(self, message, limit):
        super().__init__(message)
        self.limit = limit


class RemoteError(Exception):
    """A request was answered with the error flag; the message is the remote error's text."""

    def __init__(self, message, envelope):
        super().__init__(message)
        self.envelope = envelope


@dataclasses.dataclass
class Envelope:
    """One message and what travels beside it. Empty ids are the same as None on the wire."""

    payload: bytes = b""
    content_type: str = None
    type_id: str = None
    correlation_id: str = None
    reply: bool = False
    error: bool = False
    headers: dict = dataclasses.field(default_factory=dict)

    def text(self):
        """The payload as UTF-8 text."""
        return self.payload.decode("utf-8")


def starts_with_magic(message):
    """Whether a message is meant as an envelope or a hello (of any version), not a raw payload."""
    return message[:4] == MAGIC


def _utf8(value, field, limit):
    if value is None:
        return b""
    if not isinstance(value, str):
        raise TypeError(f"envelope {field} must be a str, got {type(value).__name__}")
    try:
        data = value.encode("utf-8")
    except UnicodeEncodeError as ex:
        raise ValueError(f"envelope {field} is not valid Unicode: {ex}") from None
    if len(data) > limit:
        raise ValueError(f"envelope {field} of {len(data)} bytes is longer than the limit of {limit} bytes")
    return data


def _entries(entries, what):
    """A 2-byte count, then each key and value with its 2-byte length: an envelope's headers, or a hello's
    parameters, which are laid out alike."""
    if len(entries) > MAX_HEADER_COUNT:
        raise ValueError(f"at most {MAX_HEADER_COUNT} {what}s fit, got {len(entries)}")
    out = bytearray(struct.pack(">H", len(entries)))
    for key, value in entries.items():
        key_data = _utf8(key, f"{what} key", MAX_HEADER_KEY_LENGTH)
        if not key_data:
            raise ValueError(f"envelope {what} keys must not be empty")
        value_data = _utf8(value, f"value of {what} '{key}'", MAX_HEADER_VALUE_LENGTH)
        out += struct.pack(">H", len(key_data)) + key_data + struct.pack(">H", len(value_data)) + value_data
    return bytes(out)


def encode(envelope, max_header_size=DEFAULT_MAX_HEADER_SIZE):
    """Encodes an envelope into the bytes of one transport message (one frame)."""
    section = bytearray()
    for value, field, limit in ((envelope.content_type, "content type", MAX_CONTENT_TYPE_LENGTH),
                                (envelope.type_id, "type id", MAX_TYPE_ID_LENGTH),
                                (envelope.correlation_id, "correlation id", MAX_CORRELATION_ID_LENGTH)):
        data = _utf8(value, field, limit)
        section += struct.pack(">H", len(data)) + data
    section += _entries(envelope.headers or {}, "header")
    if len(section) > max_header_size:
        raise ValueError(f"envelope header section of {len(section)} bytes is larger than the maximum of "
                         f"{max_header_size} bytes; send fewer or shorter headers")
    flags = (FLAG_REPLY if envelope.reply else 0) | (FLAG_ERROR if envelope.error else 0)
    return MAGIC + bytes([VERSION, KIND_MESSAGE, flags]) + struct.pack(">I", len(section)) + bytes(section) \
        + bytes(envelope.payload)


class _Reader:
    """Reads the fields of one message, checking each length before it takes the bytes."""

    def __init__(self, message):
        self.message = bytes(message)
        self.offset = 0

    def need(self, field, width, end):
        if end - self.offset < width:
            if end == len(self.message):
                raise EnvelopeError(f"envelope truncated: the message ends at offset {len(self.message)}, inside "
                                    f"the {field} ({width} bytes) at offset {self.offset}", len(self.message))
            raise EnvelopeError(f"envelope header section ends at offset {end}, inside the {field} "
                                f"({width} bytes) at offset {self.offset}", self.offset)

    def unsigned(self, field, width, end):
        self.need(field, width, end)
        value = int.from_bytes(self.message[self.offset:self.offset + width], "big")
        self.offset += width
        return value

    def prefix(self, expected_kind):
        head = self.message[:4]
        for i, byte in enumerate(head):
            if byte != MAGIC[i]:
                raise EnvelopeError(f"not an envelope: a message of {len(self.message)} bytes starts with "
                                    f"{head.hex(' ')} where the magic {MAGIC.hex(' ')} was expected (first "
                                    f"difference at offset {i}); if the peer sends raw messages, use the raw format",
                                    i)
        self.offset = len(head)
        self.need("magic", 4 - len(head), len(self.message))
        version = self.unsigned("version", 1, len(self.message))
        if version != VERSION:
            raise EnvelopeError(f"envelope version {version} at offset 4 is not supported: this side speaks "
                                f"version {VERSION}", 4)
        kind = self.unsigned("kind", 1, len(self.message))
        if kind != expected_kind:
            names = {KIND_MESSAGE: "a message", KIND_HELLO: "a hello"}
            raise EnvelopeError(f"envelope kind {kind} ({names.get(kind, 'unknown')}) at offset 5 where "
                                f"{names[expected_kind]} ({expected_kind}) was expected", 5)

    def string(self, field, limit, end):
        at = self.offset
        length = self.unsigned(f"{field} length", 2, end)
        if length > limit:
            raise EnvelopeError(f"envelope {field} of {length} bytes (length at offset {at}) is longer than the "
                                f"limit of {limit} bytes", at)
        if length > end - self.offset:
            raise EnvelopeError(f"envelope {field} of {length} bytes (length at offset {at}) runs past the end of "
                                f"the header section at offset {end}: only {end - self.offset} bytes remain", at)
        start = self.offset
        self.offset += length
        try:
            return self.message[start:self.offset].decode("utf-8") if length else None
        except UnicodeDecodeError as ex:
            raise EnvelopeError(f"envelope {field} at offset {start} is not valid UTF-8: malformed input at offset "
                                f"{start + ex.start}", start + ex.start) from None


    def entries(self, what, end):
        """A 2-byte count and that many keys and values, each key once and never empty."""
        count_at = self.offset
        count = self.unsigned(f"{what} count", 2, end)
        if count * 5 > end - self.offset:  # checked before anything is read for them: each takes 5 bytes or more
            raise EnvelopeError(f"envelope {what} count {count} at offset {count_at} does not fit in the "
                                f"{'header section' if what == 'header' else 'hello'}: {count} {what}s take at "
                                f"least {count * 5} bytes, and only {end - self.offset} remain before its end at "
                                f"offset {end}", count_at)
        entries = {}
        for _ in range(count):
            key_at = self.offset
            key = self.string(f"{what} key", MAX_HEADER_KEY_LENGTH, end)
            if key is None:
                raise EnvelopeError(f"envelope {what} key at offset {key_at} is empty", key_at)
            value = self.string(f"value of {what} '{key}'", MAX_HEADER_VALUE_LENGTH, end)
            if key in entries:
                raise EnvelopeError(f"envelope {what} '{key}' at offset {key_at} appears twice; a key may appear "
                                    "once", key_at)
            entries[key] = value or ""
        return entries


def decode(message, max_header_size=DEFAULT_MAX_HEADER_SIZE):
    """Decodes the bytes of one transport message into an Envelope; raises EnvelopeError if it is not one.

    Strict like the Java codec: whatever it accepts encodes back to the same bytes."""
    reader = _Reader(message)
    reader.prefix(KIND_MESSAGE)
    end = len(reader.message)
    flags = reader.unsigned("flags", 1, end)
    if flags & ~(FLAG_REPLY | FLAG_ERROR):
        raise EnvelopeError(f"reserved envelope flag bits 0x{flags & ~3:02x} are set in the flags 0x{flags:02x} "
                            f"at offset 6; version {VERSION} knows only reply (0x01) and error (0x02)", 6)
    size = reader.unsigned("header section length", 4, end)
    if size > max_header_size:
        raise EnvelopeError(f"envelope header section of {size} bytes (length at offset 7) is larger than the "
                            f"maximum of {max_header_size} bytes", 7)
    if size > end - PREFIX_SIZE:
        raise EnvelopeError(f"envelope header section of {size} bytes (length at offset 7) runs past the end of "
                            f"the message at offset {end}: only {end - PREFIX_SIZE} bytes follow offset 11", 7)
    if size < MIN_HEADER_SIZE:
        raise EnvelopeError(f"envelope header section of {size} bytes (length at offset 7) is shorter than the "
                            f"minimum of {MIN_HEADER_SIZE} bytes (three id lengths and a header count)", 7)
    header_end = PREFIX_SIZE + size
    envelope = Envelope(reply=bool(flags & FLAG_REPLY), error=bool(flags & FLAG_ERROR))
    envelope.content_type = reader.string("content type", MAX_CONTENT_TYPE_LENGTH, header_end)
    envelope.type_id = reader.string("type id", MAX_TYPE_ID_LENGTH, header_end)
    envelope.correlation_id = reader.string("correlation id", MAX_CORRELATION_ID_LENGTH, header_end)
    envelope.headers = reader.entries("header", header_end)
    if reader.offset != header_end:
        raise EnvelopeError(f"envelope header section from offset 11 to {header_end} has "
                            f"{header_end - reader.offset} bytes unused after its last header, at offset "
                            f"{reader.offset}; its length must be exactly that of its fields", reader.offset)
    envelope.payload = reader.message[header_end:]
    return envelope


def encode_hello(parameters=None, max_header_size=DEFAULT_MAX_HEADER_SIZE):
    """The hello: the plain 7 bytes without parameters, else the parameters flag and the parameters (a dict of
    str to str, such as {MAX_MESSAGE_SIZE_PARAMETER: "16777216"}), laid out as an envelope's headers."""
    if not parameters:
        return HELLO
    section = _entries(parameters, "hello parameter")
    if len(section) > max_header_size:
        raise ValueError(f"the parameters of this hello take {len(section)} bytes, more than the maximum header "
                         f"size of {max_header_size} bytes")
    return MAGIC + bytes([VERSION, KIND_HELLO, HELLO_FLAG_PARAMETERS]) + section


def check_hello(message, max_header_size=DEFAULT_MAX_HEADER_SIZE):
    """Checks that a message is a hello of version 1, with or without parameters, as strictly as AsyncIPC's
    codec, and returns its parameters (a dict, in the order they came; empty for the 7-byte hello). Raises
    EnvelopeError if it is not one. The values are not read: read_hello does that for the known ones."""
    reader = _Reader(message)
    reader.prefix(KIND_HELLO)
    end = len(reader.message)
    flags = reader.unsigned("hello flags", 1, end)
    if flags & ~HELLO_FLAG_PARAMETERS:
        raise EnvelopeError(f"reserved hello flag bits 0x{flags & ~HELLO_FLAG_PARAMETERS:02x} are set at offset 6; "
                            f"version {VERSION} knows only the parameters flag (0x01)", 6)
    if not flags & HELLO_FLAG_PARAMETERS:
        if end != HELLO_SIZE:
            raise EnvelopeError(f"hello of {end} bytes has {end - HELLO_SIZE} more than expected, from offset 7; "
                                f"a hello of version {VERSION} without the parameters flag is exactly 7 bytes", 7)
        return {}
    if end - HELLO_SIZE > max_header_size:
        raise EnvelopeError(f"hello parameters of {end - HELLO_SIZE} bytes from offset 7 are more than the maximum "
                            f"header size of {max_header_size} bytes", 7)
    parameters = reader.entries("hello parameter", end)
    if not parameters:
        raise EnvelopeError("hello at offset 6 has the parameters flag and no parameters; a hello without "
                            "parameters has flags 0", 6)
    if reader.offset != end:
        raise EnvelopeError(f"hello of {end} bytes has {end - reader.offset} bytes unused after its last "
                            f"parameter, at offset {reader.offset}", reader.offset)
    return parameters


@dataclasses.dataclass
class Hello:
    """What a peer's hello said: all its parameters, and the known ones read. max_message_size is None where
    the peer did not say (it accepts what AsyncIPC's default does, or more: send what you must, and expect it
    to close the connection for what it cannot take); connection_id is the server's id of the connection."""

    parameters: dict
    max_message_size: int = None
    connection_id: str = None


_DECIMAL = re.compile(r"[0-9]{1,18}", re.ASCII)
_CONNECTION_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}", re.ASCII)


def _shown(value):
    shown = value[:80] + "..." if len(value) > 80 else value
    return "".join("?" if ord(c) < 0x20 or 0x7f <= ord(c) < 0xa0 else c for c in shown)


def read_hello(message, max_header_size=DEFAULT_MAX_HEADER_SIZE):
    """Reads a hello: check_hello, then the parameters of version 1, max-message-size (1 to 18 decimal digits,
    not 0) and connection-id (1 to 64 letters, digits, '.', '_', ':' or '-'). Parameters it does not know are
    kept in Hello.parameters and otherwise ignored; a known one that it cannot read raises EnvelopeError."""
    parameters = check_hello(message, max_header_size)
    hello = Hello(parameters)
    size = parameters.get(MAX_MESSAGE_SIZE_PARAMETER)
    if size is not None:
        if not _DECIMAL.fullmatch(size) or int(size) == 0:
            raise EnvelopeError(f"hello parameter '{MAX_MESSAGE_SIZE_PARAMETER}' is '{_shown(size)}', not a number "
                                "of bytes from 1 to 18 decimal digits", 7)
        hello.max_message_size = int(size)
    connection_id = parameters.get(CONNECTION_ID_PARAMETER)
    if connection_id is not None:
        if not _CONNECTION_ID.fullmatch(connection_id):
            raise EnvelopeError(f"hello parameter '{CONNECTION_ID_PARAMETER}' is '{_shown(connection_id)}', not 1 "
                                "to 64 letters, digits, '.', '_', ':' or '-'", 7)
        hello.connection_id = connection_id
    return hello


def socket_directory():
    """The per-user directory that AsyncIPC puts the socket of a plain pipe name in (docs/wire-format.md)."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isdir(runtime):
        return os.path.join(runtime, "asyncipc")
    host = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in socket.gethostname())[:64]
    fallback = os.path.join(pwd.getpwuid(os.getuid()).pw_dir, ".asyncipc", host)
    shared = f"/tmp/asyncipc-{getpass.getuser()}"
    squatted = os.path.lexists(shared) and os.lstat(shared).st_uid != os.getuid()
    return fallback if os.path.lexists(fallback) or squatted else shared


def socket_path(name):
    """The socket path of a pipe name: an absolute path as it is, a plain name (or \\\\.\\pipe\\name) in
    socket_directory()."""
    if name.startswith("\\\\.\\pipe\\"):
        name = name[len("\\\\.\\pipe\\"):]
    if name.startswith("/"):
        return name
    if not name or len(name) > 100 or any(not (c.isascii() and (c.isalnum() or c in "._-")) for c in name):
        raise ValueError(f"pipe name '{name}' may only contain letters, digits, '.', '_' and '-' (at most 100); "
                         "give an absolute path to put the socket elsewhere")
    return os.path.join(socket_directory(), name + ".sock")


def _recv_exactly(sock, n):
    data = bytearray()
    while len(data) < n:
        chunk = sock.recv(min(n - len(data), 1 << 20))
        if not chunk:
            if data:
                raise ProtocolError(f"the peer closed the connection inside a frame, after {len(data)} of {n} bytes")
            return None
        data += chunk
    return bytes(data)


class Connection:
    """One connection, in the raw or the envelope format. receive() returns an Envelope in both: on a raw
    connection it has the payload and nothing else."""

    def __init__(self, sock, format, max_message_size=DEFAULT_MAX_MESSAGE_SIZE, connection_id=None):
        self.sock = sock
        self.format = format  # "envelope", "raw", or None on a server until the peer's first message
        self.max_message_size = max_message_size  # the largest frame this end accepts, and says so in its hello
        self.peer_max_message_size = None  # the largest the peer accepts, if its hello said
        self.connection_id = connection_id  # a server's id of the connection; a client takes its server's
        self._pending = []  # messages read while waiting for a reply, for receive() to return first

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.sock.close()

    def send_frame(self, data):
        """Writes one frame: the length, then the bytes. A frame larger than the peer accepts (as its hello said,
        or else this end's own maximum) raises MessageTooLargeError, and nothing is written."""
        if self.peer_max_message_size is not None and len(data) > self.peer_max_message_size:
            raise MessageTooLargeError(f"message of {len(data)} bytes is larger than the maximum of "
                                       f"{self.peer_max_message_size} bytes that the peer accepts, as its hello "
                                       "said (its max-message-size); the message was not sent",
                                       self.peer_max_message_size)
        if self.peer_max_message_size is None and len(data) > self.max_message_size:
            raise MessageTooLargeError(f"message of {len(data)} bytes is larger than the maximum of "
                                       f"{self.max_message_size} bytes (max_message_size); the message was not sent",
                                       self.max_message_size)
        self.sock.sendall(struct.pack(">i", len(data)) + data)

    def receive_frame(self, timeout=None):
        """Reads one frame's bytes; None when the peer closed the connection. Raises TimeoutError."""
        if timeout is not None and not select.select([self.sock], [], [], timeout)[0]:
            raise TimeoutError(f"no message within {timeout} s")
        header = _recv_exactly(self.sock, 4)
        if header is None:
            return None
        (length,) = struct.unpack(">i", header)
        if length < 0 or length > self.max_message_size:
            raise ProtocolError(f"frame length {length} is outside 0..{self.max_message_size}; closing")
        data = _recv_exactly(self.sock, length)
        if data is None:
            raise ProtocolError(f"the peer closed the connection inside a frame of {length} bytes")
        return data

    def send(self, payload, content_type=None, type_id=None, correlation_id=None, headers=None,
             reply=False, error=False):
        """Sends one message. On a raw connection only the payload goes; anything else is an error."""
        if isinstance(payload, str):
            payload = payload.encode("utf-8")
        if self.format == "raw":
            if any((content_type, type_id, correlation_id, headers, reply, error)):
                raise ValueError("a raw connection carries only the payload; ids, headers and flags need the "
                                 "envelope format")
            self.send_frame(payload)
        elif self.format == "envelope":
            self.send_frame(encode(Envelope(payload, content_type, type_id, correlation_id, reply, error,
                                            dict(headers or {}))))
        else:
            raise ProtocolError("the format of this connection is not known before the client's first message; "
                                "receive() first")

    def receive(self, timeout=None):
        """Returns the next message as an Envelope, or None when the peer closed the connection."""
        if self._pending:
            return self._pending.pop(0)
        while True:
            data = self.receive_frame(timeout)
            if data is None:
                return None
            if self.format is None and self._answer_hello(data):
                continue
            return decode(data) if self.format == "envelope" else Envelope(data)

    def _answer_hello(self, first):
        """On a server, the client's first message tells its format: a hello, which is answered with the
        server's, or a raw message. A first message with the magic that is not a hello of version 1 raises
        EnvelopeError. A hello with parameters is answered with this server's: its max-message-size, and the
        connection's id if it has one; a hello without any, with the 7-byte hello, since such a client may
        refuse parameters."""
        if not starts_with_magic(first):
            self.format = "raw"
            return False
        hello = read_hello(first)
        self.peer_max_message_size = hello.max_message_size
        answer = {}
        if hello.parameters:
            if self.connection_id is not None:
                answer[CONNECTION_ID_PARAMETER] = self.connection_id
            answer[MAX_MESSAGE_SIZE_PARAMETER] = str(self.max_message_size)
        self.send_frame(encode_hello(answer))
        self.format = "envelope"
        return True

    def request(self, payload, timeout=5.0, **fields):
        """Sends a request with a fresh correlation id and returns the reply: the message with the reply flag
        and that id. Other messages that arrive meanwhile are kept for receive(). Raises RemoteError for a
        reply with the error flag, TimeoutError, or ProtocolError if the connection closes first."""
        if self.format != "envelope":
            raise ProtocolError("request-reply needs the envelope format: a raw message has no correlation id")
        correlation_id = fields.pop("correlation_id", None) or str(uuid.uuid4())
        self.send(payload, correlation_id=correlation_id, **fields)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no reply to request {correlation_id} within {timeout} s")
            data = self.receive_frame(left)
            if data is None:
                raise ProtocolError(f"the peer closed the connection before it replied to request {correlation_id}")
            message = decode(data)
            if message.reply and message.correlation_id == correlation_id:
                if message.error:
                    raise RemoteError(message.payload.decode("utf-8", "replace"), message)
                return message
            self._pending.append(message)

    def reply(self, request, payload, error=False, **fields):
        """Answers a request: the reply flag and the request's correlation id; error=True for a failure, with
        the error's text as the payload."""
        if request.correlation_id is None:
            raise ValueError("the message has no correlation id, so it is not a request; use send()")
        self.send(payload, correlation_id=request.correlation_id, reply=True, error=error, **fields)


def connect(path, format="envelope", hello_timeout=1.0, max_message_size=DEFAULT_MAX_MESSAGE_SIZE):
    """Connects to an AsyncIPC server at a socket path. In the envelope format it sends the hello, with
    max_message_size as its max-message-size, and waits for the server's; a server that sends none within
    hello_timeout speaks the raw format (HandshakeError). The server's hello may have parameters or not: the
    connection's peer_max_message_size and connection_id are what it said, or None."""
    if format not in ("envelope", "raw"):
        raise ValueError(f"format must be 'envelope' or 'raw', got '{format}'")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
        connection = Connection(sock, format, max_message_size)
        if format == "envelope":
            connection.send_frame(encode_hello({MAX_MESSAGE_SIZE_PARAMETER: str(max_message_size)}))
            try:
                first = connection.receive_frame(hello_timeout)
            except TimeoutError:
                first = b""
            if first is None:
                raise ProtocolError("the server closed the connection instead of answering the hello")
            if not starts_with_magic(first):
                raise HandshakeError(f"the server at {path} answered the hello with no hello within "
                                     f"{hello_timeout} s: it speaks the raw format (set its pipe's format to "
                                     "envelope, or connect with format='raw')")
            hello = read_hello(first)  # EnvelopeError for a later version or a malformed hello
            connection.peer_max_message_size = hello.max_message_size
            connection.connection_id = hello.connection_id
        return connection
    except BaseException:
        sock.close()
        raise


class Server:
    """A server socket at a path, held with AsyncIPC's lock file so that an AsyncIPC server does not take it
    for stale. accept() returns a Connection whose format is known after its first receive(): a client that
    sends the hello first speaks envelopes (and gets the server's hello), any other speaks raw."""

    def __init__(self, path, formats=("envelope", "raw"), max_message_size=DEFAULT_MAX_MESSAGE_SIZE):
        self.path = path
        self.formats = formats
        self.max_message_size = max_message_size
        directory = os.path.dirname(path)
        os.makedirs(directory, mode=0o700, exist_ok=True)
        info = os.lstat(directory)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
            raise PermissionError(f"socket directory {directory} must be a directory of this user with mode 700")
        self._lock = open(path + ".lock", "a+")
        os.chmod(path + ".lock", 0o600)
        try:
            fcntl.lockf(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._lock.close()
            raise OSError(f"another server holds {path}.lock and serves {path}") from None
        if os.path.lexists(path):
            os.unlink(path)  # stale: its server no longer holds the lock
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        os.chmod(path, 0o600)
        self.sock.listen()
        self._accepted = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def accept(self):
        """Waits for a client and returns its connection, with an id that its hello answer tells an envelope
        client that sent parameters, so that both ends log the connection alike."""
        sock, _ = self.sock.accept()
        self._accepted += 1
        return Connection(sock, None if "envelope" in self.formats else "raw", self.max_message_size,
                          f"python-{os.getpid()}-{self._accepted}")

    def close(self):
        self.sock.close()
        if os.path.lexists(self.path):
            os.unlink(self.path)
        self._lock.close()

