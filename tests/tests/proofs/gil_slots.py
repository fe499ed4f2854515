# What a module (sys.argv[1], imported from the file sys.argv[2]) declares
# about the GIL, read the way CPython reads it, without the harness: the
# Py_mod_gil slot of the definition a multi-phase module was made from
# (PyModule_GetDef), or of the PySlot array a PEP 793 export hook returns
# (called again, as its contract allows: 3.15 calls the hook before PyInit_),
# with the slot numbers and values of this interpreter's own headers. A
# single-phase module has no slots: m_slots is NULL, and it declares only by
# calling PyUnstable_Module_SetGIL, which the interpreter must export.
import ctypes
import os
import re
import sysconfig

name, path = sys.argv[1], sys.argv[2]
module = importlib.import_module(name)


def headers():
    include = sysconfig.get_path("include")
    text = ""
    for header in ("moduleobject.h", "slots_generated.h"):
        try:
            with open(os.path.join(include, header)) as f:
                text += f.read()
        except OSError:
            pass
    return text


HEADERS = headers()


def slot_ids(macro):
    """The numbers `macro` stands for: one, or 3.15's old and new pair
    (`_Py_SLOT_COMPAT_VALUE(4, 87)`: PyModuleDef_Slot arrays built for an
    older limited API carry the first, everything else the second, and 3.15
    reads both)."""
    m = re.search(
        r"#\s*define\s+%s\s+(?:_Py_SLOT_COMPAT_VALUE\((\d+),\s*(\d+)\)|(\d+))" % macro, HEADERS
    )
    if m is None:
        return set()
    return {int(g) for g in m.groups() if g is not None}


def pointer_value(macro):
    m = re.search(r"#\s*define\s+%s\s+\(\(void \*\)(\d+)\)" % macro, HEADERS)
    return None if m is None else int(m.group(1))


GIL = slot_ids("Py_mod_gil")
SUBSLOTS = slot_ids("Py_slot_subslots")
LEGACY_SLOTS = slot_ids("Py_mod_slots")
VALUES = {
    pointer_value("Py_MOD_GIL_USED"): "Py_MOD_GIL_USED",
    pointer_value("Py_MOD_GIL_NOT_USED"): "Py_MOD_GIL_NOT_USED",
}


class DefSlot(ctypes.Structure):
    _fields_ = [("slot", ctypes.c_int), ("value", ctypes.c_void_p)]


class PySlot(ctypes.Structure):
    _fields_ = [
        ("sl_id", ctypes.c_uint16),
        ("sl_flags", ctypes.c_uint16),
        ("sl_reserved", ctypes.c_uint32),
        ("sl_value", ctypes.c_uint64),
    ]


def walk_def_slots(address, found):
    """A PyModuleDef_Slot array, up to its {0, NULL}."""
    i = 0
    while True:
        entry = DefSlot.from_address(address + i * ctypes.sizeof(DefSlot))
        if entry.slot == 0:
            return
        found.append((entry.slot, entry.value or 0))
        if entry.slot in SUBSLOTS:
            walk_pyslots(entry.value, found)
        i += 1


def walk_pyslots(address, found):
    """A PySlot array (3.15), up to its Py_slot_end."""
    i = 0
    while True:
        entry = PySlot.from_address(address + i * ctypes.sizeof(PySlot))
        if entry.sl_id == 0:
            return
        found.append((entry.sl_id, entry.sl_value))
        if entry.sl_id in SUBSLOTS:
            walk_pyslots(entry.sl_value, found)
        elif entry.sl_id in LEGACY_SLOTS:
            walk_def_slots(entry.sl_value, found)
        i += 1


def hook_name():
    try:
        name.encode("ascii")
        return "PyModExport_" + name
    except UnicodeEncodeError:
        return "PyModExportU_" + name.encode("punycode").decode().replace("-", "_")


facts = {
    "gil_disabled_build": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
    "setgil_exported": hasattr(ctypes.pythonapi, "PyUnstable_Module_SetGIL"),
    "slot_numbers": sorted(GIL),
}
found = []
library = ctypes.PyDLL(path)
hook = getattr(library, hook_name(), None) if sys.version_info >= (3, 15) else None
if hook is not None:
    hook.restype = ctypes.c_void_p
    walk_pyslots(hook(), found)
    facts["read_from"] = hook_name() + "()"
else:
    get_def = ctypes.pythonapi.PyModule_GetDef
    get_def.restype = ctypes.c_void_p
    get_def.argtypes = [ctypes.py_object]
    definition = get_def(module)
    # PyModuleDef: PyModuleDef_Base (PyObject_HEAD, m_init, m_index, m_copy),
    # then m_name, m_doc, m_size, m_methods, m_slots.
    pointer = ctypes.sizeof(ctypes.c_void_p)
    base = definition + object.__basicsize__ + 3 * pointer
    facts["def_name"] = ctypes.c_char_p.from_address(base).value.decode()
    facts["m_size"] = ctypes.c_ssize_t.from_address(base + 2 * pointer).value
    slots = ctypes.c_void_p.from_address(base + 4 * pointer).value
    facts["single_phase"] = slots is None
    if slots is not None:
        walk_def_slots(slots, found)
    facts["read_from"] = "PyModule_GetDef(module).m_slots"
# singlephase_setgil says whether its build called PyUnstable_Module_SetGIL.
if hasattr(module, "declares_gil_not_used"):
    facts["module_says"] = module.declares_gil_not_used()
gil = [value for slot, value in found if slot in GIL]
facts["slots"] = [slot for slot, _ in found]
facts["py_mod_gil"] = [VALUES.get(value, value) for value in gil]
report(**facts)
# Leave without finalising: the question is answered, and some samples
# crash or hang at shutdown on purpose.
os._exit(0)
