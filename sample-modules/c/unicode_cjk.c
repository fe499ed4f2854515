/*
 * module:    模块
 * python:    3.8+
 * inspector: abi3-candidate
 * harness:   gil-required (3.13+)
 *
 * A module with a CJK name ("模块", module). Its init function is
 * `PyInitU_` + punycode("模块") = "gfs105b": PyInitU_gfs105b. The punycode
 * has no `-` here: the whole name is non-ASCII, so there is no basic-code-point
 * prefix to separate.
 *
 * Inspector: the init export decodes back to "模块"; no error.
 * Harness: imports as `模块` and behaves; nothing to report but
 * gil-required (warning) on 3.13+, as it declares no Py_mod_gil slot.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *name(PyObject *module, PyObject *unused) {
    return PyUnicode_FromString("\xe6\xa8\xa1\xe5\x9d\x97");
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
    PyModuleDef_HEAD_INIT, "\xe6\xa8\xa1\xe5\x9d\x97", "A module with a CJK name.", 0, methods, slots,
};

PyMODINIT_FUNC PyInitU_gfs105b(void) {
    return PyModuleDef_Init(&module_def);
}
