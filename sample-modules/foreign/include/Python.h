/*
 * A miniature Python.h for extinspect's foreign fixtures: the C samples built
 * as Windows (PE) and macOS (Mach-O) extension modules on a Linux machine that
 * has neither SDK nor those platforms' CPython headers.
 *
 * It declares only the part of the C API that sample-modules/c/ uses, modelled
 * on CPython's own headers (3.8-3.13) wherever the choice shows in the binary:
 * which symbol a call imports (PyArg_ParseTuple -> _PyArg_ParseTuple_SizeT
 * before 3.13, PyModule_Create -> PyModule_Create2, Py_DECREF -> _Py_Dealloc,
 * Py_INCREF -> _Py_IncRef under the 3.12+ limited API), how it is imported
 * (__declspec(dllimport) on Windows), how PyInit_* is exported
 * (__declspec(dllexport) / default visibility), and on Windows which import
 * library the header asks the linker for, as PC/pyconfig.h does. Struct layouts
 * are simplified: the fixtures are inspected, never run.
 *
 * The version is 3.12 unless the build says otherwise with
 * -DPY_VERSION_HEX=0x030B00F0 (say). Py_LIMITED_API is honoured.
 */
#ifndef Py_PYTHON_H
#define Py_PYTHON_H

/* patchlevel.h */
#ifndef PY_VERSION_HEX
#  define PY_VERSION_HEX 0x030C00F0
#endif
#define PY_MAJOR_VERSION ((PY_VERSION_HEX >> 24) & 0xFF)
#define PY_MINOR_VERSION ((PY_VERSION_HEX >> 16) & 0xFF)

/* Only the compiler's own freestanding headers: there is no libc here. */
#include <stddef.h>
#include <stdarg.h>
#include <stdlib.h>

