/*
 * module:    singlephase_state
 * python:    3.8+
 * inspector: single-phase-init, abi3-candidate
 * harness:   singleton-state, subinterpreter-shared-objects, subinterpreter-refused (3.12+), reinit-stale-objects
 *
 * Legacy single-phase initialisation (PyModule_Create, m_size = -1) with
 * process-wide C state: a call counter and an exception type cached in a C
 * static on first initialisation.
 *
 * CPython keeps a copy of a single-phase module's dict and hands it back on
 * re-import, and copies it into every legacy (shared-GIL) subinterpreter that
 * imports the module: after `del sys.modules[...]`, and in such a
 * subinterpreter, the module's functions and Error type are the main
 * interpreter's very objects, and the counter carries on.
 *
 * Inspector: single-phase-init (warning); abi3-candidate (info).
 * Harness: singleton-state on re-import (increment, Error);
 * subinterpreter-shared-objects in a legacy subinterpreter (increment,
 * error_type, Error); an isolated subinterpreter with its own GIL (3.12+)
 * refuses it: subinterpreter-refused (info). After Py_FinalizeEx and a new
 * Py_Initialize in the same process, the next PyInit hands out the exception
 * type cached by the dead runtime: reinit-stale-objects (Error,
 * error_type()).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static long counter = 0;
static PyObject *cached_error = NULL;

static PyObject *increment(PyObject *module, PyObject *unused) {
    counter += 1;
    return PyLong_FromLong(counter);
}

static PyObject *error_type(PyObject *module, PyObject *unused) {
    Py_INCREF(cached_error);
    return cached_error;
}

static PyMethodDef methods[] = {
    {"increment", increment, METH_NOARGS, "Add one to the process-wide counter and return it."},
    {"error_type", error_type, METH_NOARGS, "The exception type cached in a C static."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    "singlephase_state",
    "Single-phase module with process-wide state.",
    -1,
    methods,
};

PyMODINIT_FUNC PyInit_singlephase_state(void) {
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL) {
        return NULL;
    }
    if (cached_error == NULL) {
        cached_error = PyErr_NewException("singlephase_state.Error", NULL, NULL);
        if (cached_error == NULL) {
            Py_DECREF(module);
            return NULL;
        }
    }
    Py_INCREF(cached_error);
    if (PyModule_AddObject(module, "Error", cached_error) < 0) {
        Py_DECREF(cached_error);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
