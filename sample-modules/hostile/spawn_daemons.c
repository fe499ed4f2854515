/*
 * module:    spawn_daemons
 * python:    3.8-3.13
 * inspector: abi3-candidate
 * harness:   gil-required (3.13+)
 *
 * A hostile sample: it attacks the harness rather than showing a bug of the
 * kind the harness reports, so it is built on demand and never imported by the
 * corpus-wide tests. The first time it is executed in a process, it leaves
 * running what a careless native library can: a forked child that keeps the
 * process's descriptors and sleeps; three threads that sleep; and a daemon made
 * by the classic double fork (fork, setsid(), fork again, the middle process
 * exits), which has left the child's session and process group, so killpg()
 * does not reach it, and has closed every descriptor, so no pipe says it is
 * there. Each process sleeps for ten minutes (long next to any run, and bounded,
 * so that a failing test does not leave them for good). None of them calls
 * exec, so each still maps the module's file: a test finds them by its path in
 * /proc/PID/maps; and the importing process appends their ids to
 * spawn_daemons.pids beside the module's file ("PID child", "PID daemon").
 * block(seconds) sleeps in C holding the GIL, a hang that nothing in the
 * interpreter can interrupt.
 *
 * Inspector: nothing visible statically (abi3-candidate, info).
 * Harness: nothing to report (it imports and works) but gil-required
 * (warning) on 3.13, as it declares no Py_mod_gil slot; nothing it started may
 * outlive the harness's children, after a normal end or a time-out
 * (tests/tests/harness_hostile.rs).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#if !defined(_WIN32)
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SLEEP_SECONDS 600

static int started = 0;

/* Only async-signal-safe calls after a fork in a threaded process. */
static void sleep_seconds(long seconds) {
    struct timespec left = {seconds, 0};
    while (nanosleep(&left, &left) != 0) {
        /* EINTR: sleep the rest */
    }
}

static void *sleeper(void *unused) {
    for (;;) {
        sleep_seconds(SLEEP_SECONDS);
    }
    return NULL;
}

static void become_daemon(long open_max) {
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
    }
    for (long fd = 3; fd < open_max; fd++) {
        close((int)fd);
    }
    prctl(PR_SET_NAME, "spawn_daemons-d", 0, 0, 0);
    sleep_seconds(SLEEP_SECONDS);
    _exit(0);
}

/* Appends "PID KIND" to spawn_daemons.pids beside the module's file. */
static void note(pid_t pid, const char *kind) {
    Dl_info info;
    if (dladdr((void *)note, &info) == 0 || info.dli_fname == NULL) {
        return;
    }
    const char *slash = strrchr(info.dli_fname, '/');
    char path[4096];
    int dir_length = slash == NULL ? 1 : (int)(slash - info.dli_fname);
    const char *dir = slash == NULL ? "." : info.dli_fname;
    if (snprintf(path, sizeof path, "%.*s/spawn_daemons.pids", dir_length, dir) >= (int)sizeof path) {
        return;
    }
    char line[64];
    int length = snprintf(line, sizeof line, "%ld %s\n", (long)pid, kind);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
        if (write(fd, line, (size_t)length) != length) {
            /* a test will miss this process in the list, not in /proc */
        }
        close(fd);
    }
}

static int spawn(void) {
    long open_max = sysconf(_SC_OPEN_MAX);
    if (open_max < 0 || open_max > 65536) {
        open_max = 65536;
    }
    pid_t child = fork();
    if (child < 0) {
        return -1;
    }
    if (child == 0) { /* careless: keeps every descriptor, stays in the group */
        prctl(PR_SET_NAME, "spawn_daemons-c", 0, 0, 0);
        sleep_seconds(SLEEP_SECONDS);
        _exit(0);
    }
    note(child, "child");
    for (int i = 0; i < 3; i++) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, sleeper, NULL) != 0) {
            return -1;
        }
        pthread_detach(thread);
    }
    int told[2]; /* the middle process tells the daemon's id */
    if (pipe(told) != 0) {
        return -1;
    }
    pid_t middle = fork();
    if (middle < 0) {
        return -1;
    }
    if (middle == 0) {
        setsid();
        pid_t daemon = fork();
        if (daemon == 0) {
            become_daemon(open_max);
        }
        if (write(told[1], &daemon, sizeof daemon) != sizeof daemon) {
            _exit(1);
        }
        _exit(0);
    }
    close(told[1]);
    pid_t daemon = -1;
    ssize_t got;
    do {
        got = read(told[0], &daemon, sizeof daemon);
    } while (got < 0 && errno == EINTR);
    close(told[0]);
    int status;
    while (waitpid(middle, &status, 0) < 0 && errno == EINTR) {
    }
    if (got == sizeof daemon && daemon > 0) {
        note(daemon, "daemon");
    }
    return 0;
}

static PyObject *block(PyObject *module, PyObject *args) {
    double seconds;
    if (!PyArg_ParseTuple(args, "d", &seconds)) {
        return NULL;
    }
    if (seconds > 0) {
        struct timespec left = {(time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9)};
        while (nanosleep(&left, &left) != 0) {
        }
    }
    Py_RETURN_NONE;
}
#else
static int started = 0;

static int spawn(void) {
    return 0; /* the sample is about POSIX processes */
}

static PyObject *block(PyObject *module, PyObject *args) {
    Py_RETURN_NONE;
}
#endif

static int exec_module(PyObject *module) {
    if (__atomic_exchange_n(&started, 1, __ATOMIC_ACQ_REL)) {
        return 0;
    }
    if (spawn() != 0) {
        PyErr_SetFromErrno(PyExc_OSError);
        return -1;
    }
    return 0;
}

static PyMethodDef methods[] = {
    {"block", block, METH_VARARGS, "Sleep for this many seconds in C, holding the GIL."},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot slots[] = {
    {Py_mod_exec, (void *)exec_module},
#if PY_VERSION_HEX >= 0x030C0000
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#endif
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "spawn_daemons", "Leaves processes and threads running.", 0, methods,
    slots,
};

PyMODINIT_FUNC PyInit_spawn_daemons(void) {
    return PyModuleDef_Init(&module_def);
}
