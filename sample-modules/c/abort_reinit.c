/*
 * module:    abort_reinit
 * python:    3.8+
 * inspector: abi3-candidate
 * harness:   reimport-crash, subinterpreter-crash, subinterpreter-refused (3.12+), reinit-crash, gil-required (3.13+)
 *
 * Like refuse_reinit, but where that one raises ImportError this one calls
 * abort(): any second initialisation in the process (re-import, legacy
 * subinterpreter, new runtime after Py_Finalize) kills it with SIGABRT. It
 * declares no Py_mod_multiple_interpreters slot, so an isolated subinterpreter
 * with its own GIL (3.12+) refuses it before executing it.
 *
 * Inspector: nothing visible statically (abi3-candidate, info).
 * Harness: a crash by SIGABRT in `exec_module` (abort_reinit.c) at the second
 * initialisation, in every scenario that initialises twice: reimport-crash,
 * subinterpreter-crash (legacy subinterpreter), reinit-crash; an isolated
 * subinterpreter (3.12+) raises ImportError instead: subinterpreter-refused.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdlib.h>

static int initialised = 0;

static int exec_module(PyObject *module) {
    if (initialised) {
        abort();
    }
    initialised = 1;
    return 0;
}

static PyModuleDef_Slot slots[] = {
    {Py_mod_exec, (void *)exec_module},
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "abort_reinit", "Aborts on a second initialisation.", 0, NULL, slots,
};

PyMODINIT_FUNC PyInit_abort_reinit(void) {
    return PyModuleDef_Init(&module_def);
}
