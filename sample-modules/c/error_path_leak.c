/*
 * module:    error_path_leak
 * python:    3.8+
 * inspector: abi3-candidate
 * harness:   call-leak (exercise), gil-required (3.13+)
 *
 * The classic error-path leak. `insert_powers(seq, tag)` stores the tuple
 * `(tag, i * i)` at every index `i` of `seq`. When `PySequence_SetItem` fails
 * (an immutable sequence such as a tuple or str) it returns NULL without
 * releasing the tuple it built, leaking the tuple and with it a reference to
 * `tag`. On a list it succeeds and leaks nothing: a workload that only uses
 * lists never sees the bug.
 *
 * Inspector: nothing wrong statically (abi3-candidate, info).
 * Harness: call-leak for `insert_powers` with an immutable non-empty sequence,
 * found by the exercise scenario without any workload.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *insert_powers(PyObject *module, PyObject *args) {
    PyObject *seq, *tag;
    if (!PyArg_ParseTuple(args, "OO", &seq, &tag)) {
        return NULL;
    }
    Py_ssize_t n = PySequence_Size(seq);
    if (n < 0) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *square = PyLong_FromSsize_t(i * i);
        if (square == NULL) {
            return NULL;
        }
        PyObject *item = PyTuple_Pack(2, tag, square);
        Py_DECREF(square);
        if (item == NULL) {
            return NULL;
        }
        if (PySequence_SetItem(seq, i, item) < 0) {
            return NULL; /* the bug: `item` (and so `tag`) is never released */
        }
        Py_DECREF(item);
    }
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"insert_powers", insert_powers, METH_VARARGS, "seq[i] = (tag, i*i) for every index of seq."},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot slots[] = {
#if PY_VERSION_HEX >= 0x030C0000
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#endif
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "error_path_leak", "Leaks only on its error path.", 0, methods, slots,
};

PyMODINIT_FUNC PyInit_error_path_leak(void) {
    return PyModuleDef_Init(&module_def);
}
