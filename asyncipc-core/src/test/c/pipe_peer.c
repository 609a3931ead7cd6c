/*
 * A native Windows peer for AsyncIPC's interop tests and benchmarks. It uses nothing but
 * plain message-mode named pipes, as any C, C++ or C# program would: one application message
 * is one pipe message.
 *
 *   pipe_peer server NAME                 echo every message back, to any number of clients
 *   pipe_peer client NAME echo            connect, echo every message back until the pipe ends
 *   pipe_peer client NAME greet TEXT      connect, send TEXT, print the reply, exit
 *   pipe_peer client NAME hold            connect, print "ready", wait to be killed
 *   pipe_peer client NAME flood SIZE      connect, write SIZE-byte messages (byte i is i % 251) until killed
 *   pipe_peer rtt NAME COUNT SIZE         round trips against an echo server: prints the median in ns
 *   pipe_peer oneway NAME COUNT SIZE      COUNT messages, then an empty one; the server must reply
 *                                         with the count as 8 bytes; prints ns per message
 *   pipe_peer sink NAME                   server: count messages, reply to an empty one with the count
 *
 * Built with mingw-w64: x86_64-w64-mingw32-gcc -O2 -o pipe-peer.exe pipe_peer.c
 */
#include <windows.h>
#include <sddl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char path[512];

static void fail(const char *what) {
    fprintf(stderr, "pipe_peer: %s failed: error %lu\n", what, GetLastError());
    fflush(stderr);
    ExitProcess(2);
}

/* Reads one whole message, growing the buffer on ERROR_MORE_DATA. Returns -1 when the pipe ends. */
static long read_message(HANDLE pipe, char **buffer, DWORD *capacity) {
    DWORD total = 0;
    for (;;) {
        DWORD got = 0;
        if (ReadFile(pipe, *buffer + total, *capacity - total, &got, NULL)) {
            return (long) (total + got);
        }
        DWORD error = GetLastError();
        if (error != ERROR_MORE_DATA) {
            return -1;
        }
        total += got;
        DWORD left = 0;
        if (!PeekNamedPipe(pipe, NULL, 0, NULL, NULL, &left) || left == 0) {
            left = 65536;
        }
        if (total + left > *capacity) {
            *capacity = total + left;
            *buffer = realloc(*buffer, *capacity);
        }
    }
}

static int write_message(HANDLE pipe, const char *data, DWORD length) {
    DWORD written = 0;
    return WriteFile(pipe, data, length, &written, NULL) && written == length;
}

static HANDLE connect_client(void) {
    for (int attempt = 0; attempt < 200; attempt++) {
        HANDLE pipe = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
        if (pipe != INVALID_HANDLE_VALUE) {
            DWORD mode = PIPE_READMODE_MESSAGE;
            if (!SetNamedPipeHandleState(pipe, &mode, NULL, NULL)) {
                fail("SetNamedPipeHandleState");
            }
            return pipe;
        }
        if (GetLastError() == ERROR_PIPE_BUSY) {
            WaitNamedPipeA(path, 100);
        }
        else {
            Sleep(50);
        }
    }
    fail("CreateFile");
    return INVALID_HANDLE_VALUE;
}

static void echo(HANDLE pipe) {
    DWORD capacity = 1 << 16;
    char *buffer = malloc(capacity);
    long n;
    while ((n = read_message(pipe, &buffer, &capacity)) >= 0) {
        if (!write_message(pipe, buffer, (DWORD) n)) {
            break;
        }
    }
    free(buffer);
}

static void sink(HANDLE pipe) {
    DWORD capacity = 1 << 16;
    char *buffer = malloc(capacity);
    long long count = 0;
    long n;
    while ((n = read_message(pipe, &buffer, &capacity)) >= 0) {
        if (n == 0) {
            unsigned char reply[8];
            for (int i = 0; i < 8; i++) {
                reply[i] = (unsigned char) (count >> (56 - 8 * i));
            }
            write_message(pipe, (char *) reply, 8);
            count = 0;
        }
        else {
            count++;
        }
    }
    free(buffer);
}

/* What each server thread does with its client: echo or sink. */
static void (*serve_client)(HANDLE);

/*
 * Instances owned by this process's user, and open to it and SYSTEM only, as AsyncIPC's own
 * servers make them: its clients accept only a pipe that their user owns, and Windows would
 * otherwise make the token's default owner the owner (the Administrators group, when elevated).
 */
static SECURITY_ATTRIBUTES *owned_by_user(void) {
    static SECURITY_ATTRIBUTES attributes;
    HANDLE token;
    char user[256];
    DWORD length;
    LPSTR sid;
    char sddl[512];
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)
            || !GetTokenInformation(token, TokenUser, user, sizeof user, &length)
            || !ConvertSidToStringSidA(((TOKEN_USER *) user)->User.Sid, &sid)) {
        fail("reading the user SID");
    }
    snprintf(sddl, sizeof sddl, "O:%sD:P(A;;GA;;;SY)(A;;GA;;;%s)", sid, sid);
    LocalFree(sid);
    CloseHandle(token);
    attributes.nLength = sizeof attributes;
    attributes.bInheritHandle = FALSE;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorA(sddl, SDDL_REVISION_1,
            &attributes.lpSecurityDescriptor, NULL)) {
        fail("ConvertStringSecurityDescriptorToSecurityDescriptor");
    }
    return &attributes;
}

