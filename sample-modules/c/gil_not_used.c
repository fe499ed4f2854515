/*
 * module:    gil_not_used
 * python:    3.13+
 * inspector: abi3-candidate
 * harness:   clean
 *
 * The free-threading reference: a multi-phase module (PEP 489) whose slots
 * declare `Py_mod_gil = Py_MOD_GIL_NOT_USED`, the promise that it does its
 * own locking, so a free-threaded CPython (3.13t and later) keeps the GIL
 * off when it imports it. Its state is a counter in the module object, and it
 * declares own-GIL support (Py_mod_multiple_interpreters) as clean_multiphase
 * does.
 *
 * The slot exists from 3.13, which is why the sample is 3.13+; a GIL build
 * ignores it, so there the declaration is seen only by reading the module's
 * definition, which the proof does with ctypes (PyModule_GetDef, then
 * m_slots, with the slot numbers of the interpreter's own headers).
 *
 * Inspector: no error or warning; every import is in the stable ABI, so
 * abi3-candidate (info).
 * Harness: nothing: the module declares Py_MOD_GIL_NOT_USED.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

typedef struct {
    long counter;
} module_state;

static PyObject *increment(PyObject *module, PyObject *unused) {
    module_state *state = (module_state *)PyModule_GetState(module);
    state->counter += 1;
    return PyLong_FromLong(state->counter);
}

static PyMethodDef methods[] = {
    {"increment", increment, METH_NOARGS, "Add one to this module's counter and return it."},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot slots[] = {
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    "gil_not_used",
    "Multi-phase module declaring Py_MOD_GIL_NOT_USED.",
    sizeof(module_state),
    methods,
    slots,
};

PyMODINIT_FUNC PyInit_gil_not_used(void) {
    return PyModuleDef_Init(&module_def);
}
