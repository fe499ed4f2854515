/*
 * module:    gil_declared_used
 * python:    3.13+
 * inspector: abi3-candidate
 * harness:   subinterpreter-refused, gil-required (3.13+)
 *
 * A multi-phase module that declares `Py_mod_gil = Py_MOD_GIL_USED` in so many
 * words: the author says it needs the GIL (a C static it changes without a
 * lock, here a call counter). That is what CPython assumes of a module with no
 * slot at all (gil_slot_missing), and a free-threaded CPython re-enables the
 * GIL when it imports it just the same. The declaration is honest, and
 * reported all the same: a user of a free-threaded CPython needs to know
 * which module takes the GIL back.
 *
 * Inspector: nothing visible statically (abi3-candidate, info).
 * Harness: gil-required (warning) on every 3.13+ interpreter: the proof
 * reads Py_mod_gil = Py_MOD_GIL_USED from the definition with ctypes. With
 * its counter shared by every interpreter it declares no
 * Py_mod_multiple_interpreters slot, so an isolated subinterpreter with its
 * own GIL refuses it: subinterpreter-refused (info).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* Shared by every module object and every thread: safe only under the GIL. */
static long calls = 0;

static PyObject *count(PyObject *module, PyObject *unused) {
    calls += 1;
    return PyLong_FromLong(calls);
}

static PyMethodDef methods[] = {
    {"count", count, METH_NOARGS, "Add one to the process-wide call counter and return it."},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot slots[] = {
    {Py_mod_gil, Py_MOD_GIL_USED},
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    "gil_declared_used",
    "Multi-phase module declaring Py_MOD_GIL_USED.",
    0,
    methods,
    slots,
};

PyMODINIT_FUNC PyInit_gil_declared_used(void) {
    return PyModuleDef_Init(&module_def);
}
