/*
 * module:    limited_abi3
 * suffix:    abi3
 * python:    3.8+
 * limited-api: 3.8
 * inspector: clean
 * harness:   subinterpreter-refused (3.12+), gil-required (3.13+)
 *
 * A genuine limited-API module: compiled with Py_LIMITED_API = 3.8 and named
 * `.abi3.so`, so one binary loads in CPython 3.8 and every later version.
 * Every C-API symbol it imports is in the stable ABI as of 3.8.
 *
 * The price: the Py_mod_multiple_interpreters slot is in the limited API only
 * from 3.12 (and 3.8-3.11 reject a module with a slot they do not know), so a
 * 3.8 abi3 module cannot declare per-interpreter GIL support, and CPython 3.12+
 * reads its absence as "subinterpreters sharing the main GIL only".
 *
 * Inspector: nothing (no abi3-violation with --abi3-min 3.8).
 * Harness: clean on 3.8 and every newer interpreter, legacy (shared-GIL)
 * subinterpreters included; an isolated subinterpreter with its own GIL (3.12+)
 * refuses it with ImportError: subinterpreter-refused (info). The limited API
 * of 3.8 has no Py_mod_gil (it joined in 3.13), so on 3.13+ it gets
 * gil-required (warning).
 */
#define Py_LIMITED_API 0x03080000
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
    {"add", add, METH_VARARGS, "a + b, through the limited API."},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot slots[] = {
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "limited_abi3", "Limited API 3.8.", 0, methods, slots,
};

PyMODINIT_FUNC PyInit_limited_abi3(void) {
    return PyModuleDef_Init(&module_def);
}
