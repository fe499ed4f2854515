/*
 * module:    buffer_overrun
 * python:    3.8+
 * inspector: abi3-candidate
 * harness:   memory-corruption (malloc-debug), call-crash (malloc-debug), reinit-crash (malloc-debug), gil-required (3.13+)
 *
 * An off-by-one write. `fill()` asks PyMem_Malloc for 12 bytes, writes 13 and
 * frees the buffer. pymalloc rounds every request up to 16 bytes, so in a
 * release interpreter the extra byte lands in the block's own slack: nothing
 * breaks, nothing shows, every scenario is clean. Under Python's debug
 * allocator hooks (`--malloc-debug`, or a debug interpreter, where they are
 * on by default) the byte overwrites the guard bytes right after the 12, and
 * the free aborts with "bad trailing pad byte".
 *
 * Inspector: nothing visible statically (abi3-candidate, info).
 * Harness: clean by default; with the debug hooks, every scenario that calls
 * the module's functions dies by SIGABRT in `fill` (buffer_overrun.c), and
 * the harness reports memory-corruption with the allocator's description of
 * the block, next to the crash finding of the phase it died in: call-crash
 * (the use phase of the shutdown and subinterpreter scenarios, which call
 * zero-argument functions) and reinit-crash (the reinit host's use step).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* Volatile, so that the compiler cannot see the overrun and refuse it. */
static volatile size_t requested = 12;

static PyObject *fill(PyObject *module, PyObject *unused) {
    size_t n = requested;
    /* Volatile writes: a loop the compiler would turn into memset, which
       the foreign builds (no C runtime) cannot link. */
    volatile char *buffer = PyMem_Malloc(n);
    if (buffer == NULL) {
        return PyErr_NoMemory();
    }
    for (size_t i = 0; i <= n; i++) { /* <= : one byte too many */
        buffer[i] = 'x';
    }
    PyMem_Free((void *)buffer);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"fill", fill, METH_NOARGS, "Fill a 12-byte buffer with 13 bytes, then free it."},
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
    "buffer_overrun",
    "An off-by-one heap write that only the debug allocator hooks see.",
    0,
    methods,
    slots,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC PyInit_buffer_overrun(void) {
    return PyModuleDef_Init(&module_def);
}
