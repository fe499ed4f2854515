/*
 * module:    café
 * python:    3.8+
 * inspector: abi3-candidate
 * harness:   gil-required (3.13+)
 *
 * A module whose name is not ASCII. CPython looks for `PyInitU_` followed by
 * the punycode of the name (Python's own codec, no `xn--` prefix) with `-`
 * replaced by `_`: "café" -> "caf-dma" -> PyInitU_caf_dma. Non-ASCII names
 * need multi-phase initialisation, which this uses.
 *
 * Inspector: the init export decodes back to "café"; no error.
 * Harness: imports as `café` and behaves; nothing to report but
 * gil-required (warning) on 3.13+, as it declares no Py_mod_gil slot.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *name(PyObject *module, PyObject *unused) {
    return PyUnicode_FromString("caf\xc3\xa9");
}

static PyMethodDef methods[] = {
    {"name", name, METH_NOARGS, "The module's own name, from C."},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot slots[] = {
#if PY_VERSION_HEX >= 0x030C0000
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#endif
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "caf\xc3\xa9", "A module named caf\xc3\xa9.", 0, methods, slots,
};

PyMODINIT_FUNC PyInitU_caf_dma(void) {
    return PyModuleDef_Init(&module_def);
}
