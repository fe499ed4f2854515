# One cycle of the reinit scenario, run by the embedding host (host.rs) in
# each new runtime it initialises: `main(plan, cycle, dump_after)`. It
# imports the module as the probe does, calls its zero-argument functions,
# and reports on file descriptor 3 what it found (a `reinit-cycle` event,
# JSON); the host reads the addresses from the plan's `objects` file to say
# which runtime allocated each object. With no target (the baseline run) it
# does all the same work but the import.
#
# The probe's helpers (load, excinfo, owned_by, ...) are loaded from its
# file, so both sides import and judge the module alike. Runs on CPython 3.8
# and newer.

import importlib.machinery
import importlib.util
import json
import os
import sys
import types

# What the host finalises with this runtime: the module and everything the
# snapshot names, so that an address stays an identity until the host has
# looked it up.
ALIVE = []


def main(plan_path, cycle, dump_after):
    with open(plan_path) as f:
        plan = json.load(f)
    probe = load_probe(plan["probe"])
    # Finalisation disables faulthandler, so every runtime enables it anew.
    import faulthandler

    faulthandler.enable(file=probe.FAULT_FD, all_threads=True)
    if dump_after > 0:
        faulthandler.dump_traceback_later(dump_after, exit=False, file=probe.FAULT_FD)
    # Loaded in every run, the baseline's too, so that what CPython loses
    # for them is the baseline's: fnmatch (the --no-call patterns), and the
    # punycode codec, which CPython's importer looks up for a module with a
    # non-ASCII name.
    import fnmatch  # noqa: F401

    "\xe9".encode("punycode")
    record = {"cycle": cycle, "imported": False, "error": None, "objects": {}, "none_attributes": []}
    objects = {}
    modules = {}
    import site
    import sysconfig

    # Extension modules outside CPython's own lib-dynload: the module and
    # those its package loaded (mypyc's shared helper module, a Cython
    # package's siblings). The host reads their definitions (host.rs): one
    # that an earlier runtime allocated was handed back by its create slot.
    dynload = os.path.join(sysconfig.get_path("platstdlib"), "lib-dynload")

    for directory in plan.get("site_packages", []):
        site.addsitedir(directory)
    # What earlier runtimes' snapshots named, read and then written in the
    # baseline too: file work that CPython 3.8/3.9 do not wholly free at
    # finalisation (one 408-byte block per runtime) is then the baseline's.
    seen = plan["objects"] + ".seen"
    before = earlier(seen)
    target = plan.get("target")
    if target is not None:
        probe.phase("reinit-import", cycle=cycle)
        try:
            module = probe.load(target)
        except BaseException as exc:
            record["error"] = probe.excinfo(exc)
            module = None
        # A package that failed after loading the module leaves it in
        # sys.modules: it is the module this runtime got all the same.
        loaded = module if module is not None else sys.modules.get(target["name"])
        if loaded is not None:
            record["none_attributes"] = sorted(k for k, v in probe.public(loaded) if v is None)
        for name, value in list(sys.modules.items()):
            # Module objects only: the host reads their PyModuleObject
            # fields, and sys.modules may hold anything.
            if not isinstance(value, types.ModuleType):
                continue
            path = getattr(value, "__file__", None)
            if value is loaded or (
                isinstance(path, str)
                and path.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))
                and os.path.dirname(path) != dynload
            ):
                modules[name] = value
        ALIVE.append(modules)
        if module is not None:
            record["imported"] = True
            objects = snapshot(probe, module, target, plan["no_call"], cycle, before)
            ALIVE.extend([module, objects])
            library = probe.library_ranges(module)
            record["objects"] = {
                name: {"id": id(obj), "kind": kind, "library": probe.within(id(obj), library)}
                for name, (kind, obj) in objects.items()
            }
    with open(seen, "a") as f:
        f.write(json.dumps({str(id(o)): k for k, o in objects.values()}) + "\n")
    with open(plan["objects"], "w") as f:
        json.dump(
            {
                "objects": {name: id(obj) for name, (kind, obj) in objects.items()},
                "modules": {name: id(m) for name, m in modules.items()},
                # PyObject_HEAD's size, for the host's reading of a module
                # object's fields.
                "head": object.__basicsize__,
                # PyModuleObject's layout changed in 3.15 (PEP 793).
                "version": list(sys.version_info[:2]),
            },
            f,
        )
    probe.emit("reinit-cycle", **record)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass


def load_probe(path):
    spec = importlib.util.spec_from_file_location("_extharness_probe", path)
    probe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(probe)
    return probe


def earlier(seen):
    """The addresses earlier runtimes' snapshots named, with their kinds."""
    kinds = {}
    try:
        with open(seen) as f:
            for line in f:
                kinds.update({int(k): v for k, v in json.loads(line).items()})
    except FileNotFoundError:
        pass
    return kinds


def snapshot(probe, module, target, deny, cycle, earlier):
    """The module's objects by name, as (kind, object): its own types,
    exceptions and functions, its other attributes and their types when
    they are its own, and what each zero-argument function returns. Values
    that are the same in every runtime by CPython's design (None, numbers,
    strings, tuples, CPython's own immortal objects) are left out."""
    found = {}
    for key, value in probe.public(module):
        # An address an earlier runtime's snapshot named is most likely that
        # very object, handed back across finalisation (PyO3's cached types):
        # its `__module__` lives in a dict that runtime freed, and reading it
        # aborts a debug build. It is not looked into; the host says which
        # runtime allocated it (a reused address is this runtime's, and
        # judged as such).
        if id(value) in earlier:
            found[key] = (earlier[id(value)], value)
            continue
        if isinstance(value, (probe.SHAREABLE, types.ModuleType)):
            continue
        if isinstance(value, (type, types.BuiltinFunctionType)):
            if probe.owned_by(value, target):
                found[key] = (kind_of(value), value)
            continue
        if probe.immortal(value):
            continue
        found[key] = ("object", value)
        if id(type(value)) in earlier:
            found["type(%s)" % key] = (earlier[id(type(value))], type(value))
        elif probe.owned_by(type(value), target):
            found["type(%s)" % key] = (kind_of(type(value)), type(value))
    # SystemExit too: left to PyRun_SimpleString, it would finalize the
    # runtime and exit the host.
    calls = probe.zero_argument_results(module, target, deny, "reinit-use", cycle=cycle)
    for key, result in calls:
        if isinstance(result, (probe.SHAREABLE, types.ModuleType)) or probe.immortal(result):
            continue
        found["%s()" % key] = (kind_of(result) if isinstance(result, type) else "object", result)
    return found


def kind_of(obj):
    if isinstance(obj, type):
        return "exception" if issubclass(obj, BaseException) else "type"
    if isinstance(obj, types.BuiltinFunctionType):
        return "function"
    return "object"
