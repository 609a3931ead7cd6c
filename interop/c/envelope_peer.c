/*
 * An AsyncIPC peer in C that speaks the envelope (or the raw format), for the interop tests and for trying
 * things by hand: on Linux over a Unix domain socket (each message a 4-byte big-endian length and the
 * bytes), on Windows over a message-mode named pipe (each message one pipe message). It behaves like
 * interop/python/peer.py, with "c" in place of "python":
 *
 *   envelope_peer --role server --format envelope|raw WHERE [--fail-on TEXT] [--max-message-size BYTES]
 *       Serves any number of clients, one thread each. An envelope server tells each client's format by
 *       its first message (a hello, answered with its own, or a raw message); a hello with parameters is
 *       answered with this server's max-message-size (it gives no connection-id, which a server may omit).
 *       A raw server reads all as raw. Prints "ready", then one line per message, and answers each with "c got: <payload>": on an
 *       envelope connection with the content type text/plain and the header peer=c, as a reply (the reply
 *       flag and the request's correlation id) if it has a correlation id, and with the error flag and
 *       "c peer refused: <payload>" if the payload is the --fail-on text.
 *   envelope_peer --role client --format envelope|raw WHERE [--type-id T] [--content-type C]
 *                 [--header KEY=VALUE ...] [--request | --answers N] [--max-message-size BYTES]
 *       Connects (an envelope client sends the hello with its max-message-size and waits a second for the
 *       server's, with parameters or without), prints "connected" with what the server's hello said
 *       (max-message-size=, connection=), sends each line of standard input as one message, and prints the
 *       reply to it with --request (or the remote error), else the next N messages (1 by default). A line
 *       larger than the server accepts is not sent: it prints "not-sent" with the limit and the reason.
 *
 * --max-message-size is the largest message this peer accepts (16 MiB by default): it says so in its
 * hello, and closes a connection that sends more.
 *
 * WHERE is --socket PATH on Linux and --name NAME (the pipe \\.\pipe\NAME) on Windows. Each printed message
 * is one line of tab-separated fields: event, format, type, content, correlation, flags, headers (k=v;k=v),
 * payload, with "-" for none and tabs, newlines and backslashes escaped. Exit status 0, or 2 with the
 * reason on standard error.
 *
 *   Linux:   cc -std=c99 -O2 -Wall -pthread -o envelope_peer envelope_peer.c asyncipc_envelope.c
 *   Windows: x86_64-w64-mingw32-gcc -std=c99 -O2 -Wall -o envelope-peer.exe envelope_peer.c asyncipc_envelope.c
 */
#ifndef _WIN32
#define _POSIX_C_SOURCE 200809L
#endif

#include "asyncipc_envelope.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_MESSAGE_SIZE (16L * 1024 * 1024)
#define MAX_HEADERS 64
#define HELLO_TIMEOUT_MS 1000
#define ANSWER_TIMEOUT_MS 10000

enum { RECEIVED_CLOSED = -1, RECEIVED_TIMEOUT = -2, RECEIVED_ERROR = -3 };

/* The largest message this peer accepts, and says so in its hello (--max-message-size). */
static long max_message_size = DEFAULT_MAX_MESSAGE_SIZE;

static void die(const char *format, ...) {
    va_list args;
    va_start(args, format);
    fputs("envelope_peer: ", stderr);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
    fflush(stderr);
    exit(2);
}

/* ---- one connection: the platform's framing ---------------------------------------------------------- */

#ifdef _WIN32
#include <windows.h>
#include <aclapi.h>
#include <sddl.h>

typedef struct {
    HANDLE pipe;
    HANDLE event;
} connection;

/* Waits for an overlapped operation; RECEIVED_TIMEOUT cancels it. ERROR_MORE_DATA counts as done. */
static long wait_io(connection *c, OVERLAPPED *ov, BOOL started, DWORD timeout_ms, DWORD *done, int *more) {
    *more = 0;
    if (!started && GetLastError() != ERROR_IO_PENDING) {
        if (GetLastError() == ERROR_MORE_DATA) {
            *more = 1;
        }
        else {
            return RECEIVED_CLOSED;
        }
    }
    if (!*more && WaitForSingleObject(ov->hEvent, timeout_ms) == WAIT_TIMEOUT) {
        CancelIoEx(c->pipe, ov);
        GetOverlappedResult(c->pipe, ov, done, TRUE);
        return RECEIVED_TIMEOUT;
    }
    if (!GetOverlappedResult(c->pipe, ov, done, TRUE)) {
        if (GetLastError() != ERROR_MORE_DATA) {
            return RECEIVED_CLOSED;
        }
        *more = 1;
    }
    return 0;
}

