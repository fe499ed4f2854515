/*
 * module:    gil_misuse
 * python:    3.8+
 * inspector: abi3-candidate
 * harness:   gil-misuse (malloc-debug), call-crash (malloc-debug), reinit-crash (malloc-debug), gil-required (3.13+)
 *
 * Calls the C API after releasing the GIL. `release_scratch()` drops the GIL
 * around some work and frees its scratch buffer with PyMem_Free before
 * taking the GIL back. The PyMem allocators need the GIL. Here the buffer
 * happens to be NULL, which PyMem_Free ignores before it touches any
 * allocator state, so release interpreters of every version run it without
 * harm; with a real buffer it would race other threads (and on 3.12+ crash
 * at once). The debug allocator hooks (`--malloc-debug`, or a debug
 * interpreter) check for the GIL first and abort with "Python memory
 * allocator called without holding the GIL".
 *
 * Inspector: nothing visible statically (abi3-candidate, info).
 * Harness: clean by default; with the debug hooks, every scenario that calls
 * the module's functions dies by SIGABRT in `release_scratch` (gil_misuse.c),
 * reported as gil-misuse next to the crash finding of the phase it died in:
 * call-crash (the use phase of the shutdown and subinterpreter scenarios)
 * and reinit-crash (the reinit host's use step).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* Where a real caller would have allocated scratch space; empty here. */
static void *scratch = NULL;

static PyObject *release_scratch(PyObject *module, PyObject *unused) {
    Py_BEGIN_ALLOW_THREADS
    PyMem_Free(scratch); /* the GIL is not held here */
    scratch = NULL;
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"release_scratch", release_scratch, METH_NOARGS, "Free the scratch buffer without the GIL."},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot slots[] = {
#if PY_VERSION_HEX >= 0x030C0000
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#endif
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    "gil_misuse",
    "Frees with PyMem_Free while the GIL is released.",
    0,
    methods,
    slots,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC PyInit_gil_misuse(void) {
    return PyModuleDef_Init(&module_def);
}