#ifdef __cplusplus
extern "C" {
#endif

/* exports.h and pyport.h, for an extension module of a shared CPython. */
#if defined(_WIN32)
#  define Py_IMPORTED_SYMBOL __declspec(dllimport)
#  define Py_EXPORTED_SYMBOL __declspec(dllexport)
#else
#  define Py_IMPORTED_SYMBOL __attribute__((visibility("default")))
#  define Py_EXPORTED_SYMBOL __attribute__((visibility("default")))
#endif
#define PyAPI_FUNC(RTYPE) Py_IMPORTED_SYMBOL RTYPE
#define PyAPI_DATA(RTYPE) extern Py_IMPORTED_SYMBOL RTYPE
#ifdef __cplusplus
#  define PyMODINIT_FUNC extern "C" Py_EXPORTED_SYMBOL PyObject *
#else
#  define PyMODINIT_FUNC Py_EXPORTED_SYMBOL PyObject *
#endif

/*
 * PC/pyconfig.h: on Windows the header, not the build, names the import
 * library, so a module compiled without Py_LIMITED_API links pythonXY.dll
 * whatever its file is called. The linker finds the library on its /libpath.
 */
#if defined(_MSC_VER)
#  if defined(Py_LIMITED_API)
#    pragma comment(lib, "python3.lib")
#  elif PY_VERSION_HEX >= 0x030D0000
#    pragma comment(lib, "python313.lib")
#  elif PY_VERSION_HEX >= 0x030C0000
#    pragma comment(lib, "python312.lib")
#  elif PY_VERSION_HEX >= 0x030B0000
#    pragma comment(lib, "python311.lib")
#  elif PY_VERSION_HEX >= 0x030A0000
#    pragma comment(lib, "python310.lib")
#  elif PY_VERSION_HEX >= 0x03090000
#    pragma comment(lib, "python39.lib")
#  else
#    pragma comment(lib, "python38.lib")
#  endif
#endif

#define _Py_NULL NULL
#define _Py_CAST(type, expr) ((type)(expr))

typedef ptrdiff_t Py_ssize_t;
typedef Py_ssize_t Py_hash_t;

/* object.h */
typedef struct _typeobject PyTypeObject;

typedef struct _object {
    Py_ssize_t ob_refcnt;
    PyTypeObject *ob_type;
} PyObject;

#define PyObject_HEAD PyObject ob_base;
/* Mortal, as in every version outside the core (which makes immortals on 3.12+). */
#define PyObject_HEAD_INIT(type) {1, (type)},
#define _PyObject_CAST(op) _Py_CAST(PyObject *, (op))

PyAPI_FUNC(void) _Py_Dealloc(PyObject *);
PyAPI_FUNC(void) Py_IncRef(PyObject *);
PyAPI_FUNC(void) Py_DecRef(PyObject *);
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x030A00A7
PyAPI_FUNC(void) _Py_IncRef(PyObject *);
PyAPI_FUNC(void) _Py_DecRef(PyObject *);
#endif

/* The immortal check (3.12+) reads the low 32 bits of the count, as CPython does. */
static inline int _Py_IsImmortal(PyObject *op) {
#if PY_VERSION_HEX >= 0x030C0000
    return (int)op->ob_refcnt < 0;
#else
    (void)op;
    return 0;
#endif
}

/*
 * Inline reference counting except under the 3.12+ limited API, which calls
 * into the runtime so that the count's layout is not part of the stable ABI.
 */
static inline void Py_INCREF(PyObject *op) {
#if defined(Py_LIMITED_API) && Py_LIMITED_API + 0 >= 0x030C0000
    _Py_IncRef(op);
#else
    if (_Py_IsImmortal(op)) {
        return;
    }
    op->ob_refcnt++;
#endif
}
#define Py_INCREF(op) Py_INCREF(_PyObject_CAST(op))

static inline void Py_DECREF(PyObject *op) {
#if defined(Py_LIMITED_API) && Py_LIMITED_API + 0 >= 0x030C0000
    _Py_DecRef(op);
#else
    if (_Py_IsImmortal(op)) {
        return;
    }
    if (--op->ob_refcnt == 0) {
        _Py_Dealloc(op);
    }
#endif
}
#define Py_DECREF(op) Py_DECREF(_PyObject_CAST(op))

static inline void Py_XINCREF(PyObject *op) {
    if (op != NULL) {
        Py_INCREF(op);
    }
}
#define Py_XINCREF(op) Py_XINCREF(_PyObject_CAST(op))

static inline void Py_XDECREF(PyObject *op) {
    if (op != NULL) {
        Py_DECREF(op);
    }
}
#define Py_XDECREF(op) Py_XDECREF(_PyObject_CAST(op))

static inline PyObject *_Py_NewRef(PyObject *obj) {
    Py_INCREF(obj);
    return obj;
}
#define Py_NewRef(obj) _Py_NewRef(_PyObject_CAST(obj))

#define Py_CLEAR(op)                                                           \
    do {                                                                       \
        __typeof__(op) *_tmp_op_ptr = &(op);                                   \
        __typeof__(op) _tmp_old_op = *_tmp_op_ptr;                             \
        if (_tmp_old_op != NULL) {                                             \
            *_tmp_op_ptr = NULL;                                               \
            Py_DECREF(_tmp_old_op);                                            \
        }                                                                      \
    } while (0)

PyAPI_DATA(PyObject) _Py_NoneStruct;
#define Py_None (&_Py_NoneStruct)
#if PY_VERSION_HEX >= 0x030C0000
/* None is immortal from 3.12: no reference to give. */
#  define Py_RETURN_NONE return Py_None
#else
#  define Py_RETURN_NONE return Py_NewRef(Py_None)
#endif

typedef PyObject *(*PyCFunction)(PyObject *, PyObject *);
typedef int (*visitproc)(PyObject *, void *);
typedef int (*traverseproc)(PyObject *, visitproc, void *);
typedef int (*inquiry)(PyObject *);
typedef void (*freefunc)(void *);

/* objimpl.h */
#define Py_VISIT(op)                                                           \
    do {                                                                       \
        if (op) {                                                              \
            int vret = visit(_PyObject_CAST(op), arg);                         \
            if (vret)                                                          \
                return vret;                                                   \
        }                                                                      \
    } while (0)

/* methodobject.h */
struct PyMethodDef {
    const char *ml_name;
    PyCFunction ml_meth;
    int ml_flags;
    const char *ml_doc;
};
typedef struct PyMethodDef PyMethodDef;

#define METH_VARARGS 0x0001
#define METH_KEYWORDS 0x0002
#define METH_NOARGS 0x0004
#define METH_O 0x0008
#define METH_CLASS 0x0010
#define METH_STATIC 0x0020
#define METH_COEXIST 0x0040
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x030A0000
#  define METH_FASTCALL 0x0080
#endif

/* moduleobject.h */
typedef struct PyModuleDef_Base {
    PyObject_HEAD
    PyObject *(*m_init)(void);
    Py_ssize_t m_index;
    PyObject *m_copy;
} PyModuleDef_Base;

#define PyModuleDef_HEAD_INIT {PyObject_HEAD_INIT(NULL) NULL, 0, NULL}

struct PyModuleDef_Slot {
    int slot;
    void *value;
};
typedef struct PyModuleDef_Slot PyModuleDef_Slot;

#define Py_mod_create 1
#define Py_mod_exec 2
#if PY_VERSION_HEX >= 0x030C0000 && (!defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x030C0000)
#  define Py_mod_multiple_interpreters 3
#  define Py_MOD_MULTIPLE_INTERPRETERS_NOT_SUPPORTED ((void *)0)
#  define Py_MOD_MULTIPLE_INTERPRETERS_SUPPORTED ((void *)1)
#  define Py_MOD_PER_INTERPRETER_GIL_SUPPORTED ((void *)2)
#endif

struct PyModuleDef {
    PyModuleDef_Base m_base;
    const char *m_name;
    const char *m_doc;
    Py_ssize_t m_size;
    PyMethodDef *m_methods;
    PyModuleDef_Slot *m_slots;
    traverseproc m_traverse;
    inquiry m_clear;
    freefunc m_free;
};
typedef struct PyModuleDef PyModuleDef;

PyAPI_FUNC(PyObject *) PyModuleDef_Init(PyModuleDef *);
PyAPI_FUNC(void *) PyModule_GetState(PyObject *);
PyAPI_FUNC(PyModuleDef *) PyModule_GetDef(PyObject *);
PyAPI_FUNC(PyObject *) PyModule_GetNameObject(PyObject *);
PyAPI_FUNC(PyObject *) PyModule_GetDict(PyObject *);

/* modsupport.h */
#define PYTHON_API_VERSION 1013
#define PYTHON_ABI_VERSION 3

/* Before 3.13 the #-format's size type is chosen by renaming the parsers. */
#if defined(PY_SSIZE_T_CLEAN) && PY_VERSION_HEX < 0x030D0000
#  define PyArg_ParseTuple _PyArg_ParseTuple_SizeT
#  define PyArg_ParseTupleAndKeywords _PyArg_ParseTupleAndKeywords_SizeT
#  define Py_BuildValue _Py_BuildValue_SizeT
#endif
PyAPI_FUNC(int) PyArg_ParseTuple(PyObject *, const char *, ...);
PyAPI_FUNC(int) PyArg_ParseTupleAndKeywords(PyObject *, PyObject *, const char *, char **, ...);
PyAPI_FUNC(PyObject *) Py_BuildValue(const char *, ...);

PyAPI_FUNC(int) PyModule_AddObject(PyObject *mod, const char *, PyObject *value);
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x030A0000
PyAPI_FUNC(int) PyModule_AddObjectRef(PyObject *mod, const char *name, PyObject *value);
#endif
PyAPI_FUNC(int) PyModule_AddIntConstant(PyObject *, const char *, long);

PyAPI_FUNC(PyObject *) PyModule_Create2(PyModuleDef *, int apiver);
#ifdef Py_LIMITED_API
#  define PyModule_Create(module) PyModule_Create2((module), PYTHON_ABI_VERSION)
#else
#  define PyModule_Create(module) PyModule_Create2((module), PYTHON_API_VERSION)
#endif

/* pyerrors.h */
PyAPI_FUNC(void) PyErr_SetString(PyObject *exception, const char *string);
PyAPI_FUNC(PyObject *) PyErr_Occurred(void);
PyAPI_FUNC(PyObject *) PyErr_NewException(const char *name, PyObject *base, PyObject *dict);
PyAPI_FUNC(PyObject *) PyErr_NoMemory(void);

PyAPI_DATA(PyObject *) PyExc_Exception;
PyAPI_DATA(PyObject *) PyExc_ImportError;
PyAPI_DATA(PyObject *) PyExc_RuntimeError;
PyAPI_DATA(PyObject *) PyExc_TypeError;
PyAPI_DATA(PyObject *) PyExc_ValueError;

/* longobject.h, tupleobject.h, dictobject.h, abstract.h */
PyAPI_FUNC(PyObject *) PyLong_FromLong(long);
PyAPI_FUNC(PyObject *) PyLong_FromSsize_t(Py_ssize_t);
PyAPI_FUNC(long) PyLong_AsLong(PyObject *);
PyAPI_FUNC(PyObject *) PyTuple_Pack(Py_ssize_t, ...);
PyAPI_FUNC(PyObject *) PyDict_New(void);
PyAPI_FUNC(Py_ssize_t) PySequence_Size(PyObject *o);
PyAPI_FUNC(int) PySequence_SetItem(PyObject *o, Py_ssize_t i, PyObject *v);

/* pymem.h */
PyAPI_FUNC(void *) PyMem_Malloc(size_t size);
PyAPI_FUNC(void) PyMem_Free(void *ptr);

/* ceval.h */
typedef struct _ts PyThreadState;
PyAPI_FUNC(PyThreadState *) PyEval_SaveThread(void);
PyAPI_FUNC(void) PyEval_RestoreThread(PyThreadState *);
#define Py_BEGIN_ALLOW_THREADS { PyThreadState *_save; _save = PyEval_SaveThread();
#define Py_END_ALLOW_THREADS PyEval_RestoreThread(_save); }

/* unicodeobject.h; PyUnicode_AsUTF8 is outside the limited API before 3.13. */
PyAPI_FUNC(PyObject *) PyUnicode_FromString(const char *u);
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x030A0000
PyAPI_FUNC(const char *) PyUnicode_AsUTF8AndSize(PyObject *unicode, Py_ssize_t *size);
#endif
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x030D0000
PyAPI_FUNC(const char *) PyUnicode_AsUTF8(PyObject *unicode);
#endif

#ifdef __cplusplus
}
#endif
#endif /* !Py_PYTHON_H */