static int send_message(connection *c, const uint8_t *data, size_t length) {
    OVERLAPPED ov = { 0 };
    ov.hEvent = c->event;
    DWORD done = 0;
    int more;
    BOOL started = WriteFile(c->pipe, data, (DWORD) length, &done, &ov);
    return wait_io(c, &ov, started, INFINITE, &done, &more) == 0 && done == length ? 0 : -1;
}

/* One whole pipe message into *buffer, which grows as the pieces arrive (ERROR_MORE_DATA). */
static long receive_message(connection *c, uint8_t **buffer, size_t *capacity, int timeout_ms) {
    size_t total = 0;
    for (;;) {
        if (*capacity - total < 4096) {
            if (*capacity >= (size_t) max_message_size + 4096) {
                return RECEIVED_ERROR;
            }
            *capacity *= 2;
            if ((*buffer = realloc(*buffer, *capacity)) == NULL) {
                die("out of memory");
            }
        }
        OVERLAPPED ov = { 0 };
        ov.hEvent = c->event;
        DWORD got = 0;
        int more;
        BOOL started = ReadFile(c->pipe, *buffer + total, (DWORD) (*capacity - total), &got, &ov);
        long status = wait_io(c, &ov, started, total == 0 && timeout_ms >= 0 ? (DWORD) timeout_ms : INFINITE,
                              &got, &more);
        if (status != 0) {
            return status;
        }
        total += got;
        if (total > (size_t) max_message_size) {
            return RECEIVED_ERROR;
        }
        if (!more) {
            return (long) total;
        }
    }
}

static void close_connection(connection *c) {
    FlushFileBuffers(c->pipe);
    CloseHandle(c->pipe);
    CloseHandle(c->event);
}

static char pipe_path[512];

static void where(const char *option, const char *value) {
    if (strcmp(option, "--name") != 0) {
        die("on Windows the pipe is given as --name NAME, got %s", option);
    }
    snprintf(pipe_path, sizeof pipe_path, "\\\\.\\pipe\\%s", value);
}

/* The SID of this process's user, in a buffer the caller frees. */
static PSID user_sid(void) {
    HANDLE token;
    DWORD length = 0;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) {
        die("OpenProcessToken failed: error %lu", GetLastError());
    }
    GetTokenInformation(token, TokenUser, NULL, 0, &length);
    TOKEN_USER *user = malloc(length);
    if (user == NULL || !GetTokenInformation(token, TokenUser, user, length, &length)) {
        die("GetTokenInformation failed: error %lu", GetLastError());
    }
    CloseHandle(token);
    DWORD size = GetLengthSid(user->User.Sid);
    PSID sid = malloc(size);
    CopySid(size, sid, user->User.Sid);
    free(user);
    return sid;
}

static connection connect_client(void) {
    connection c;
    for (int attempt = 0;; attempt++) {
        c.pipe = CreateFileA(pipe_path, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                             FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION, NULL);
        if (c.pipe != INVALID_HANDLE_VALUE) {
            break;
        }
        if (GetLastError() != ERROR_PIPE_BUSY || attempt == 50) {
            die("could not open %s: error %lu", pipe_path, GetLastError());
        }
        WaitNamedPipeA(pipe_path, 200);
    }
    /* The server must run as this user: AsyncIPC's servers make the pipe's owner their user's SID. */
    PSID owner = NULL;
    PSECURITY_DESCRIPTOR descriptor = NULL;
    PSID self = user_sid();
    if (GetSecurityInfo(c.pipe, SE_KERNEL_OBJECT, OWNER_SECURITY_INFORMATION, &owner, NULL, NULL, NULL,
                        &descriptor) != ERROR_SUCCESS || !EqualSid(owner, self)) {
        die("the pipe %s is not owned by this user; refusing it", pipe_path);
    }
    LocalFree(descriptor);
    free(self);
    DWORD mode = PIPE_READMODE_MESSAGE;
    if (!SetNamedPipeHandleState(c.pipe, &mode, NULL, NULL)) {
        die("SetNamedPipeHandleState failed: error %lu", GetLastError());
    }
    c.event = CreateEventA(NULL, TRUE, FALSE, NULL);
    return c;
}

