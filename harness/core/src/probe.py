# The Python side of one extharness scenario, run by the interpreter under test
# as `python -I probe.py CONFIG_JSON`. It reports JSON lines on file descriptor 3
# (never stdout, which the module under test may write to): a `phase` event as
# it enters each phase, so that a crash can be placed, and one `result` event.
# faulthandler writes to file descriptor 4. Only the shutdown scenario lets the
# interpreter finalize; the others end with os._exit once they have reported,
# so a crash at exit is reported once, by the scenario that looks for it.
#
# Runs on CPython 3.6 and newer: no walrus, no 3.8+ only APIs without a guard.
# The subinterpreter scenario imports this same file inside each
# subinterpreter and calls `in_subinterpreter` there.

import gc
import importlib
import importlib.machinery
import importlib.util
import json
import os
import sys
import traceback
import types

REPORT_FD = 3
FAULT_FD = 4


def emit(event, **fields):
    fields["event"] = event
    os.write(REPORT_FD, (json.dumps(fields, default=repr) + "\n").encode("utf-8"))


def phase(name, **detail):
    emit("phase", phase=name, **detail)


def excinfo(exc):
    """An exception, with the chain of causes that wrapped ImportErrors hide."""
    chain = []
    seen = set()
    cur = exc
    while cur is not None and id(cur) not in seen and len(chain) < 10:
        seen.add(id(cur))
        chain.append({"type": qualified(type(cur)), "message": safe_str(cur)})
        cur = cur.__cause__ or cur.__context__
    return {
        "type": qualified(type(exc)),
        "message": safe_str(exc),
        "chain": chain,
        "traceback": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
    }


def qualified(cls):
    module = getattr(cls, "__module__", None)
    name = getattr(cls, "__qualname__", getattr(cls, "__name__", "?"))
    return name if module in (None, "builtins") else "%s.%s" % (module, name)


def safe_str(obj):
    try:
        return str(obj)
    except BaseException:
        return "<str() failed>"


# -- loading ---------------------------------------------------------------


