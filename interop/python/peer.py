#!/usr/bin/env python3
"""A small AsyncIPC peer on a Unix domain socket, for the interop tests and for trying things by hand.

    peer.py --role server --format envelope|raw (--socket PATH | --name NAME) [--fail-on TEXT]
            [--max-message-size BYTES]
        Serves any number of clients. An envelope server tells each client's format by its first message (the
        hello, or a raw message), like AsyncIPC's, and answers a hello with parameters with its own
        max-message-size and the connection's id; a raw server reads everything as raw. Prints "ready" once
        it listens, then one line per message it gets, and answers each with "python got: <payload>": on an
        envelope connection with the content type text/plain and the header peer=python, as a reply (the reply
        flag and the request's correlation id) if the message has a correlation id, and with the error flag
        and "python peer refused: <payload>" if the payload is the --fail-on text.
    peer.py --role client --format envelope|raw (--socket PATH | --name NAME) [--type-id T] [--content-type C]
            [--header KEY=VALUE ...] [--request | --answers N] [--max-message-size BYTES]
        Connects (an envelope client sends the hello with its max-message-size and waits a second for the
        server's), prints "connected" with what the server's hello said (max-message-size=, connection=), then
        sends each line of its standard input as one message, and prints what comes back: the reply to it with
        --request (or the remote error), else the next N messages (1 by default). A line larger than the
        server accepts is not sent: it prints "not-sent" with the limit and the reason instead. Ends at the end
        of its input.

Each printed message is one line of tab-separated fields (see describe()); the exit status is 0, or 2 with
the reason on standard error.
"""

import argparse
import signal
import sys
import threading

import asyncipc_envelope as ipc

_print_lock = threading.Lock()


def escape(text):
    out = []
    for c in text:
        if c == "\\":
            out.append("\\\\")
        elif c == "\t":
            out.append("\\t")
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif ord(c) < 0x20 or ord(c) == 0x7f:
            out.append(f"\\x{ord(c):02x}")
        else:
            out.append(c)
    return "".join(out)


def describe(event, connection, message):
    """event, then format, type, content, correlation, flags, headers (k=v;k=v), payload; '-' for none."""
    flags = ",".join(name for name, on in (("reply", message.reply), ("error", message.error)) if on)
    headers = ";".join(f"{escape(k)}={escape(v)}" for k, v in message.headers.items())
    fields = [event, f"format={connection.format}", f"type={escape(message.type_id or '-')}",
              f"content={escape(message.content_type or '-')}",
              f"correlation={escape(message.correlation_id or '-')}", f"flags={flags or '-'}",
              f"headers={headers or '-'}", "payload=" + escape(message.payload.decode("utf-8", "replace"))]
    return "\t".join(fields)


def say(line):
    with _print_lock:
        print(line, flush=True)


def serve_one(connection, fail_on):
    with connection:
        try:
            while True:
                message = connection.receive()
                if message is None:
                    return
                say(describe("received", connection, message))
                try:
                    answer(connection, message, fail_on)
                except ipc.MessageTooLargeError as ex:
                    print(f"peer.py: not answered: {ex}", file=sys.stderr, flush=True)
        except (ipc.ProtocolError, OSError) as ex:
            print(f"peer.py: connection closed: {ex}", file=sys.stderr, flush=True)


def answer(connection, message, fail_on):
    """Answers a message as the module's docstring says."""
    text = message.payload.decode("utf-8", "replace")
    if connection.format == "raw":
        connection.send("python got: " + text)
    elif text == fail_on and message.correlation_id:
        connection.reply(message, "python peer refused: " + text, error=True, content_type="text/plain")
    elif message.correlation_id:
        connection.reply(message, "python got: " + text, content_type="text/plain", headers={"peer": "python"})
    else:
        connection.send("python got: " + text, content_type="text/plain", headers={"peer": "python"})


def run_server(path, args):
    formats = ("envelope", "raw") if args.format == "envelope" else ("raw",)
    # Ends like Ctrl-C: the server's socket file is removed on the way out.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    with ipc.Server(path, formats, args.max_message_size) as server:
        say("ready")
        while True:
            connection = server.accept()
            threading.Thread(target=serve_one, args=(connection, args.fail_on), daemon=True).start()


def run_client(path, args):
    headers = dict(header.split("=", 1) for header in args.header)
    fields = {}
    if args.format == "envelope":
        fields = {"type_id": args.type_id, "content_type": args.content_type, "headers": headers}
    elif args.type_id or args.content_type or headers or args.request:
        raise SystemExit("peer.py: --type-id, --content-type, --header and --request need --format envelope")
    with ipc.connect(path, args.format, max_message_size=args.max_message_size) as connection:
        say(f"connected\tformat={connection.format}\tmax-message-size={connection.peer_max_message_size or '-'}"
            f"\tconnection={escape(connection.connection_id or '-')}")
        for line in sys.stdin:
            text = line.rstrip("\n")
            try:
                if args.request:
                    try:
                        say(describe("reply", connection, connection.request(text, timeout=10, **fields)))
                    except ipc.RemoteError as ex:
                        say(describe("remote-error", connection, ex.envelope))
                    continue
                connection.send(text, **fields)
            except ipc.MessageTooLargeError as ex:
                say(f"not-sent\tlimit={ex.limit}\treason={escape(str(ex))}")
                continue
            for _ in range(args.answers):
                message = connection.receive(timeout=10)
                if message is None:
                    raise ipc.ProtocolError("the server closed the connection")
                say(describe("received", connection, message))


def main():
    parser = argparse.ArgumentParser(description="An AsyncIPC peer in Python (see the module's docstring)")
    parser.add_argument("--role", choices=("client", "server"), required=True)
    parser.add_argument("--format", choices=("envelope", "raw"), default="envelope")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--socket", help="the socket path")
    where.add_argument("--name", help="a pipe name, mapped to its socket path as AsyncIPC does")
    parser.add_argument("--type-id")
    parser.add_argument("--content-type")
    parser.add_argument("--header", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--request", action="store_true", help="client: send each line as a request")
    parser.add_argument("--answers", type=int, default=1, help="client: messages to read after each line")
    parser.add_argument("--fail-on", help="server: answer a request with this payload with the error flag")
    parser.add_argument("--max-message-size", type=int, default=ipc.DEFAULT_MAX_MESSAGE_SIZE, metavar="BYTES",
                        help="the largest message this peer accepts, which its hello says (16 MiB by default)")
    args = parser.parse_args()
    path = args.socket or ipc.socket_path(args.name)
    try:
        (run_server if args.role == "server" else run_client)(path, args)
    except (ipc.ProtocolError, OSError, TimeoutError, ValueError) as ex:
        print(f"peer.py: {ex}", file=sys.stderr, flush=True)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
