/*
 * module:    clean_multiphase
 * python:    3.8+
 * inspector: abi3-candidate
 * harness:   gil-required (3.13+)
 *
 * The well-behaved reference: multi-phase initialisation (PEP 489) with all of
 * its state in the module object (a counter and the module's own exception
 * type), traverse/clear/free so the GC can reclaim it, and on 3.12+ the
 * Py_mod_multiple_interpreters slot declaring per-interpreter GIL support.
 *
 * Inspector: no error or warning. Every import lies in the stable ABI, so it is
 * an abi3-candidate (info).
 * Harness: nothing, in any scenario: a re-import gives fresh objects and a fresh
 * counter, subinterpreters (shared and own GIL) get their own state, calls do
 * not leak, shutdown is clean. Its slots say nothing about the GIL (no
 * Py_mod_gil, which 3.13 added), so on 3.13+ it gets gil-required (warning):
 * a free-threaded CPython would re-enable the GIL for it. gil_not_used is the
 * same module with the slot.
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
    state->error = PyErr_NewException("clean_multiphase.Error", NULL, NULL);
    if (state->error == NULL) {
        return -1;
    }
    Py_INCREF(state->error);
    if (PyModule_AddObject(module, "Error", state->error) < 0) {
        Py_DECREF(state->error);
        return -1;
    }
    return 0;
}

static int traverse_module(PyObject *module, visitproc visit, void *arg) {
    module_state *state = get_state(module);
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

static PyModuleDef_Slot slots[] = {
    {Py_mod_exec, (void *)exec_module},
#if PY_VERSION_HEX >= 0x030C0000
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#endif
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    "clean_multiphase",
    "Multi-phase module with per-module state.",
    sizeof(module_state),
    methods,
    slots,
    traverse_module,
    clear_module,
    free_module,
};

PyMODINIT_FUNC PyInit_clean_multiphase(void) {
    return PyModuleDef_Init(&module_def);
}
