/*
 * module:    shutdown_crash
 * python:    3.8+
 * inspector: abi3-candidate
 * harness:   shutdown-crash, gil-misuse (malloc-debug 3.14+), gil-required (3.13+)
 *
 * Registers a C exit hook with atexit() the first time it is executed. The
 * hook runs from exit(), after Py_FinalizeEx has torn the runtime down, and
 * raises a Python exception there: with no thread state left, the interpreter
 * dies by SIGSEGV (SIGABRT on debug builds, which check the thread state).
 * Importing and using the module works, in subinterpreters too (it keeps no
 * Python state and declares per-interpreter GIL support on 3.12+); only
 * shutdown fails.
 *
 * Inspector: nothing visible statically (abi3-candidate, info).
 * Harness: shutdown-crash, in `touch_python_after_finalize` (shutdown_crash.c).
 * From 3.14, under the debug allocator hooks (a debug build, or
 * --malloc-debug), the exception's string is allocated before anything
 * touches the missing thread state, and the hooks stop it: "Python memory
 * allocator called without holding the GIL", which is what the hook does, so
 * gil-misuse too; 3.8-3.13 die before allocating.
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
    /* Once per process, even with interpreters running side by side on their own GILs. */
    if (__atomic_exchange_n(&hook_registered, 1, __ATOMIC_ACQ_REL)) {
        return 0;
    }
    if (atexit(touch_python_after_finalize) != 0) {
        __atomic_store_n(&hook_registered, 0, __ATOMIC_RELEASE);
        PyErr_SetString(PyExc_RuntimeError, "atexit() refused the hook");
        return -1;
    }
    return 0;
}

static PyMethodDef methods[] = {
    {"ping", ping, METH_NOARGS, "Return 1: the module works until shutdown."},
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
    PyModuleDef_HEAD_INIT, "shutdown_crash", "Crashes the process at exit.", 0, methods, slots,
};

PyMODINIT_FUNC PyInit_shutdown_crash(void) {
    return PyModuleDef_Init(&module_def);
}