/* Instances owned by this user and open to it and SYSTEM only, as AsyncIPC's own servers make them. */
static SECURITY_ATTRIBUTES *owned_by_user(void) {
    static SECURITY_ATTRIBUTES attributes;
    LPSTR sid;
    char sddl[256];
    PSID self = user_sid();
    if (!ConvertSidToStringSidA(self, &sid)) {
        die("ConvertSidToStringSid failed: error %lu", GetLastError());
    }
    snprintf(sddl, sizeof sddl, "O:%sD:P(A;;GA;;;SY)(A;;GA;;;%s)", sid, sid);
    LocalFree(sid);
    free(self);
    attributes.nLength = sizeof attributes;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorA(sddl, SDDL_REVISION_1,
                                                              &attributes.lpSecurityDescriptor, NULL)) {
        die("ConvertStringSecurityDescriptorToSecurityDescriptor failed: error %lu", GetLastError());
    }
    return &attributes;
}

static DWORD WINAPI serve_thread(LPVOID argument);

static void run_server_loop(void) {
    SECURITY_ATTRIBUTES *security = owned_by_user();
    for (int first = 1;; first = 0) {
        HANDLE pipe = CreateNamedPipeA(pipe_path, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED
                                       | (first ? FILE_FLAG_FIRST_PIPE_INSTANCE : 0),
                                       PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT
                                       | PIPE_REJECT_REMOTE_CLIENTS,
                                       PIPE_UNLIMITED_INSTANCES, 65536, 65536, 0, security);
        if (pipe == INVALID_HANDLE_VALUE) {
            die("CreateNamedPipe %s failed: error %lu", pipe_path, GetLastError());
        }
        if (first) {
            printf("ready\n");
            fflush(stdout);
        }
        connection *c = malloc(sizeof *c);
        c->pipe = pipe;
        c->event = CreateEventA(NULL, TRUE, FALSE, NULL);
        OVERLAPPED ov = { 0 };
        ov.hEvent = c->event;
        DWORD done;
        int more;
        BOOL connected = ConnectNamedPipe(pipe, &ov);
        if (!connected && GetLastError() != ERROR_PIPE_CONNECTED
                && wait_io(c, &ov, connected, INFINITE, &done, &more) != 0) {
            close_connection(c);
            free(c);
            continue;
        }
        HANDLE thread = CreateThread(NULL, 0, serve_thread, c, 0, NULL);
        if (thread != NULL) {
            CloseHandle(thread);
        }
    }
}

#else
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* macOS: SIGPIPE is ignored in main instead */
#endif

typedef struct {
    int fd;
} connection;

static int write_all(int fd, const uint8_t *data, size_t length) {
    while (length > 0) {
        ssize_t n = send(fd, data, length, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        data += n;
        length -= (size_t) n;
    }
    return 0;
}

static int send_message(connection *c, const uint8_t *data, size_t length) {
    uint8_t header[4] = { (uint8_t) (length >> 24), (uint8_t) (length >> 16), (uint8_t) (length >> 8),
                          (uint8_t) length };
    return write_all(c->fd, header, 4) == 0 && write_all(c->fd, data, length) == 0 ? 0 : -1;
}

/* n bytes, or RECEIVED_CLOSED at the end of the stream before the first, RECEIVED_ERROR inside them. */
static long read_exactly(int fd, uint8_t *into, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = recv(fd, into + got, n - got, 0);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return got == 0 && r == 0 ? RECEIVED_CLOSED : RECEIVED_ERROR;
        }
        got += (size_t) r;
    }
    return (long) n;
}

