/*
 * module:    pep793_export
 * python:    3.15+
 * inspector: abi3-candidate
 * harness:   clean
 *
 * The PEP 793 reference: no PyInit_ and no PyModuleDef, only the 3.15 export
 * hook `PyModExport_pep793_export`, which returns a static `PySlot` array:
 * `Py_mod_name`, `Py_mod_doc` and `Py_mod_methods` as PySlot_STATIC_DATA,
 * `Py_mod_abi` (the PyABIInfo the headers fill in, which 3.15 checks before
 * anything else), the module state's size and traverse/clear/free, an exec
 * slot and own-GIL support. All of its state is in the module object (a
 * counter and the module's own exception type), as in clean_multiphase.
 *
 * CPython 3.15 looks up `PyModExport_<name>` before `PyInit_<name>`
 * (Python/importdl.c), so the hook alone is a complete module there; 3.14 and
 * older know only PyInit_, which is why the sample is 3.15+.
 *
 * Inspector: the hook is the module's init function for a 3.15 target: no
 * error, no warning. Every import lies in the stable ABI (3.15 for the hook's
 * PyModule_GetState_DuringGC), so it is an abi3-candidate (info).
 * Harness: nothing, in any scenario: a re-import gives a fresh module and a
 * fresh counter, subinterpreters get their own state, shutdown is clean.
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
    state->error = PyErr_NewException("pep793_export.Error", NULL, NULL);
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
    PySlot_STATIC_DATA(Py_mod_name, "pep793_export"),
    PySlot_STATIC_DATA(Py_mod_doc, "A PEP 793 module with per-module state."),
    PySlot_STATIC_DATA(Py_mod_methods, methods),
    PySlot_STATIC_DATA(Py_mod_abi, &abi_info),
    PySlot_SIZE(Py_mod_state_size, sizeof(module_state)),
    PySlot_FUNC(Py_mod_state_traverse, traverse_module),
    PySlot_FUNC(Py_mod_state_clear, clear_module),
    PySlot_FUNC(Py_mod_state_free, free_module),
    PySlot_FUNC(Py_mod_exec, exec_module),
    PySlot_DATA(Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED),
    PySlot_DATA(Py_mod_gil, Py_MOD_GIL_NOT_USED),
    PySlot_END,
};

PyMODEXPORT_FUNC PyModExport_pep793_export(void) {
    return slots;
}
