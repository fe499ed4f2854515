/*
 * module:    record_dirs
 * python:    3.8-3.13
 * inspector: abi3-candidate
 * harness:   gil-required (3.13+)
 *
 * A hostile sample (built on demand, never imported by the corpus-wide tests)
 * that writes where it runs. Each time it is executed it appends a line to
 * record_dirs.log beside its own file (its process id, working directory, $HOME
 * and $TMPDIR, separated by tabs) and writes a file named record_dirs.was-here
 * into each of those three directories, as a module that keeps a cache or a log
 * in them would. A
 * test runs the harness on it and checks that every directory it saw was a
 * private one, removed when the child ended, and that nothing landed in the
 * user's home or working directory (tests/tests/harness_hostile.rs).
 *
 * Inspector: nothing visible statically (abi3-candidate, info).
 * Harness: nothing to report but gil-required (warning) on 3.13, as it
 * declares no Py_mod_gil slot.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#if !defined(_WIN32)
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void leave_file(const char *dir) {
    char path[4096];
    if (dir == NULL || snprintf(path, sizeof path, "%s/record_dirs.was-here", dir) >= (int)sizeof path) {
        return;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        close(fd);
    }
}

static int record(void) {
    Dl_info info;
    if (dladdr((void *)record, &info) == 0 || info.dli_fname == NULL) {
        return -1;
    }
    char log[4096];
    const char *slash = strrchr(info.dli_fname, '/');
    int dir_length = slash == NULL ? 1 : (int)(slash - info.dli_fname);
    const char *dir = slash == NULL ? "." : info.dli_fname;
    if (snprintf(log, sizeof log, "%.*s/record_dirs.log", dir_length, dir) >= (int)sizeof log) {
        return -1;
    }
    char cwd[4096];
    if (getcwd(cwd, sizeof cwd) == NULL) {
        strcpy(cwd, "?");
    }
    const char *home = getenv("HOME");
    const char *tmpdir = getenv("TMPDIR");
    char line[3 * 4096 + 64];
    int length = snprintf(line, sizeof line, "%ld\t%s\t%s\t%s\n", (long)getpid(), cwd,
                          home ? home : "", tmpdir ? tmpdir : "");
    if (length < 0 || length >= (int)sizeof line) {
        return -1;
    }
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0) {
        return -1;
    }
    ssize_t written = write(fd, line, (size_t)length);
    close(fd);
    leave_file(cwd);
    leave_file(home);
    leave_file(tmpdir);
    return written == length ? 0 : -1;
}
#else
static int record(void) {
    return 0;
}
#endif

static int exec_module(PyObject *module) {
    if (record() != 0) {
        PyErr_SetString(PyExc_OSError, "record_dirs could not write its record");
        return -1;
    }
    return 0;
}

static PyModuleDef_Slot slots[] = {
    {Py_mod_exec, (void *)exec_module},
#if PY_VERSION_HEX >= 0x030C0000
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#endif
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "record_dirs", "Records where it runs.", 0, NULL, slots,
};

PyMODINIT_FUNC PyInit_record_dirs(void) {
    return PyModuleDef_Init(&module_def);
}