/* One frame: its length checked against the maximum before anything is allocated from it. */
static long receive_message(connection *c, uint8_t **buffer, size_t *capacity, int timeout_ms) {
    if (timeout_ms >= 0) {
        struct pollfd p = { c->fd, POLLIN, 0 };
        int ready;
        while ((ready = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR) {
        }
        if (ready == 0) {
            return RECEIVED_TIMEOUT;
        }
    }
    uint8_t header[4];
    long status = read_exactly(c->fd, header, 4);
    if (status < 0) {
        return status;
    }
    int32_t length = (int32_t) (((uint32_t) header[0] << 24) | ((uint32_t) header[1] << 16)
                                | ((uint32_t) header[2] << 8) | header[3]);
    if (length < 0 || length > max_message_size) {
        return RECEIVED_ERROR;
    }
    if ((size_t) length > *capacity) {
        *capacity = (size_t) length;
        if ((*buffer = realloc(*buffer, *capacity)) == NULL) {
            die("out of memory");
        }
    }
    status = length == 0 ? 0 : read_exactly(c->fd, *buffer, (size_t) length);
    return status == RECEIVED_CLOSED ? RECEIVED_ERROR : status;
}

static void close_connection(connection *c) {
    close(c->fd);
}

static struct sockaddr_un address;

static void where(const char *option, const char *value) {
    if (strcmp(option, "--socket") != 0) {
        die("on Linux the socket is given as --socket PATH, got %s", option);
    }
    if (strlen(value) >= sizeof address.sun_path) {
        die("socket path %s is longer than %zu bytes", value, sizeof address.sun_path - 1);
    }
    address.sun_family = AF_UNIX;
    strcpy(address.sun_path, value);
}

static connection connect_client(void) {
    connection c = { socket(AF_UNIX, SOCK_STREAM, 0) };
    if (c.fd < 0 || connect(c.fd, (struct sockaddr *) &address, sizeof address) != 0) {
        die("could not connect to %s: %s", address.sun_path, strerror(errno));
    }
    return c;
}

static void *serve_thread(void *argument);

static void remove_socket_and_exit(int signal) {
    (void) signal;
    unlink(address.sun_path);
    _exit(0);
}

/* Holds <path>.lock as AsyncIPC's servers do, so that neither takes the other's socket for stale. */
static void lock_socket_path(void) {
    char lock_path[sizeof address.sun_path + 8];
    snprintf(lock_path, sizeof lock_path, "%s.lock", address.sun_path);
    int fd = open(lock_path, O_RDWR | O_CREAT, 0600);
    struct flock lock = { 0 };
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    if (fd < 0 || fcntl(fd, F_SETLK, &lock) != 0) {
        die("could not lock %s (another server serves %s?): %s", lock_path, address.sun_path, strerror(errno));
    }
    unlink(address.sun_path); /* stale: whoever made it no longer holds the lock */
}

static void run_server_loop(void) {
    lock_socket_path();
    int server = socket(AF_UNIX, SOCK_STREAM, 0);
    if (server < 0 || bind(server, (struct sockaddr *) &address, sizeof address) != 0
            || chmod(address.sun_path, 0600) != 0 || listen(server, 64) != 0) {
        die("could not listen on %s: %s", address.sun_path, strerror(errno));
    }
    struct sigaction on_term = { 0 };
    on_term.sa_handler = remove_socket_and_exit;
    sigaction(SIGTERM, &on_term, NULL);
    sigaction(SIGINT, &on_term, NULL);
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        int fd = accept(server, NULL, NULL);
        if (fd < 0) {
            continue;
        }
        connection *c = malloc(sizeof *c);
        c->fd = fd;
        pthread_t thread;
        if (pthread_create(&thread, NULL, serve_thread, c) == 0) {
            pthread_detach(thread);
        }
        else {
            close(fd);
            free(c);
        }
    }
}
#endif

/* ---- what both platforms share ------------------------------------------------------------------------- */

static struct {
    int envelope;
    const char *fail_on;
    struct aipc_bytes type_id, content_type;
    struct aipc_header headers[MAX_HEADERS];
    size_t header_count;
    int request;
    int answers;
} options = { 1, NULL, { NULL, 0 }, { NULL, 0 }, { { { NULL, 0 }, { NULL, 0 } } }, 0, 0, 1 };

