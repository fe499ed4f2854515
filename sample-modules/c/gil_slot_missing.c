/*
 * module:    gil_slot_missing
 * python:    3.13+
 * inspector: abi3-candidate
 * harness:   gil-required (3.13+)
 *
 * gil_not_used without its Py_mod_gil slot: a multi-phase module that is
 * otherwise well behaved (state in the module object, own-GIL support
 * declared) but says nothing about the GIL. CPython takes silence for
 * Py_MOD_GIL_USED, so a free-threaded CPython re-enables the GIL for the
 * whole process when it imports it, and says so once ("The global
 * interpreter lock (GIL) has been enabled to load module ...").
 *
 * Inspector: nothing visible statically (abi3-candidate, info).
 * Harness: gil-required (warning) on every 3.13+ interpreter: the
 * definition's m_slots has no Py_mod_gil, which the proof reads with
 * ctypes.
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
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    "gil_slot_missing",
    "Multi-phase module with no Py_mod_gil slot.",
    sizeof(module_state),
    methods,
    slots,
};

PyMODINIT_FUNC PyInit_gil_slot_missing(void) {
    return PyModuleDef_Init(&module_def);
}
