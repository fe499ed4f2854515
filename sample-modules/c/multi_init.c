/*
 * module:    multi_init
 * python:    3.8+
 * inspector: extra-init-symbols, abi3-candidate
 * harness:   gil-required (3.13+)
 *
 * One library exporting three init functions (PEP 489, "multiple modules in
 * one library"): PyInit_multi_init for the module the file is named for, and
 * PyInit_multi_init_foo and PyInit_multi_init_bar, loaded from the same file
 * with importlib.machinery.ExtensionFileLoader under their own names.
 *
 * Inspector: extra-init-symbols (info) naming multi_init_foo and multi_init_bar.
 * Harness: clean, whichever init is chosen with --init, but for gil-required
 * (warning) on 3.13+: none of the three definitions declares Py_mod_gil.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *which(PyObject *module, PyObject *unused) {
    return PyModule_GetNameObject(module);
}

static PyMethodDef methods[] = {
    {"which", which, METH_NOARGS, "The name this module was initialised under."},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot slots[] = {
#if PY_VERSION_HEX >= 0x030C0000
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#endif
    {0, NULL},
};

#define MODULE(NAME)                                                            \
    static struct PyModuleDef def_##NAME = {                                    \
        PyModuleDef_HEAD_INIT, #NAME, "One of three modules in one library.", 0, \
        methods, slots,                                                         \
    };                                                                          \
    PyMODINIT_FUNC PyInit_##NAME(void) { return PyModuleDef_Init(&def_##NAME); }

MODULE(multi_init)
MODULE(multi_init_foo)
MODULE(multi_init_bar)
