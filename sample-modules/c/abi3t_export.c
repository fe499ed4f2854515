/*
 * module:    abi3t_export
 * suffix:    abi3t
 * python:    3.15+
 * limited-api: 3.15
 * inspector: clean
 * harness:   clean
 *
 * A PEP 803 abi3t module: compiled with Py_TARGET_ABI3T = 3.15, the stable
 * ABI that free-threaded and GIL builds share, and named `.abi3t.so`, which
 * every CPython 3.15 lists in EXTENSION_SUFFIXES (release and debug builds,
 * with or without the GIL). Under abi3t PyObject is opaque and there is no
 * PyModuleDef, so the module must be defined by the PEP 793 export hook,
 * `PyModExport_abi3t_export`, as pep793_export is; its `Py_mod_abi` slot
 * carries PyABIInfo's abi3t flags (stable, GIL and free-threaded), and
 * `Py_mod_gil` says the module does not need the GIL.
 *
 * One binary, built once, loads in 3.15 and 3.15d (the proof builds it with
 * each one's headers and loads each build in the other).
 *
 * Inspector: nothing (no abi3-violation with --abi3-min 3.15: every import is
 * in the stable ABI as of 3.15).
 * Harness: clean on 3.15 and 3.15d, subinterpreters with their own GIL
 * included (it declares per-interpreter GIL support).
 */
#define Py_TARGET_ABI3T 0x030f0000
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
    state->error = PyErr_NewException("abi3t_export.Error", NULL, NULL);
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
    PySlot_STATIC_DATA(Py_mod_name, "abi3t_export"),
    PySlot_STATIC_DATA(Py_mod_doc, "An abi3t module: one binary for every 3.15+ build."),
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

PyMODEXPORT_FUNC PyModExport_abi3t_export(void) {
    return slots;
}
