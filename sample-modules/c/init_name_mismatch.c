/*
 * module:    init_name_mismatch
 * python:    3.8+
 * inspector: missing-init-symbol, abi3-candidate
 * harness:   import-error
 *
 * The file is named for `init_name_mismatch` but the init function is
 * PyInit_renamed_module (a module renamed in setup.py but not in C, or the
 * other way round). CPython fails the import with "dynamic module does not
 * define module export function (PyInit_init_name_mismatch)".
 *
 * Inspector: missing-init-symbol, suggesting PyInit_renamed_module.
 * Harness: import-error naming the missing init function.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "renamed_module", "Named otherwise than its file.", 0, NULL,
};

PyMODINIT_FUNC PyInit_renamed_module(void) {
    return PyModuleDef_Init(&module_def);
}
