/*
 * module:    init_and_export
 * python:    3.8+
 * inspector: abi3-candidate
 * harness:   gil-required (3.13+)
 *
 * One module, two entry points, as a package supporting both old and new
 * CPythons ships it: `PyInit_init_and_export` (PEP 489 multi-phase, which
 * every version runs) and the PEP 793 hook `PyModExport_init_and_export`.
 * Each records that it was called, and the module's `entry` attribute says
 * which one made it.
 *
 * CPython 3.15 looks up the hook first and, finding it, never calls PyInit_;
 * 3.14 and older do not know the hook and call PyInit_. The hook is exported
 * by every build: with 3.15+ headers it returns its PySlot array; with older
 * headers (no PySlot, no PyMODEXPORT_FUNC) it is exported with PyMODINIT_FUNC,
 * as a package built for older versions might still carry it, and those
 * versions never look it up.
 *
 * Inspector: two init functions of one module are not an error: on a 3.15
 * target the hook is its init, before 3.15 PyInit_ is; abi3-candidate (info).
 * Harness: nothing but gil-required (warning) on 3.13+: neither the
 * PyModuleDef's slots nor the hook's declare Py_mod_gil. The proof shows
 * `entry` is "PyModExport" on 3.15+ and "PyInit" before.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* The entry point the loader called, for the module's `entry` attribute. */
static const char *entry = "none";

static PyObject *entry_point(PyObject *module, PyObject *unused) {
    return PyUnicode_FromString(entry);
}

static int exec_module(PyObject *module) {
    PyObject *name = PyUnicode_FromString(entry);
    if (name == NULL) {
        return -1;
    }
    if (PyModule_AddObject(module, "entry", name) < 0) {
        Py_DECREF(name);
        return -1;
    }
    return 0;
}

static PyMethodDef methods[] = {
    {"entry_point", entry_point, METH_NOARGS, "The entry point the loader called last."},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot def_slots[] = {
    {Py_mod_exec, (void *)exec_module},
#if PY_VERSION_HEX >= 0x030C0000
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#endif
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "init_and_export", "Made by PyInit_.", 0, methods, def_slots,
};

PyMODINIT_FUNC PyInit_init_and_export(void) {
    entry = "PyInit";
    return PyModuleDef_Init(&module_def);
}

#if PY_VERSION_HEX >= 0x030F0000
PyABIInfo_VAR(abi_info);

static PySlot slots[] = {
    PySlot_STATIC_DATA(Py_mod_name, "init_and_export"),
    PySlot_STATIC_DATA(Py_mod_doc, "Made by PyModExport_."),
    PySlot_STATIC_DATA(Py_mod_methods, methods),
    PySlot_STATIC_DATA(Py_mod_abi, &abi_info),
    PySlot_FUNC(Py_mod_exec, exec_module),
    PySlot_DATA(Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED),
    PySlot_END,
};

PyMODEXPORT_FUNC PyModExport_init_and_export(void) {
    entry = "PyModExport";
    return slots;
}
#else
/* No loader before 3.15 looks this name up; should one call it, it fails
 * with an exception rather than crash. */
PyMODINIT_FUNC PyModExport_init_and_export(void) {
    entry = "PyModExport";
    PyErr_SetString(PyExc_ImportError, "PyModExport_init_and_export needs CPython 3.15");
    return NULL;
}
#endif
