/*
 * module:    modèle
 * python:    3.15+
 * inspector: abi3-candidate
 * harness:   clean
 *
 * The non-ASCII twin of pep793_export: the same PEP 793 module, named
 * "modèle". As `PyInit_` has its `PyInitU_` form, the export hook of a
 * non-ASCII name is `PyModExportU_` followed by the punycode of the name
 * (Python's own codec, no `xn--` prefix) with `-` replaced by `_`: "modèle" ->
 * "modle-6ra" -> PyModExportU_modle_6ra. `Py_mod_name` holds the name in
 * UTF-8.
 *
 * Inspector: the hook decodes back to "modèle", a 3.15 target's init: no
 * error, no warning; abi3-candidate (info), as its twin.
 * Harness: imports as `modèle` and behaves; nothing to report.
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
    state->error = PyErr_NewException("mod\xc3\xa8le.Error", NULL, NULL);
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
    PySlot_STATIC_DATA(Py_mod_name, "mod\xc3\xa8le"),
    PySlot_STATIC_DATA(Py_mod_doc, "A PEP 793 module named mod\xc3\xa8le."),
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

PyMODEXPORT_FUNC PyModExportU_modle_6ra(void) {
    return slots;
}
