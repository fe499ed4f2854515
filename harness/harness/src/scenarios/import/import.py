# Part of the extharness probe (harness/harness/src/probe/mod.rs joins the parts
# into one file): the import scenario: what the module defines, and what it
# declares about the GIL and subinterpreters.


def scenario_import(config, module):
    result = {"attributes": [k for k, _ in public(module)]}
    try:
        result["declared"] = declared_slots(module, config["target"])
    except BaseException as exc:
        # Reading the declaration is evidence, never a reason to fail the run.
        result["declared"] = {"version": list(sys.version_info[:2]), "error": "%s: %s" % (qualified(type(exc)), safe_str(exc))}
    return result


# Slot ids, from each version's Include/moduleobject.h (3.12-3.14) and
# Include/slots_generated.h (3.15, where a PySlot array and a 3.15
# PyModuleDef use the new ids and the old ones stay valid).
SLOT_MULTIPLE_INTERPRETERS = (3, 86)
SLOT_GIL = (4, 87)
SLOT_ABI = 109
SLOT_NESTED = (92, 94)  # Py_slot_subslots, Py_mod_slots: a pointer to more
GIL_VALUES = {0: "Py_MOD_GIL_USED", 1: "Py_MOD_GIL_NOT_USED"}
MULTIPLE_INTERPRETERS_VALUES = {
    0: "Py_MOD_MULTIPLE_INTERPRETERS_NOT_SUPPORTED",
    1: "Py_MOD_MULTIPLE_INTERPRETERS_SUPPORTED",
    2: "Py_MOD_PER_INTERPRETER_GIL_SUPPORTED",
}
ABI_FLAGS = ((0x1, "STABLE"), (0x2, "GIL"), (0x4, "FREETHREADED"), (0x8, "INTERNAL"))


def declared_slots(module, target):
    """The module's declared Py_mod_gil, Py_mod_multiple_interpreters and
    Py_mod_abi, and how each was read. A multi-phase module's come from the
    PyModuleDef its PyInit_ returned (PyModule_GetDef); a PEP 793 module's
    from the PySlot array its PyModExport_ hook returns (called again: its
    contract allows that). A single-phase module has no slots: PyInit_ is
    never called twice. On a free-threaded interpreter, whether the import
    turned the GIL on is the answer itself."""
    out = {"version": list(sys.version_info[:2]), "module": target["name"]}
    if sys.version_info >= (3, 13):
        out["free_threaded"] = bool(sysconfig_var("Py_GIL_DISABLED"))
        if out["free_threaded"] and hasattr(sys, "_is_gil_enabled"):
            out["gil_enabled_before"] = GIL_BEFORE_LOAD.get("enabled")
            out["gil_enabled_after"] = sys._is_gil_enabled()
    if sys.version_info < (3, 12):
        out["kind"] = "unread"
        out["how"] = "CPython %d.%d has neither slot (Py_mod_multiple_interpreters is from 3.12, Py_mod_gil from 3.13)" % sys.version_info[:2]
        return out
    if not isinstance(module, types.ModuleType):
        out["kind"] = "unread"
        out["how"] = "PyInit_ returned a %s, not a module: no definition to read" % qualified(type(module))
        return out
    import ctypes

    hook = export_hook(module, target) if sys.version_info >= (3, 15) else None
    if hook is not None:
        hook.restype = ctypes.c_void_p
        hook.argtypes = []
        slots = hook()
        out["kind"] = "export-hook"
        out["how"] = "the PySlot array %s() returns (called again through ctypes)" % hook.__name__
        if not slots:
            out["error"] = "%s() returned NULL" % hook.__name__
            return out
        walk_pyslots(ctypes, slots, out, 0, set())
        return out
    get_def = ctypes.pythonapi.PyModule_GetDef
    get_def.restype = ctypes.c_void_p
    get_def.argtypes = [ctypes.py_object]
    definition = get_def(module)
    if not definition:
        out["kind"] = "unread"
        out["how"] = "PyModule_GetDef returned NULL: the module has no PyModuleDef"
        return out
    pointer = ctypes.sizeof(ctypes.c_void_p)
    # PyModuleDef: PyModuleDef_Base (PyObject_HEAD, m_init, m_index, m_copy),
    # m_name, m_doc, m_size, m_methods, then m_slots. object.__basicsize__ is
    # this build's PyObject_HEAD (larger with Py_TRACE_REFS or free-threaded).
    m_slots = ctypes.c_void_p.from_address(definition + object.__basicsize__ + 7 * pointer).value
    if not m_slots:
        out["kind"] = "single-phase"
        out["how"] = "PyModule_GetDef(module)->m_slots is NULL: single-phase initialisation, which declares the GIL only by calling PyUnstable_Module_SetGIL, a function only free-threaded builds have"
        return out
    out["kind"] = "multi-phase"
    out["how"] = "PyModule_GetDef(module)->m_slots, read through ctypes"
    index = 0
    while index < 1000:
        entry = m_slots + index * 2 * pointer
        slot = ctypes.c_int.from_address(entry).value
        if slot == 0:
            break
        value = ctypes.c_void_p.from_address(entry + pointer).value or 0
        if sys.version_info >= (3, 15) and slot in SLOT_NESTED and value:
            walk_pyslots(ctypes, value, out, 1, set())
        else:
            note_slot(ctypes, slot, value, out)
        index += 1
    note_generator(module, target, out)
    return out