static DWORD WINAPI serve(LPVOID arg) {
    HANDLE pipe = (HANDLE) arg;
    serve_client(pipe);
    DisconnectNamedPipe(pipe);
    CloseHandle(pipe);
    return 0;
}

static void run_server(void (*handler)(HANDLE)) {
    serve_client = handler;
    SECURITY_ATTRIBUTES *security = owned_by_user();
    int first = 1;
    for (;;) {
        HANDLE pipe = CreateNamedPipeA(path, PIPE_ACCESS_DUPLEX | (first ? FILE_FLAG_FIRST_PIPE_INSTANCE : 0),
                PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT, PIPE_UNLIMITED_INSTANCES,
                65536, 65536, 0, security);
        if (pipe == INVALID_HANDLE_VALUE) {
            fail("CreateNamedPipe");
        }
        if (first) {
            printf("ready\n");
            fflush(stdout);
            first = 0;
        }
        if (!ConnectNamedPipe(pipe, NULL) && GetLastError() != ERROR_PIPE_CONNECTED) {
            CloseHandle(pipe);
            continue;
        }
        HANDLE thread = CreateThread(NULL, 0, serve, pipe, 0, NULL);
        if (thread) {
            CloseHandle(thread);
        }
    }
}

static int compare(const void *a, const void *b) {
    long long x = *(const long long *) a, y = *(const long long *) b;
    return (x > y) - (x < y);
}

static long long now_ns(void) {
    static LARGE_INTEGER frequency;
    LARGE_INTEGER counter;
    if (!frequency.QuadPart) {
        QueryPerformanceFrequency(&frequency);
    }
    QueryPerformanceCounter(&counter);
    return (long long) ((double) counter.QuadPart * 1e9 / (double) frequency.QuadPart);
}

static void rtt(int count, int size) {
    HANDLE pipe = connect_client();
    DWORD capacity = size > 65536 ? size : 65536;
    char *message = calloc(size ? size : 1, 1);
    char *reply = malloc(capacity);
    long long *samples = malloc(sizeof(long long) * count);
    for (int i = -count / 10; i < count; i++) {
        long long start = now_ns();
        if (!write_message(pipe, message, size) || read_message(pipe, &reply, &capacity) != size) {
            fail("round trip");
        }
        if (i >= 0) {
            samples[i] = now_ns() - start;
        }
    }
    qsort(samples, count, sizeof(long long), compare);
    printf("%lld\n", samples[count / 2]);
    fflush(stdout);
    CloseHandle(pipe);
}

static void oneway(int count, int size) {
    HANDLE pipe = connect_client();
    DWORD capacity = 65536;
    char *message = calloc(size ? size : 1, 1);
    char *reply = malloc(capacity);
    long long start = now_ns();
    for (int i = 0; i < count; i++) {
        if (!write_message(pipe, message, size)) {
            fail("WriteFile");
        }
    }
    if (!write_message(pipe, message, 0) || read_message(pipe, &reply, &capacity) != 8) {
        fail("count reply");
    }
    long long elapsed = now_ns() - start;
    printf("%lld\n", elapsed / count);
    fflush(stdout);
    CloseHandle(pipe);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: pipe_peer server|sink|client|rtt|oneway NAME ...\n");
        return 1;
    }
    snprintf(path, sizeof path, "\\\\.\\pipe\\%s", argv[2]);
    const char *mode = argv[1];
    if (!strcmp(mode, "server")) {
        run_server(echo);
    }
    else if (!strcmp(mode, "sink")) {
        run_server(sink);
    }
    else if (!strcmp(mode, "client") && argc >= 4) {
        HANDLE pipe = connect_client();
        if (!strcmp(argv[3], "echo")) {
            printf("ready\n");
            fflush(stdout);
            echo(pipe);
        }
        else if (!strcmp(argv[3], "greet") && argc >= 5) {
            DWORD capacity = 65536;
            char *reply = malloc(capacity);
            if (!write_message(pipe, argv[4], (DWORD) strlen(argv[4]))) {
                fail("WriteFile");
            }
            long n = read_message(pipe, &reply, &capacity);
            if (n < 0) {
                fail("ReadFile");
            }
            printf("%.*s\n", (int) n, reply);
            fflush(stdout);
        }
        else if (!strcmp(argv[3], "flood") && argc >= 5) {
            int size = atoi(argv[4]);
            char *message = malloc(size);
            for (int i = 0; i < size; i++) {
                message[i] = (char) (i % 251);
            }
            for (long n = 0;; n++) {
                if (!write_message(pipe, message, (DWORD) size)) {
                    fail("WriteFile");
                }
                if (n == 0) {
                    printf("ready\n");
                    fflush(stdout);
                }
            }
        }
        else if (!strcmp(argv[3], "hold")) {
            printf("ready\n");
            fflush(stdout);
            Sleep(INFINITE);
        }
        CloseHandle(pipe);
    }
    else if (!strcmp(mode, "rtt") && argc >= 5) {
        rtt(atoi(argv[3]), atoi(argv[4]));
    }
    else if (!strcmp(mode, "oneway") && argc >= 5) {
        oneway(atoi(argv[3]), atoi(argv[4]));
    }
    else {
        fprintf(stderr, "pipe_peer: unknown mode %s\n", mode);
        return 1;
    }
    return 0;
}