/* Appends bytes to a line, escaped: backslash, tab, newline, carriage return, other control bytes. */
static size_t escape(char *line, size_t at, size_t capacity, struct aipc_bytes bytes) {
    if (bytes.length == 0) {
        return at + (size_t) snprintf(line + at, capacity - at, "-");
    }
    for (size_t i = 0; i < bytes.length && at + 5 < capacity; i++) {
        uint8_t b = bytes.data[i];
        if (b == '\\' || b == '\t' || b == '\n' || b == '\r') {
            line[at++] = '\\';
            line[at++] = b == '\\' ? '\\' : b == '\t' ? 't' : b == '\n' ? 'n' : 'r';
        }
        else if (b < 0x20 || b == 0x7f) {
            at += (size_t) snprintf(line + at, capacity - at, "\\x%02x", b);
        }
        else {
            line[at++] = (char) b;
        }
    }
    line[at] = '\0';
    return at;
}

/* One line per message, written with one call so that the lines of several threads do not mix. */
static void describe(const char *event, int envelope, const struct aipc_envelope *m) {
    static const size_t capacity = 1 << 20;
    char *line = malloc(capacity);
    size_t at = (size_t) snprintf(line, capacity, "%s\tformat=%s\ttype=", event, envelope ? "envelope" : "raw");
    at = escape(line, at, capacity, m->type_id);
    at += (size_t) snprintf(line + at, capacity - at, "\tcontent=");
    at = escape(line, at, capacity, m->content_type);
    at += (size_t) snprintf(line + at, capacity - at, "\tcorrelation=");
    at = escape(line, at, capacity, m->correlation_id);
    at += (size_t) snprintf(line + at, capacity - at, "\tflags=%s",
                            (m->flags & AIPC_FLAG_REPLY) ? ((m->flags & AIPC_FLAG_ERROR) ? "reply,error" : "reply")
                            : (m->flags & AIPC_FLAG_ERROR) ? "error" : "-");
    at += (size_t) snprintf(line + at, capacity - at, "\theaders=");
    for (size_t i = 0; i < m->header_count; i++) {
        if (i > 0) {
            line[at++] = ';';
        }
        at = escape(line, at, capacity, m->headers[i].key);
        line[at++] = '=';
        line[at] = '\0';
        if (m->headers[i].value.length > 0) {
            at = escape(line, at, capacity, m->headers[i].value);
        }
    }
    if (m->header_count == 0) {
        at += (size_t) snprintf(line + at, capacity - at, "-");
    }
    at += (size_t) snprintf(line + at, capacity - at, "\tpayload=");
    if (m->payload.length > 0) {
        at = escape(line, at, capacity, m->payload);
    }
    snprintf(line + at, capacity - at, "\n");
    fputs(line, stdout);
    fflush(stdout);
    free(line);
}

enum { SEND_TOO_LARGE = -2 };

/*
 * Sends one message: an envelope of m, or on a raw connection its payload alone. A message larger than
 * peer_limit, what the peer's hello said it accepts (0: it did not say), is not sent: SEND_TOO_LARGE, and
 * the reason in too_large (if not NULL), before anything is written.
 */
static int send_envelope(connection *c, int envelope, const struct aipc_envelope *m, uint64_t peer_limit,
                         char *too_large, size_t too_large_size) {
    if (!envelope) {
        return send_message(c, m->payload.data, m->payload.length);
    }
    size_t size = aipc_encoded_size(m);
    if (peer_limit != 0 && size > peer_limit) {
        if (too_large != NULL) {
            snprintf(too_large, too_large_size, "message of %lu bytes is larger than the maximum of %llu bytes that "
                     "the peer accepts, as its hello said (its max-message-size); the message was not sent",
                     (unsigned long) size, (unsigned long long) peer_limit);
        }
        return SEND_TOO_LARGE;
    }
    uint8_t *bytes = malloc(size ? size : 1);
    size_t written;
    int status = aipc_encode(m, AIPC_DEFAULT_MAX_HEADER_SIZE, bytes, size, &written);
    if (status != AIPC_OK) {
        fprintf(stderr, "envelope_peer: cannot encode: %s\n", aipc_strerror(status));
        free(bytes);
        return -1;
    }
    status = send_message(c, bytes, written);
    free(bytes);
    return status;
}

