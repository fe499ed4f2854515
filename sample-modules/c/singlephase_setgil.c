/*
 * module:    singlephase_setgil
 * python:    3.13+
 * inspector: single-phase-init, abi3-candidate
 * harness:   singleton-state, subinterpreter-shared-objects, subinterpreter-refused
 *
 * A single-phase module (PyModule_Create) that declares it does not need the
 * GIL the one way single-phase init can: its PyInit_ calls
 * `PyUnstable_Module_SetGIL(module, Py_MOD_GIL_NOT_USED)` on the module it
 * made. CPython declares that function for free-threaded builds only
 * (`#if defined(Py_GIL_DISABLED)` in moduleobject.h, 3.13 to 3.15) and a GIL
 * build's libpython does not export it, so the call is written as CPython's
 * docs and Cython write it, under `#ifdef Py_GIL_DISABLED`: in a build for a
 * GIL interpreter it is compiled out. `declares_gil_not_used()` says whether
 * this build made the call.
 *
 * So a GIL build of this module and of singlephase_no_setgil are the same to
 * both tools: nothing in the file or at run time says whether the
 * free-threaded build would declare, and the harness leaves gil-required
 * undecided for single-phase modules on GIL interpreters (no finding; the
 * proof shows the function missing from the interpreter and from the
 * module's imports). Built for a `t` target, the call is in its imports and
 * the inspector's single-phase-gil stays silent; no free-threaded CPython is
 * at hand here, so that build is not in the corpus.
 *
 * Inspector: single-phase-init (warning); every import is in the stable ABI,
 * so abi3-candidate (info).
 * Harness: as any single-phase module whose functions live in the dict
 * CPython copies: singleton-state on re-import, subinterpreter-shared-objects
 * in a legacy subinterpreter, subinterpreter-refused by an own-GIL one;
 * gil-required undecided, as above.
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

static PyObject *declares_gil_not_used(PyObject *module, PyObject *unused) {
#ifdef Py_GIL_DISABLED
    Py_RETURN_TRUE;
#else
    Py_RETURN_FALSE;
#endif
}

static PyMethodDef methods[] = {
    {"add", add, METH_VARARGS, "Return a + b."},
    {"declares_gil_not_used", declares_gil_not_used, METH_NOARGS,
     "Whether this build called PyUnstable_Module_SetGIL(module, Py_MOD_GIL_NOT_USED)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    "singlephase_setgil",
    "Single-phase module declaring Py_MOD_GIL_NOT_USED on free-threaded builds.",
    -1,
    methods,
};

PyMODINIT_FUNC PyInit_singlephase_setgil(void) {
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL) {
        return NULL;
    }
#ifdef Py_GIL_DISABLED
    if (PyUnstable_Module_SetGIL(module, Py_MOD_GIL_NOT_USED) < 0) {
        Py_DECREF(module);
        return NULL;
    }
#endif
    return module;
}
