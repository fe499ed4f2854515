/*
 * module:    shutdown_hang
 * python:    3.8+
 * inspector: abi3-candidate
 * harness:   shutdown-hang, gil-required (3.13+)
 *
 * Starts a native worker thread the first time it is executed, as libraries
 * with a background I/O or logging thread do, and registers a C exit hook with
 * atexit() that joins the worker. The worker waits for jobs on a pipe until
 * its write end is closed, which is how it is meant to be told to stop; the
 * hook forgets to close it, so exit(), after Py_FinalizeEx has run, blocks in
 * pthread_join forever (on Windows: an event never set, WaitForSingleObject).
 * Importing and using the module works, in subinterpreters too (the worker
 * never touches Python, and the module declares per-interpreter GIL support on
 * 3.12+); only the process never finishes exiting.
 *
 * Inspector: nothing visible statically (abi3-candidate, info).
 * Harness: shutdown-hang: the process outlives its exit deadline, its main
 * thread blocked in `join_worker` (shutdown_hang.c).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdlib.h>

#if defined(_WIN32)
#include <windows.h>
#else
#include <pthread.h>
#include <unistd.h>
#endif

static int worker_started = 0;

#if defined(_WIN32)
static HANDLE worker;
static HANDLE stop; /* the event that would tell the worker to stop */

static DWORD WINAPI serve_jobs(LPVOID unused) {
    WaitForSingleObject(stop, INFINITE);
    return 0;
}

static int start_worker(void) {
    stop = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (stop == NULL) {
        return -1;
    }
    worker = CreateThread(NULL, 0, serve_jobs, NULL, 0, NULL);
    return worker == NULL ? -1 : 0;
}

static void join_worker(void) {
    /* the bug: SetEvent(stop) first, or this waits forever */
    WaitForSingleObject(worker, INFINITE);
}
#else
static pthread_t worker;
static int jobs[2]; /* jobs[1] is never written to, and never closed */

static void *serve_jobs(void *unused) {
    char job;
    while (read(jobs[0], &job, 1) != 0) {
        /* a job, or EINTR: there is never a job */
    }
    return NULL; /* end of file: the write end was closed */
}

static int start_worker(void) {
    if (pipe(jobs) != 0) {
        return -1;
    }
    return pthread_create(&worker, NULL, serve_jobs, NULL) == 0 ? 0 : -1;
}

static void join_worker(void) {
    /* the bug: close(jobs[1]) first, or this waits forever */
    pthread_join(worker, NULL);
}
#endif

static PyObject *ping(PyObject *module, PyObject *unused) {
    return PyLong_FromLong(1);
}

static int exec_module(PyObject *module) {
    /* Once per process, even with interpreters running side by side on their own GILs. */
    if (__atomic_exchange_n(&worker_started, 1, __ATOMIC_ACQ_REL)) {
        return 0;
    }
    if (start_worker() != 0) {
        __atomic_store_n(&worker_started, 0, __ATOMIC_RELEASE);
        PyErr_SetString(PyExc_RuntimeError, "cannot start the worker thread");
        return -1;
    }
    if (atexit(join_worker) != 0) {
        PyErr_SetString(PyExc_RuntimeError, "atexit() refused the hook");
        return -1;
    }
    return 0;
}

static PyMethodDef methods[] = {
    {"ping", ping, METH_NOARGS, "Return 1: the module works until exit."},
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
    PyModuleDef_HEAD_INIT, "shutdown_hang", "Hangs the process at exit.", 0, methods, slots,
};

PyMODINIT_FUNC PyInit_shutdown_hang(void) {
    return PyModuleDef_Init(&module_def);
}