/* Reads what a message is: the payload alone on a raw connection; an error closes the connection. */
static int read_envelope(int envelope, const uint8_t *bytes, long length, struct aipc_envelope *m,
                         struct aipc_header *headers) {
    memset(m, 0, sizeof *m);
    m->headers = headers;
    m->header_capacity = MAX_HEADERS;
    if (!envelope) {
        m->payload.data = bytes;
        m->payload.length = (size_t) length;
        return 0;
    }
    size_t offset = 0;
    int status = aipc_decode(bytes, (size_t) length, AIPC_DEFAULT_MAX_HEADER_SIZE, m, &offset);
    if (status != AIPC_OK) {
        fprintf(stderr, "envelope_peer: closing the connection: %s, at offset %lu\n", aipc_strerror(status),
                (unsigned long) offset);
        fflush(stderr);
        return -1;
    }
    return 0;
}

static void answer(connection *c, int envelope, const struct aipc_envelope *request, uint64_t peer_limit) {
    size_t size = request->payload.length + 32;
    char *text = malloc(size);
    int refuse = envelope && options.fail_on != NULL && request->correlation_id.length > 0
                 && request->payload.length == strlen(options.fail_on)
                 && memcmp(request->payload.data, options.fail_on, request->payload.length) == 0;
    int n = snprintf(text, size, "%s", refuse ? "c peer refused: " : "c got: ");
    memcpy(text + n, request->payload.data ? (const char *) request->payload.data : "", request->payload.length);
    struct aipc_header peer = { aipc_string("peer"), aipc_string("c") };
    struct aipc_envelope reply = { 0 };
    reply.payload.data = (const uint8_t *) text;
    reply.payload.length = (size_t) n + request->payload.length;
    reply.content_type = aipc_string("text/plain");
    if (!refuse) {
        reply.headers = &peer;
        reply.header_count = 1;
    }
    if (request->correlation_id.length > 0) {
        reply.correlation_id = request->correlation_id;
        reply.flags = AIPC_FLAG_REPLY | (refuse ? AIPC_FLAG_ERROR : 0);
    }
    char reason[256];
    if (send_envelope(c, envelope, &reply, peer_limit, reason, sizeof reason) == SEND_TOO_LARGE) {
        fprintf(stderr, "envelope_peer: %s\n", reason);
        fflush(stderr);
    }
    free(text);
}

/* Sends this peer's hello: with its max-message-size, or the 7-byte one (a server's answer to a client's
   hello without parameters, which may refuse any). */
static int send_hello(connection *c, int with_parameters) {
    char size[24];
    snprintf(size, sizeof size, "%ld", max_message_size);
    struct aipc_header parameter = { aipc_string(AIPC_MAX_MESSAGE_SIZE_PARAMETER), aipc_string(size) };
    uint8_t hello[64];
    size_t written;
    if (aipc_encode_hello(&parameter, with_parameters ? 1 : 0, AIPC_DEFAULT_MAX_HEADER_SIZE, hello, sizeof hello,
                          &written) != AIPC_OK) {
        return -1;
    }
    return send_message(c, hello, written);
}

