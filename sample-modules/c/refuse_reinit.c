/*
 * module:    refuse_reinit
 * python:    3.8+
 * inspector: abi3-candidate
 * harness:   reimport-refused, subinterpreter-refused, reinit-refused, gil-required (3.13+)
 *
 * Keeps a C static that says it has been initialised and, like numpy, refuses
 * any second initialisation in the same process with
 * ImportError("cannot load module more than once per process"): a re-import
 * after removal from sys.modules, an import in a subinterpreter, and an import
 * after Py_Finalize/Py_Initialize all fail cleanly.
 *
 * Inspector: nothing visible statically (abi3-candidate, info).
 * Harness: reimport-refused, subinterpreter-refused and reinit-refused (all
 * info). A legacy subinterpreter's import fails with the same ImportError; an
 * isolated one with its own GIL (3.12+) refuses the module before executing
 * it, as it declares no Py_mod_multiple_interpreters slot.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static int initialised = 0;

static int exec_module(PyObject *module) {
    if (initialised) {
        PyErr_SetString(PyExc_ImportError, "cannot load module more than once per process");
        return -1;
    }
    initialised = 1;
    return 0;
}

static PyModuleDef_Slot slots[] = {
    {Py_mod_exec, (void *)exec_module},
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "refuse_reinit", "Refuses a second initialisation.", 0, NULL, slots,
};

PyMODINIT_FUNC PyInit_refuse_reinit(void) {
    return PyModuleDef_Init(&module_def);
}
