/*
 * module:    fake_abi3
 * suffix:    abi3
 * python:    3.8+
 * inspector: abi3-violation, abi3-floor
 * harness:   gil-required (3.13+)
 *
 * Named `.abi3.so` but compiled against the full C API: it calls
 * PyUnicode_AsUTF8, which is not in the stable ABI (only
 * PyUnicode_AsUTF8AndSize is, from 3.10). It happens to load on the version it
 * was built for, which is how such wheels get published; on other versions it
 * may fail to load or misbehave.
 *
 * It keeps no state and declares per-interpreter GIL support on 3.12+.
 *
 * Inspector: abi3-violation naming PyUnicode_AsUTF8 ("not in the stable ABI"),
 * whatever its minimum; and, since nothing declares that minimum (no wheel
 * tag, no --abi3-min), abi3-floor (info) with the version its imports need
 * (3.5, for PyModuleDef_Init).
 * Harness: clean on the interpreter it was built with, subinterpreters (shared
 * and own GIL) included, but for gil-required (warning) on 3.13+: it declares
 * no Py_mod_gil slot.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *first_char(PyObject *module, PyObject *text) {
    const char *utf8 = PyUnicode_AsUTF8(text);
    if (utf8 == NULL) {
        return NULL;
    }
    return PyLong_FromLong((unsigned char)utf8[0]);
}

static PyMethodDef methods[] = {
    {"first_char", first_char, METH_O, "First byte of the UTF-8 form of a str."},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot slots[] = {
#if PY_VERSION_HEX >= 0x030C0000
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#endif
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "fake_abi3", "Full API, abi3 name.", 0, methods, slots,
};

PyMODINIT_FUNC PyInit_fake_abi3(void) {
    return PyModuleDef_Init(&module_def);
}