static void serve(connection *c) {
    size_t capacity = 65536;
    uint8_t *buffer = malloc(capacity);
    struct aipc_header headers[MAX_HEADERS];
    int envelope = 0;
    uint64_t peer_limit = 0;
    long n = receive_message(c, &buffer, &capacity, -1);
    if (n >= 0 && options.envelope && aipc_starts_with_magic(buffer, (size_t) n)) {
        size_t offset;
        struct aipc_hello hello = { NULL, 0, 0, 0, { NULL, 0 } };
        int status = aipc_decode_hello(buffer, (size_t) n, AIPC_DEFAULT_MAX_HEADER_SIZE, &hello, &offset);
        if (status == AIPC_OK) {
            envelope = 1;
            peer_limit = hello.max_message_size;
            send_hello(c, hello.parameter_count > 0);
            n = receive_message(c, &buffer, &capacity, -1);
        }
        else {
            fprintf(stderr, "envelope_peer: closing the connection: its first message is not a hello of "
                    "version 1: %s, at offset %lu\n", aipc_strerror(status), (unsigned long) offset);
            n = RECEIVED_ERROR;
        }
    }
    for (; n >= 0; n = receive_message(c, &buffer, &capacity, -1)) {
        struct aipc_envelope m;
        if (read_envelope(envelope, buffer, n, &m, headers) != 0) {
            break;
        }
        describe("received", envelope, &m);
        answer(c, envelope, &m, peer_limit);
    }
    if (n == RECEIVED_ERROR) {
        fprintf(stderr, "envelope_peer: closing a connection after a broken or oversized message\n");
    }
    free(buffer);
    close_connection(c);
    free(c);
}

#ifdef _WIN32
static DWORD WINAPI serve_thread(LPVOID argument) {
    serve((connection *) argument);
    return 0;
}
#else
static void *serve_thread(void *argument) {
    serve((connection *) argument);
    return NULL;
}
#endif

static long receive_or_die(connection *c, uint8_t **buffer, size_t *capacity, int timeout_ms, const char *what) {
    long n = receive_message(c, buffer, capacity, timeout_ms);
    if (n == RECEIVED_TIMEOUT) {
        die("no %s within %d ms", what, timeout_ms);
    }
    if (n < 0) {
        die("the server closed the connection while this client waited for %s", what);
    }
    return n;
}

static void run_client(void) {
    connection c = connect_client();
    size_t capacity = 65536;
    uint8_t *buffer = malloc(capacity);
    struct aipc_header headers[MAX_HEADERS];
    uint64_t peer_limit = 0;
    char server_id[AIPC_MAX_CONNECTION_ID_LENGTH + 1] = "-";
    if (options.envelope) {
        if (send_hello(&c, 1) != 0) {
            die("could not send the hello");
        }
        long n = receive_message(&c, &buffer, &capacity, HELLO_TIMEOUT_MS);
        if (n < 0 && n != RECEIVED_TIMEOUT) {
            die("the server closed the connection instead of answering the hello");
        }
        if (n < 0 || !aipc_starts_with_magic(buffer, (size_t) n)) {
            die("the server answered the hello with no hello within %d ms: it speaks the raw format (set its "
                "pipe's format to envelope, or run this client with --format raw)", HELLO_TIMEOUT_MS);
        }
        struct aipc_hello hello = { NULL, 0, 0, 0, { NULL, 0 } };
        size_t offset;
        int status = aipc_decode_hello(buffer, (size_t) n, AIPC_DEFAULT_MAX_HEADER_SIZE, &hello, &offset);
        if (status != AIPC_OK) {
            die("the server's hello is not one of version 1: %s, at offset %lu", aipc_strerror(status),
                (unsigned long) offset);
        }
        peer_limit = hello.max_message_size;
        if (hello.connection_id.length > 0) {
            memcpy(server_id, hello.connection_id.data, hello.connection_id.length);
            server_id[hello.connection_id.length] = '\0';
        }
    }
    if (peer_limit != 0) {
        printf("connected\tformat=%s\tmax-message-size=%llu\tconnection=%s\n", options.envelope ? "envelope" : "raw",
               (unsigned long long) peer_limit, server_id);
    }
    else {
        printf("connected\tformat=%s\tmax-message-size=-\tconnection=%s\n", options.envelope ? "envelope" : "raw",
               server_id);
    }
    fflush(stdout);
    static char line[65536];
    for (unsigned long sent = 1; fgets(line, sizeof line, stdin) != NULL; sent++) {
        size_t length = strcspn(line, "\r\n");
        char correlation[64];
        struct aipc_envelope m = { 0 };
        m.payload.data = (const uint8_t *) line;
        m.payload.length = length;
        m.type_id = options.type_id;
        m.content_type = options.content_type;
        m.headers = options.headers;
        m.header_count = options.header_count;
        if (options.request) {
            snprintf(correlation, sizeof correlation, "c-%lu", sent);
            m.correlation_id = aipc_string(correlation);
        }
        char reason[256];
        int sent_status = send_envelope(&c, options.envelope, &m, peer_limit, reason, sizeof reason);
        if (sent_status == SEND_TOO_LARGE) {
            printf("not-sent\tlimit=%llu\treason=%s\n", (unsigned long long) peer_limit, reason);
            fflush(stdout);
            continue;
        }
        if (sent_status != 0) {
            die("could not send a message");
        }
        for (int answers = 0; options.request || answers < options.answers; answers++) {
            long n = receive_or_die(&c, &buffer, &capacity, ANSWER_TIMEOUT_MS, "an answer");
            struct aipc_envelope got;
            if (read_envelope(options.envelope, buffer, n, &got, headers) != 0) {
                exit(2);
            }
            int is_reply = options.request && (got.flags & AIPC_FLAG_REPLY) && got.correlation_id.length
                           == strlen(correlation) && memcmp(got.correlation_id.data, correlation, strlen(correlation))
                           == 0;
            describe(is_reply ? ((got.flags & AIPC_FLAG_ERROR) ? "remote-error" : "reply") : "received",
                     options.envelope, &got);
            if (is_reply) {
                break;
            }
        }
    }
    free(buffer);
    close_connection(&c);
}

