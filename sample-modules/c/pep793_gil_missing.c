/*
 * module:    pep793_gil_missing
 * python:    3.15+
 * inspector: abi3-candidate
 * harness:   gil-required (3.13+)
 *
 * pep793_export without its `Py_mod_gil` slot: the same PEP 793 module (the
 * export hook `PyModExport_pep793_gil_missing` returns a static PySlot array
 * with the module's name, methods, state and exec slot, Py_mod_abi and
 * own-GIL support) that says nothing about the GIL, so a free-threaded
 * CPython 3.15 re-enables the GIL when it imports it. pep793_export, which
 * declares Py_MOD_GIL_NOT_USED among the same slots, is its clean twin.
 *
 * Inspector: no error or warning; abi3-candidate (info), as pep793_export.
 * Harness: gil-required (warning): the slots the hook returns (which the
 * harness and the proof read by calling the hook again, as its contract
 * allows) hold no Py_mod_gil. Everything else as pep793_export: a re-import
 * gives a fresh module and counter, subinterpreters get their own state.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

typedef struct {
    long counter;
    PyObject *error;
} module_state;

static module_state *get_state(PyObject *module) {
    return (module_state *)PyModule_GetState(module);
}

static PyObject *increment(PyObject *module, PyObject *unused) {
    module_state *state = get_state(module);
    state->counter += 1;
    return PyLong_FromLong(state->counter);
}

static PyObject *fail(PyObject *module, PyObject *unused) {
    PyErr_SetString(get_state(module)->error, "failure on request");
    return NULL;
}

static int exec_module(PyObject *module) {
    module_state *state = get_state(module);
    state->counter = 0;
    state->error = PyErr_NewException("pep793_gil_missing.Error", NULL, NULL);
    if (state->error == NULL) {
        return -1;
    }
    return PyModule_AddObjectRef(module, "Error", state->error);
}

static int traverse_module(PyObject *module, visitproc visit, void *arg) {
    module_state *state = PyModule_GetState_DuringGC(module);
    if (state != NULL) {
        Py_VISIT(state->error);
    }
    return 0;
}

static int clear_module(PyObject *module) {
    module_state *state = get_state(module);
    if (state != NULL) {
        Py_CLEAR(state->error);
    }
    return 0;
}

static void free_module(void *module) {
    clear_module((PyObject *)module);
}

static PyMethodDef methods[] = {
    {"increment", increment, METH_NOARGS, "Add one to this module's counter and return it."},
    {"fail", fail, METH_NOARGS, "Raise this module's Error."},
    {NULL, NULL, 0, NULL},
};

PyABIInfo_VAR(abi_info);

static PySlot slots[] = {
    PySlot_STATIC_DATA(Py_mod_name, "pep793_gil_missing"),
    PySlot_STATIC_DATA(Py_mod_doc, "A PEP 793 module with no Py_mod_gil slot."),
    PySlot_STATIC_DATA(Py_mod_methods, methods),
    PySlot_STATIC_DATA(Py_mod_abi, &abi_info),
    PySlot_SIZE(Py_mod_state_size, sizeof(module_state)),
    PySlot_FUNC(Py_mod_state_traverse, traverse_module),
    PySlot_FUNC(Py_mod_state_clear, clear_module),
    PySlot_FUNC(Py_mod_state_free, free_module),
    PySlot_FUNC(Py_mod_exec, exec_module),
    PySlot_DATA(Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED),
    PySlot_END,
};

PyMODEXPORT_FUNC PyModExport_pep793_gil_missing(void) {
    return slots;
}
