/*
 * module:    static_cache_pergil
 * python:    3.8+
 * inspector: abi3-candidate
 * harness:   subinterpreter-shared-objects, reinit-stale-objects, gil-required (3.13+)
 *
 * A multi-phase module that declares per-interpreter GIL support on 3.12+ but
 * caches a Python object (a dict) in a C static the first time any
 * interpreter executes it, and hands that same object to every later module
 * object: re-imports, and every subinterpreter, including those with their own
 * GIL, where sharing a mutable object is a data race.
 *
 * Inspector: nothing visible statically (abi3-candidate, info).
 * Harness: subinterpreter-shared-objects: `cache` and `get_cache()` in a
 * subinterpreter are the main interpreter's very object; reinit-stale-objects:
 * after Py_FinalizeEx and a new Py_Initialize, they are still the dict the
 * first runtime allocated.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *cache = NULL;

static PyObject *get_cache(PyObject *module, PyObject *unused) {
    Py_INCREF(cache);
    return cache;
}

static int exec_module(PyObject *module) {
    if (cache == NULL) {
        cache = PyDict_New(); /* the bug: one object for every interpreter */
        if (cache == NULL) {
            return -1;
        }
    }
    Py_INCREF(cache);
    if (PyModule_AddObject(module, "cache", cache) < 0) {
        Py_DECREF(cache);
        return -1;
    }
    return 0;
}

static PyMethodDef methods[] = {
    {"get_cache", get_cache, METH_NOARGS, "The dict cached in a C static."},
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
    PyModuleDef_HEAD_INIT, "static_cache_pergil", "Caches an object in a C static.", 0, methods, slots,
};

PyMODINIT_FUNC PyInit_static_cache_pergil(void) {
    return PyModuleDef_Init(&module_def);
}