def load(target):
    """Import the module under test: by path under the chosen name, or by name."""
    name = target["name"]
    for entry in reversed(target.get("sys_path") or []):
        if entry not in sys.path:
            sys.path.insert(0, entry)
    if target.get("path") is None:
        return importlib.import_module(name)
    loader = importlib.machinery.ExtensionFileLoader(name, target["path"])
    spec = importlib.util.spec_from_file_location(name, target["path"], loader=loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def forget(name):
    sys.modules.pop(name, None)


def owned_by(obj, target):
    """Whether a type or function is the module's own (not e.g. `int`)."""
    module = getattr(obj, "__module__", None)
    if not isinstance(module, str):
        return False
    full = target["name"]
    top = full.split(".")[0]
    return module in (full, full.rsplit(".", 1)[-1], top) or module.startswith(top + ".")


def public(module):
    return sorted(
        (k, v) for k, v in vars(module).items() if not (k.startswith("__") and k.endswith("__"))
    )


def definitions(module, target):
    """Functions, types and exception classes the module defines, by name."""
    found = {}
    for key, value in public(module):
        if immortal(value):
            continue
        if isinstance(value, type) and owned_by(value, target):
            kind = "exception" if issubclass(value, BaseException) else "type"
        elif isinstance(value, types.BuiltinFunctionType) and owned_by(value, target):
            kind = "function"
        else:
            continue
        found[key] = (kind, value)
    return found


# Immutable builtin values may legitimately be one object in every
# interpreter (small ints, interned strings, the empty tuple are static or
# immortal in 3.12+); sharing those says nothing about the module.
SHAREABLE = (type(None), bool, int, float, complex, str, bytes, tuple, frozenset, type(Ellipsis), type(NotImplemented))


def denied(key, target, deny):
    """`--no-call` patterns (fnmatch globs) match NAME or module.NAME."""
    import fnmatch

    full = "%s.%s" % (target["name"], key)
    return any(fnmatch.fnmatchcase(key, p) or fnmatch.fnmatchcase(full, p) for p in deny)


def immortal(obj):
    """Immortal objects (3.12+: static builtin types, small ints, ...) are
    process-wide by design: every interpreter shares them."""
    return sys.version_info >= (3, 12) and sys.getrefcount(obj) >= IMMORTAL_REFCNT


IMMORTAL_REFCNT = (1 << 30) - 1


def zero_argument_results(module, target, deny, phase_name):
    """Call every module-level function that accepts no arguments, once.
    Each call is a phase of its own, so a crash names the function."""
    results = []
    for key, value in public(module):
        if not isinstance(value, types.BuiltinFunctionType) or not owned_by(value, target):
            continue
        if denied(key, target, deny):
            continue
        phase(phase_name, function=key)
        try:
            results.append((key, value()))
        except Exception:
            pass
    return results


def identities(module, target, deny, phase_name):
    """Addresses of what a subinterpreter could share with the main interpreter."""
    ids = {}
    for key, value in public(module):
        if isinstance(value, SHAREABLE) or immortal(value):
            continue
        if isinstance(value, type) or isinstance(value, types.BuiltinFunctionType):
            if owned_by(value, target):
                ids[key] = id(value)
            continue
        if isinstance(value, types.ModuleType):
            continue
        ids[key] = id(value)
        if owned_by(type(value), target) and not immortal(type(value)):
            ids["type(%s)" % key] = id(type(value))
    results = zero_argument_results(module, target, deny, phase_name)
    for key, value in results:
        if not isinstance(value, (SHAREABLE, types.ModuleType)) and not immortal(value):
            ids["%s()" % key] = id(value)
    # Keep the results alive: an address is only an identity while its
    # object lives.
    return ids, results


# -- measurement (CPython's regrtest -R) -----------------------------------


class Meter:
    """Per-run deltas of references, memory blocks and descriptors, with the
    clean-up regrtest -R does between runs so that caches filling up slowly
    are not taken for leaks."""

    def __init__(self, repetitions):
        import copyreg
        import warnings

        self.warnings = warnings
        self.copyreg = copyreg
        self.filters = warnings.filters[:]
        self.dispatch = copyreg.dispatch_table.copy()
        self.importers = sys.path_importer_cache.copy()
        self.refs = hasattr(sys, "gettotalrefcount")
        self.interned = getattr(sys, "getunicodeinternedsize", None)
        # Preallocated so that recording allocates nothing.
        self.deltas = {"references": [0] * repetitions, "blocks": [0] * repetitions, "descriptors": [0] * repetitions}
        self.pool = {v: v for v in range(-1000, 1000)}
        self.before = None

    def cleanup(self):
        self.warnings.filters[:] = self.filters
        self.copyreg.dispatch_table.clear()
        self.copyreg.dispatch_table.update(self.dispatch)
        sys.path_importer_cache.clear()
        sys.path_importer_cache.update(self.importers)
        for name, action in (("re", "purge"), ("linecache", "clearcache"), ("fnmatch", "_compile_pattern.cache_clear")):
            mod = sys.modules.get(name)
            if mod is not None:
                fn = mod
                for part in action.split("."):
                    fn = getattr(fn, part, None)
                if fn is not None:
                    fn()
        typing = sys.modules.get("typing")
        for clean in getattr(typing, "_cleanups", ()):
            clean()
        abc = sys.modules.get("collections.abc")
        if abc is not None:
            for name in getattr(abc, "__all__", ()):
                cls = getattr(abc, name, None)
                if cls is not None and hasattr(cls, "_abc_caches_clear"):
                    for sub in [cls] + cls.__subclasses__():
                        if hasattr(sub, "_abc_caches_clear"):
                            sub._abc_caches_clear()
        sys._clear_type_cache()
        for _ in range(3):
            gc.collect()

    def sample(self):
        interned = self.interned() if self.interned is not None else 0
        blocks = sys.getallocatedblocks() - interned
        refs = sys.gettotalrefcount() - interned * 2 if self.refs else 0
        fds = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0
        return refs, blocks, fds

    def start(self):
        self.cleanup()
        self.before = self.sample()

    def record(self, index):
        self.cleanup()
        after = self.sample()
        for key, a, b in zip(("references", "blocks", "descriptors"), after, self.before):
            self.deltas[key][index] = self.pool.setdefault(a - b, a - b)
        self.before = after

    def report(self, warmups):
        measures = {k: v[warmups:] for k, v in self.deltas.items()}
        if not self.refs:
            del measures["references"]
        if not os.path.isdir("/proc/self/fd"):
            del measures["descriptors"]
        return {"warmups": warmups, "measures": measures, "interned_correction": self.interned is not None}


# -- scenarios -------------------------------------------------------------


def scenario_import(config, module):
    return {"attributes": [k for k, _ in public(module)]}


def scenario_reimport(config, module):
    target = config["target"]
    name = target["name"]
    first = definitions(module, target)
    warmups, runs = config["warmups"], config["runs"]
    meter = Meter(warmups + runs)
    meter.start()
    same = None
    del module
    for cycle in range(warmups + runs):
        phase("reimport", cycle=cycle + 1)
        forget(name)
        gc.collect()
        try:
            again = load(target)
        except BaseException as exc:
            return {"cycles": cycle, "error": excinfo(exc), "same": same or []}
        if same is None:
            new = definitions(again, target)
            same = [{"name": k, "kind": first[k][0]} for k in sorted(first) if k in new and new[k][1] is first[k][1]]
            first = None
        del again
        meter.record(cycle)
    result = {"cycles": warmups + runs, "error": None, "same": same or []}
    result.update(meter.report(warmups))
    return result


def subinterpreter_kinds():
    """(kind, module used, how to run code in one) for every kind this
    version offers."""
    version = sys.version_info[:2]
    kinds = []
    if version >= (3, 13):
        try:
            import _interpreters
        except ImportError:
            _interpreters = None
        if _interpreters is not None:
            for kind in ("legacy", "isolated"):
                kinds.append((kind, "_interpreters", _runner_interpreters(_interpreters, kind)))
            return kinds
    try:
        import _xxsubinterpreters
    except ImportError:
        _xxsubinterpreters = None
    if _xxsubinterpreters is not None:
        kinds.append(("legacy", "_xxsubinterpreters", _runner_xx(_xxsubinterpreters, False)))
        if version >= (3, 12):
            kinds.append(("isolated", "_xxsubinterpreters", _runner_xx(_xxsubinterpreters, True)))
        return kinds
    try:
        import _testcapi
    except ImportError:
        return kinds
    kinds.append(("legacy", "_testcapi.run_in_subinterp", _runner_testcapi(_testcapi)))
    return kinds


def _runner_interpreters(mod, kind):
    def run(code):
        phase("subinterpreter-create", kind=kind)
        interp = mod.create(kind)
        try:
            failure = mod.run_string(interp, code)
        finally:
            phase("subinterpreter-end", kind=kind)
            mod.destroy(interp)
        if failure is not None:
            raise RuntimeError("%s: %s" % (getattr(failure, "type", "?"), getattr(failure, "msg", failure)))

    return run


def _runner_xx(mod, isolated):
    kind = "isolated" if isolated else "legacy"

    def run(code):
        phase("subinterpreter-create", kind=kind)
        interp = mod.create(isolated=isolated) if sys.version_info >= (3, 12) else mod.create()
        try:
            mod.run_string(interp, code)
        finally:
            phase("subinterpreter-end", kind=kind)
            mod.destroy(interp)

    return run


def _runner_testcapi(mod):
    def run(code):
        phase("subinterpreter-create", kind="legacy")
        status = mod.run_in_subinterp(code)
        phase("subinterpreter-end", kind="legacy")
        if status != 0:
            raise RuntimeError("the subinterpreter's code failed")

    return run


SUBINTERPRETER_CODE = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("_extharness_probe", {probe!r})
probe = importlib.util.module_from_spec(spec)
spec.loader.exec_module(probe)
probe.in_subinterpreter(json.loads({config!r}), {kind!r}, {out!r})
"""


def in_subinterpreter(config, kind, out):
    """Runs inside a subinterpreter: import, and write what is there to `out`."""
    phase("subinterpreter-import", kind=kind)
    report = {"error": None, "ids": {}}
    try:
        module = load(config["target"])
        # `alive` keeps the results referenced until the report is written:
        # an address is an identity only while its object lives.
        report["ids"], alive = identities(
            module, config["target"], config["no_call"], "subinterpreter-use"
        )
    except BaseException as exc:
        report["error"] = excinfo(exc)
    with open(out, "w") as f:
        json.dump(report, f)


def scenario_subinterpreter(config, module):
    """Import in one kind of subinterpreter (the scenario's), compare."""
    wanted = config["scenario"].rsplit("-", 1)[-1]
    target = config["target"]
    main_ids, alive = identities(module, target, config["no_call"], "use")
    outcomes = []
    for kind, via, run in subinterpreter_kinds():
        if kind != wanted:
            continue
        out = os.path.join(os.getcwd(), "subinterpreter-%s.json" % kind)
        code = SUBINTERPRETER_CODE.format(
            probe=os.path.abspath(__file__), config=json.dumps(config), kind=kind, out=out
        )
        outcome = {"kind": kind, "via": via, "error": None, "shared": [], "failure": None}
        try:
            run(code)
        except BaseException as exc:
            outcome["failure"] = excinfo(exc)
        try:
            with open(out) as f:
                sub = json.load(f)
        except (OSError, ValueError):
            sub = None
        if sub is None:
            if outcome["failure"] is None:
                outcome["failure"] = {"type": "RuntimeError", "message": "the subinterpreter wrote no report", "chain": [], "traceback": ""}
        else:
            outcome["error"] = sub["error"]
            outcome["shared"] = sorted(k for k, v in sub["ids"].items() if main_ids.get(k) == v)
        outcomes.append(outcome)
    return {"kinds": outcomes}


def workload(config):
    """The user's workload as a function of no arguments, or None."""
    spec = config.get("workload")
    if spec is None:
        return None
    if spec["kind"] == "file":
        with open(spec["path"], "rb") as f:
            source = f.read()
        namespace = {"__name__": "__extharness_workload__", "__file__": spec["path"]}
        exec(compile(source, spec["path"], "exec"), namespace)
        run = namespace.get("run")
        if not callable(run):
            raise TypeError("the workload file %s defines no run() function" % spec["path"])
        return run
    code = compile(spec["code"], "<-c>", "exec")
    name = config["target"]["name"]
    namespace = {"__name__": "__extharness_workload__", "module": sys.modules.get(name)}
    namespace[name.split(".")[0]] = sys.modules.get(name.split(".")[0], sys.modules.get(name))

    def run():
        exec(code, namespace)

    return run


def scenario_shutdown(config, module):
    phase("use")
    run = workload(config)
    if run is not None:
        run()
        used = ["workload"]
    else:
        results = zero_argument_results(module, config["target"], config["no_call"], "use")
        used = [k for k, _ in results]
    return {"used": used}


def scenario_leaks(config, module):
    phase("workload", run=0)
    try:
        run = workload(config)
    except BaseException as exc:
        return {"error": excinfo(exc)}
    warmups, runs = config["warmups"], config["runs"]
    meter = Meter(warmups + runs)
    meter.start()
    del module
    for index in range(warmups + runs):
        phase("workload", run=index + 1)
        try:
            run()
        except BaseException as exc:
            return {"error": excinfo(exc), "runs": index}
        meter.record(index)
    result = {"error": None}
    result.update(meter.report(warmups))
    return result


SCENARIOS = {
    "import": scenario_import,
    "reimport": scenario_reimport,
    "subinterpreter-legacy": scenario_subinterpreter,
    "subinterpreter-isolated": scenario_subinterpreter,
    "shutdown": scenario_shutdown,
    "leaks": scenario_leaks,
}


def main():
    # Not at the top: this file is also imported in isolated
    # subinterpreters, which refuse single-phase modules like faulthandler.
    import faulthandler

    config = json.loads(sys.argv[1])
    faulthandler.enable(file=FAULT_FD, all_threads=True)
    if config.get("dump_after"):
        # Python frames of every thread, written just before the harness
        # would kill a hung child.
        faulthandler.dump_traceback_later(config["dump_after"], exit=False, file=FAULT_FD)
    # The probe's own directory must not shadow anything the module imports.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    scenario = config["scenario"]
    emit("hello", version=list(sys.version_info[:3]), debug=hasattr(sys, "gettotalrefcount"))
    phase("import")
    try:
        module = load(config["target"])
    except BaseException as exc:
        emit("result", scenario=scenario, imported=False, error=excinfo(exc))
        finish(scenario)
        return
    result = SCENARIOS[scenario](config, module)
    emit("result", scenario=scenario, imported=True, **result)
    finish(scenario)


def finish(scenario):
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    if scenario == "shutdown":
        phase("finalize")
        return
    os._exit(0)


if __name__ == "__main__":
    main()
