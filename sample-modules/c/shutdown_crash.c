/*
 * module:    shutdown_crash
 * python:    3.8-3.13
 * inspector: abi3-candidate
 * harness:   shutdown-crash
 *
 * Registers a C exit hook with atexit() the first time it is executed. The
 * hook runs from exit(), after Py_FinalizeEx has torn the runtime down, and
 * raises a Python exception there: with no thread state left, the interpreter
 * dies by SIGSEGV (SIGABRT on debug builds, which check the thread state).
 * Importing and using the module works; only shutdown fails.
 *
 * Inspector: nothing visible statically (abi3-candidate, info).
 * Harness: shutdown-crash, in `touch_python_after_finalize` (shutdown_crash.c).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdlib.h>

static int hook_registered = 0;

static void touch_python_after_finalize(void) {
    PyErr_SetString(PyExc_RuntimeError, "raised after finalization");
}

static PyObject *ping(PyObject *module, PyObject *unused) {
    return PyLong_FromLong(1);
}

static int exec_module(PyObject *module) {
    if (!hook_registered) {
        if (atexit(touch_python_after_finalize) != 0) {
            PyErr_SetString(PyExc_RuntimeError, "atexit() refused the hook");
            return -1;
        }
        hook_registered = 1;
    }
    return 0;
}

static PyMethodDef methods[] = {
    {"ping", ping, METH_NOARGS, "Return 1: the module works until shutdown."},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot slots[] = {
    {Py_mod_exec, (void *)exec_module},
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "shutdown_crash", "Crashes the process at exit.", 0, methods, slots,
};

PyMODINIT_FUNC PyInit_shutdown_crash(void) {
    return PyModuleDef_Init(&module_def);
}