# Generators that write Py_mod_gil only when compiling for a free-threaded
# CPython: Cython (`#if CYTHON_COMPILING_IN_CPYTHON_FREETHREADING`,
# Cython/Compiler/ModuleNode.py), pybind11 (`#if defined(Py_mod_gil) &&
# defined(Py_GIL_DISABLED)`, include/pybind11/pybind11.h) and nanobind (its
# FREE_THREADED option takes effect on free-threaded builds only). In a GIL
# build of theirs the slot's absence says nothing; each leaves its name in
# the file.
GUARDING_GENERATORS = ((b"__pyx_", "Cython"), (b"pybind11", "pybind11"), (b"nanobind", "nanobind"))


def note_generator(module, target, out):
    if "gil" in out or out.get("free_threaded"):
        return
    path = getattr(module, "__file__", None) or target.get("path")
    try:
        with open(path, "rb") as f:
            data = f.read()
    except (OSError, TypeError):
        return
    for marker, name in GUARDING_GENERATORS:
        if marker in data:
            out["generator"] = name
            return


def export_hook(module, target):
    """The module's PEP 793 export hook, or None: `PyModExport_<name>` in
    its file, which 3.15 prefers to PyInit_ when both are there."""
    import ctypes

    path = getattr(module, "__file__", None) or target.get("path")
    short = target["name"].rpartition(".")[2]
    if not path or not short.isascii():
        return None
    try:
        library = ctypes.PyDLL(path)  # the loaded file's handle; calls keep the GIL
        return getattr(library, "PyModExport_" + short)
    except (OSError, AttributeError):
        return None


def walk_pyslots(ctypes, address, out, depth, seen):
    # struct PySlot (Include/slots.h): uint16 sl_id, uint16 sl_flags,
    # uint32 sl_reserved, then an 8-byte union. Nested arrays come through
    # Py_slot_subslots and Py_mod_slots, at most 5 deep as CPython allows.
    if depth > 5 or address in seen:
        return
    seen.add(address)
    index = 0
    while index < 1000:
        entry = address + index * 16
        slot = ctypes.c_uint16.from_address(entry).value
        if slot == 0:
            return
        value = ctypes.c_void_p.from_address(entry + 8).value or 0
        if slot in SLOT_NESTED and value:
            walk_pyslots(ctypes, value, out, depth + 1, seen)
        else:
            note_slot(ctypes, slot, value, out)
        index += 1


def note_slot(ctypes, slot, value, out):
    new_ids = sys.version_info >= (3, 15)
    if slot == SLOT_GIL[0] and sys.version_info >= (3, 13) or slot == SLOT_GIL[1] and new_ids:
        out["gil"] = GIL_VALUES.get(value, value)
    elif slot == SLOT_MULTIPLE_INTERPRETERS[0] or slot == SLOT_MULTIPLE_INTERPRETERS[1] and new_ids:
        out["multiple_interpreters"] = MULTIPLE_INTERPRETERS_VALUES.get(value, value)
    elif slot == SLOT_ABI and new_ids and value:
        # PyABIInfo (Include/modsupport.h): uint8 major, uint8 minor,
        # uint16 flags, uint32 build_version, uint32 abi_version.
        flags = ctypes.c_uint16.from_address(value + 2).value
        out["abi"] = {
            "version": [ctypes.c_uint8.from_address(value).value, ctypes.c_uint8.from_address(value + 1).value],
            "flags": [name for bit, name in ABI_FLAGS if flags & bit],
            "build_version": "0x%08x" % ctypes.c_uint32.from_address(value + 4).value,
            "abi_version": "0x%08x" % ctypes.c_uint32.from_address(value + 8).value,
        }


def sysconfig_var(name):
    import sysconfig

    return sysconfig.get_config_var(name)