int main(int argc, char **argv) {
    const char *role = NULL;
    int located = 0;
    for (int i = 1; i < argc; i++) {
        const char *option = argv[i];
        if (strcmp(option, "--request") == 0) {
            options.request = 1;
            continue;
        }
        if (i + 1 >= argc) {
            die("%s needs a value", option);
        }
        const char *value = argv[++i];
        if (strcmp(option, "--role") == 0) {
            role = value;
        }
        else if (strcmp(option, "--format") == 0) {
            if (strcmp(value, "envelope") != 0 && strcmp(value, "raw") != 0) {
                die("--format must be envelope or raw, got '%s'", value);
            }
            options.envelope = strcmp(value, "envelope") == 0;
        }
        else if (strcmp(option, "--socket") == 0 || strcmp(option, "--name") == 0) {
            where(option, value);
            located = 1;
        }
        else if (strcmp(option, "--type-id") == 0) {
            options.type_id = aipc_string(value);
        }
        else if (strcmp(option, "--content-type") == 0) {
            options.content_type = aipc_string(value);
        }
        else if (strcmp(option, "--header") == 0) {
            const char *equals = strchr(value, '=');
            if (equals == NULL || options.header_count == MAX_HEADERS) {
                die("--header takes KEY=VALUE, at most %d times, got '%s'", MAX_HEADERS, value);
            }
            struct aipc_header *header = &options.headers[options.header_count++];
            header->key.data = (const uint8_t *) value;
            header->key.length = (size_t) (equals - value);
            header->value = aipc_string(equals + 1);
        }
        else if (strcmp(option, "--answers") == 0) {
            options.answers = atoi(value);
        }
        else if (strcmp(option, "--fail-on") == 0) {
            options.fail_on = value;
        }
        else if (strcmp(option, "--max-message-size") == 0) {
            char *end;
            max_message_size = strtol(value, &end, 10);
            if (*end != '\0' || max_message_size < 1 || max_message_size > 0x7fffffffL - 4096) {
                die("--max-message-size takes a number of bytes from 1 to %ld, got '%s'", 0x7fffffffL - 4096, value);
            }
        }
        else {
            die("unknown option %s", option);
        }
    }
#ifndef _WIN32
    signal(SIGPIPE, SIG_IGN); /* a peer that goes away is an error from send, not the end of this process */
#endif
    if (role == NULL || !located) {
        die("usage: envelope_peer --role client|server --format envelope|raw (--socket PATH | --name NAME) ...");
    }
    if (!options.envelope && (options.type_id.length || options.content_type.length || options.header_count
                              || options.request)) {
        die("--type-id, --content-type, --header and --request need --format envelope");
    }
    if (strcmp(role, "server") == 0) {
        run_server_loop();
    }
    else if (strcmp(role, "client") == 0) {
        run_client();
    }
    else {
        die("--role must be client or server, got '%s'", role);
    }
    return 0;
}
