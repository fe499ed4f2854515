/*
 * module:    hidden_init
 * python:    3.8+
 * inspector: init-symbol-not-exported, abi3-candidate
 * harness:   import-error
 *
 * The init function exists but is not exported: it is declared with hidden
 * visibility instead of PyMODINIT_FUNC, as happens with -fvisibility=hidden
 * and a hand-written declaration. On ELF and Mach-O it is a local symbol; on
 * Windows it is absent from the export table. CPython fails the import with
 * "dynamic module does not define module export function (PyInit_hidden_init)".
 *
 * Inspector: init-symbol-not-exported.
 * Harness: import-error naming the missing init function.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "hidden_init", "Init function with hidden visibility.", 0, NULL,
};

__attribute__((visibility("hidden"))) PyObject *PyInit_hidden_init(void);

__attribute__((visibility("hidden"))) PyObject *PyInit_hidden_init(void) {
    return PyModuleDef_Init(&module_def);
}
