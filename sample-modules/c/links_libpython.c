/*
 * module:    links_libpython
 * python:    3.8+
 * links:     libpython
 * inspector: links-libpython, abi3-candidate
 * harness:   gil-required (3.13+)
 *
 * Linked against libpython (-lpython3.X), as builds that copy an embedding
 * recipe often are. It loads in the interpreter it was built for, but pulls in
 * a second copy of the runtime under a statically linked python, and pins the
 * exact libpython soname, which manylinux forbids.
 *
 * It keeps no state and declares per-interpreter GIL support on 3.12+.
 *
 * Inspector: links-libpython (warning) naming the libpython soname.
 * Harness: clean under the shared-libpython interpreter it was built for,
 * subinterpreters (shared and own GIL) included, but for gil-required
 * (warning) on 3.13+: it declares no Py_mod_gil slot.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *ping(PyObject *module, PyObject *unused) {
    return PyLong_FromLong(1);
}

static PyMethodDef methods[] = {
    {"ping", ping, METH_NOARGS, "Return 1."},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot slots[] = {
#if PY_VERSION_HEX >= 0x030C0000
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#endif
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "links_libpython", "Linked against libpython.", 0, methods, slots,
};

PyMODINIT_FUNC PyInit_links_libpython(void) {
    return PyModuleDef_Init(&module_def);
}
