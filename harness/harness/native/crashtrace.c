/*
 * crashtrace: preloaded (LD_PRELOAD) into every child interpreter the harness
 * starts, so that a child dying by a fatal signal leaves the raw material of
 * a native stack trace: return addresses and the library map to place them.
 * The harness turns those into function names and file:line afterwards, in
 * its own process, where it may allocate, read DWARF and take its time; here
 * nothing may allocate or lock, because the process is already broken.
 *
 * Output, on file descriptor 5 (nothing at all when fd 5 is no longer the harness's pipe),
 * line-oriented text:
 *
 *     extharness-crashtrace 1        header and format version
 *     signal 11                      the signal, decimal
 *     pc 0x7f3a12345678              the faulting instruction, only when the
 *                                    kernel raised the signal for a fault
 *                                    (si_code > 0); absent when it was sent
 *                                    (abort(), raise(), kill, faulthandler's
 *                                    re-raise)
 *     maps                           then /proc/self/maps verbatim ...
 *     7f3a1234000-7f3a1235000 r-xp 00001000 08:01 1234 /path/lib.so
 *     maps-end                       ... until this line
 *     frame 0x7f3a12345678           backtrace(), innermost first, at most 64
 *     end                            the record is complete
 *
 * The map is written before the frames so that an unwinder that faults on a
 * smashed stack still leaves the faulting pc and the map to place it. The
 * first frames belong to this handler and the kernel's signal trampoline;
 * when faulthandler (which chains to the handler it replaced by restoring it
 * and re-raising) ran first, its frames and a second trampoline follow. The
 * harness therefore picks out the module's frames by library, not by
 * position.
 *
 * After writing, the handler restores the default action and re-raises, so
 * the process still dies by the original signal and the harness sees it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define OUT_FD 5
#define MAX_FRAMES 64

static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};

/* A stack overflow leaves no stack to run the handler on. */
static char alternate_stack[64 * 1024];
/* The pipe the harness gave us: the handler writes only while fd 5 is
 * still it, not a file the module opened after closing ours. */
static dev_t pipe_dev;
static ino_t pipe_ino;

/* The thread writing a record; 0 while none is. */
static pid_t writer;

static void write_all(const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(OUT_FD, buf, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return;
        }
        buf += n;
        len -= (size_t)n;
    }
}

static void put(const char *text) {
    write_all(text, strlen(text));
}

/* "<key> 0x<hex>\n"; snprintf is not async-signal-safe. */
static void put_hex(const char *key, uintptr_t value) {
    char buf[64];
    size_t n = 0;
    for (const char *k = key; *k && n < 32; k++) {
        buf[n++] = *k;
    }
    buf[n++] = ' ';
    buf[n++] = '0';
    buf[n++] = 'x';
    int shift = (int)(sizeof(value) * 8) - 4;
    while (shift > 0 && ((value >> shift) & 0xf) == 0) {
        shift -= 4;
    }
    for (; shift >= 0; shift -= 4) {
        buf[n++] = "0123456789abcdef"[(value >> shift) & 0xf];
    }
    buf[n++] = '\n';
    write_all(buf, n);
}

static void put_decimal(const char *key, int value) {
    char digits[16];
    size_t n = 0;
    unsigned int v = value < 0 ? 0u - (unsigned int)value : (unsigned int)value;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0 && n < sizeof(digits));
    put(key);
    put(value < 0 ? " -" : " ");
    while (n > 0) {
        write_all(&digits[--n], 1);
    }
    put("\n");
}

static int faulting_pc(const siginfo_t *info, void *context, uintptr_t *pc) {
    /* si_code <= 0 means the signal was sent, not raised by the CPU: the
     * context then holds wherever the sender was, not a fault. */
    if (info == NULL || info->si_code <= 0 || context == NULL) {
        return 0;
    }
    const ucontext_t *uc = (const ucontext_t *)context;
#if defined(__x86_64__)
    *pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    return 1;
#elif defined(__i386__)
    *pc = (uintptr_t)uc->uc_mcontext.gregs[REG_EIP];
    return 1;
#elif defined(__aarch64__)
    *pc = (uintptr_t)uc->uc_mcontext.pc;
    return 1;
#else
    (void)uc;
    return 0;
#endif
}

static void copy_maps(void) {
    int fd;
    do {
        fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        return;
    }
    char buf[4096];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        write_all(buf, (size_t)n);
    }
    close(fd);
}

static void report(int sig, siginfo_t *info, void *context) {
    put("extharness-crashtrace 1\n");
    put_decimal("signal", sig);
    uintptr_t pc;
    if (faulting_pc(info, context, &pc)) {
        put_hex("pc", pc);
    }
    put("maps\n");
    copy_maps();
    put("maps-end\n");
    void *frames[MAX_FRAMES];
    int count = backtrace(frames, MAX_FRAMES);
    for (int i = 0; i < count; i++) {
        put_hex("frame", (uintptr_t)frames[i]);
    }
    put("end\n");
}

static void die(int sig) {
    struct sigaction dfl;
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
    /* Blocked while this handler runs: delivered, with the default action,
     * as soon as it returns (or, for a fault, the instruction faults again). */
    raise(sig);
}

static void handler(int sig, siginfo_t *info, void *context) {
    int saved_errno = errno;
    pid_t self = (pid_t)syscall(SYS_gettid);
    pid_t none = 0;
    if (!__atomic_compare_exchange_n(&writer, &none, self, 0, __ATOMIC_SEQ_CST,
                                     __ATOMIC_SEQ_CST)) {
        if (none != self) {
            /* Another thread is writing its record and will end the process;
             * dying now would cut that record short. */
            struct timespec wait = {2, 0};
            while (nanosleep(&wait, &wait) == -1 && errno == EINTR) {
            }
        }
        /* Here again on the writing thread: the handler itself faulted. */
        die(sig);
        errno = saved_errno;
        return;
    }
    struct stat st;
    if (fstat(OUT_FD, &st) == 0 && st.st_dev == pipe_dev && st.st_ino == pipe_ino) {
        report(sig, info, context);
    }
    die(sig);
    errno = saved_errno;
}

__attribute__((constructor)) static void install(void) {
    /* Only a process started by the harness has a pipe on fd 5; anything
     * else the module starts must not be touched. */
    struct stat st;
    if (fstat(OUT_FD, &st) != 0 || !S_ISFIFO(st.st_mode)) {
        return;
    }
    pipe_dev = st.st_dev;
    pipe_ino = st.st_ino;
    /* The module sees exactly the environment the harness documents, and
     * programs it starts are not preloaded. */
    unsetenv("LD_PRELOAD");

    stack_t ss;
    memset(&ss, 0, sizeof(ss));
    ss.ss_sp = alternate_stack;
    ss.ss_size = sizeof(alternate_stack);
    sigaltstack(&ss, NULL);

    /* The first backtrace() loads libgcc_s with dlopen, which allocates:
     * do that now, not in a crashed process. */
    void *warm[2];
    backtrace(warm, 2);

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++) {
        struct sigaction old;
        /* A handler installed before us was put there on purpose. */
        if (sigaction(fatal_signals[i], NULL, &old) == 0 && !(old.sa_flags & SA_SIGINFO) &&
            old.sa_handler == SIG_DFL) {
            sigaction(fatal_signals[i], &sa, NULL);
        }
    }
}
