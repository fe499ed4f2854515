/*
 * module:    leak_per_call
 * python:    3.8+
 * inspector: abi3-candidate
 * harness:   call-leak (exercise), gil-required (3.13+)
 *
 * `leak(obj)` takes a new reference to its argument and never releases it: one
 * leaked reference per call, on every path. `no_leak(obj)` is the same function
 * done right, as a control.
 *
 * Inspector: nothing wrong statically (abi3-candidate, info).
 * Harness: call-leak for `leak` under a workload or the exercise scenario; the
 * import-level scenarios are clean.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *leak(PyObject *module, PyObject *obj) {
    Py_INCREF(obj); /* the bug: this reference is never given back */
    Py_RETURN_NONE;
}

static PyObject *no_leak(PyObject *module, PyObject *obj) {
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"leak", leak, METH_O, "Leak one reference to the argument."},
    {"no_leak", no_leak, METH_O, "Take the argument and leak nothing."},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot slots[] = {
#if PY_VERSION_HEX >= 0x030C0000
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#endif
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "leak_per_call", "Leaks a reference per call.", 0, methods, slots,
};

PyMODINIT_FUNC PyInit_leak_per_call(void) {
    return PyModuleDef_Init(&module_def);
}
