/*
 * module:    singlephase_no_setgil
 * python:    3.13+
 * inspector: single-phase-init, abi3-candidate
 * harness:   singleton-state, subinterpreter-shared-objects, subinterpreter-refused
 *
 * singlephase_setgil without the declaration: a single-phase module
 * (PyModule_Create) whose PyInit_ never calls PyUnstable_Module_SetGIL, in
 * any build. A free-threaded CPython re-enables the GIL when it imports it
 * (built for a `t` target, the inspector's single-phase-gil would say so
 * before it is run; no free-threaded CPython is at hand here, so that build
 * is not in the corpus).
 *
 * Inspector: single-phase-init (warning); abi3-candidate (info).
 * Harness: singleton-state, subinterpreter-shared-objects and
 * subinterpreter-refused, as for singlephase_setgil. gil-required is
 * undecided on a GIL build, as for singlephase_setgil: the two files do not
 * differ there.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *add(PyObject *module, PyObject *args) {
    long a, b;
    if (!PyArg_ParseTuple(args, "ll", &a, &b)) {
        return NULL;
    }
    return PyLong_FromLong(a + b);
}

static PyMethodDef methods[] = {
    {"add", add, METH_VARARGS, "Return a + b."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    "singlephase_no_setgil",
    "Single-phase module that never declares its GIL use.",
    -1,
    methods,
};

PyMODINIT_FUNC PyInit_singlephase_no_setgil(void) {
    return PyModule_Create(&module_def);
}
