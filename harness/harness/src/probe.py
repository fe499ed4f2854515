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


def zero_argument_results(module, target, deny, phase_name, swallow=Exception, **detail):
    """Call every module-level function that accepts no arguments, once.
    Each call is a phase of its own (with `detail`), so a crash names the
    function; what a call raises within `swallow` is ignored."""
    results = []
    for key, value in public(module):
        if not isinstance(value, types.BuiltinFunctionType) or not owned_by(value, target):
            continue
        if denied(key, target, deny):
            continue
        phase(phase_name, function=key, **detail)
        try:
            results.append((key, value()))
        except swallow:
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


# -- exercise --------------------------------------------------------------
#
# Every callable the module exposes, called with fixed argument shapes and
# measured with the Meter: first per callable (each run calls every shape
# once), then, for a callable whose deltas grow, per row of shapes and per
# shape of the rows that grow. The harness applies the leak rule to the
# callable's and the shapes' deltas (exercise.rs documents the scenario).


class Fresh(object):
    """The `object` argument: an instance of a class the module cannot know."""


class CallTimeout(BaseException):
    """Raised by the per-call alarm. Not an Exception, so that a call's own
    `except Exception` does not swallow it."""


# Whether the alarm fired during the current call: a call may swallow even
# a BaseException (C code calling PyErr_Clear), the flag survives that.
ALARM = [False]


def on_alarm(signum, frame):
    ALARM[0] = True
    raise CallTimeout()


# Kept out of constants so that each argument below is built anew at run
# time instead of being folded into a constant by the compiler.
_TWO, _HALF, _A, _B, _ONE = 2, 0.5, "a", b"a", 1

# The argument values, by shape name, each made anew for every call: a
# leaked reference to a new object is a leaked memory block, visible where
# references are not counted. str and bytes have two characters because
# one-character ones are cached singletons; None and the small ints are
# singletons anyway.
VALUES = (
    ("None", lambda: None),
    ("int", lambda: 1),
    ("negative int", lambda: -1),
    ("huge int", lambda: _TWO ** 100),
    ("float", lambda: _HALF * 3),
    ("str", lambda: _A + "b"),
    ("bytes", lambda: _B + b"b"),
    ("list", lambda: [1, 2]),
    ("tuple", lambda: (_ONE, 2)),
    ("dict", lambda: {"a": 1}),
    ("object", Fresh),
)


def shapes():
    """(name, argument makers) in call order: `()`, each value alone
    (`(None)`, `(huge int)`), then every ordered pair (`(int, tuple)`)."""
    found = [("()", ())]
    found += [("(%s)" % name, (make,)) for name, make in VALUES]
    found += [("(%s, %s)" % (a, b), (f, g)) for a, f in VALUES for b, g in VALUES]
    return found


ROUTINES = (
    types.BuiltinFunctionType,
    types.FunctionType,
    type(str.join),
    type(dict.__dict__["fromkeys"]),
    staticmethod,
    classmethod,
)


def method_names(cls, target):
    """Public methods defined by the module's own classes in `cls`'s MRO
    (not those of `object` or of a builtin base)."""
    names = set()
    for klass in cls.__mro__:
        if not owned_by(klass, target):
            continue
        for name, attr in vars(klass).items():
            if not name.startswith("_") and isinstance(attr, ROUTINES):
                names.add(name)
    return sorted(names)


def method_caller(cls, name):
    """Calls the method on a new instance every time: state one call leaves
    in an instance (an append) is freed with it instead of being taken for
    a leak, and no call sees what an earlier one did to the instance."""

    def call(*args):
        return getattr(cls(), name)(*args)

    return call


def guarded(fn, args, limit):
    """Calls fn(*args) under the time limit; True if it returned. Whatever
    the call raises is swallowed, SystemExit and KeyboardInterrupt too:
    made-up arguments are meant to fail. Raises CallTimeout when it
    overran, whatever the call did with the alarm's exception."""
    import signal

    ALARM[0] = False
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        fn(*args)
        returned = True
    except CallTimeout:
        raise
    except BaseException:
        returned = False
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    if ALARM[0]:
        raise CallTimeout()
    return returned


def exercisable(module, target, deny, limit, skipped):
    """(name, kind, callable) for every function and type the module owns,
    each type followed by the methods of its instances when it can be
    instantiated without arguments. What is left out goes to `skipped`."""
    for key, value in public(module):
        if isinstance(value, types.BuiltinFunctionType) and owned_by(value, target):
            kind = "function"
        elif isinstance(value, type) and owned_by(value, target):
            kind = "type"
        else:
            continue
        methods = []
        if kind == "type":
            methods = ["%s.%s" % (key, name) for name in method_names(value, target)]
        # `--no-exercise` globs match NAME, module.NAME, Type.method and
        # module.Type.method; a denied type's methods go with it, since
        # calling them means constructing it.
        if denied(key, target, deny):
            skipped.append({"name": key, "kind": kind, "reason": "denied by --no-exercise"})
            for name in methods:
                skipped.append({"name": name, "kind": "method", "reason": "its type is not exercised"})
            continue
        yield key, kind, value
        if not methods:
            continue
        phase("exercise", function=key, shape="()")
        try:
            instantiable = guarded(value, (), limit)
        except CallTimeout:
            instantiable = False
        if not instantiable:
            for name in methods:
                reason = "%s() does not return an instance" % key
                skipped.append({"name": name, "kind": "method", "reason": reason})
            continue
        for name in methods:
            if denied(name, target, deny):
                skipped.append({"name": name, "kind": "method", "reason": "denied by --no-exercise"})
            else:
                yield name, "method", method_caller(value, name.split(".", 1)[1])


class Overran(Exception):
    """A call of `shape` ran past the time limit."""

    def __init__(self, shape):
        Exception.__init__(self, shape)
        self.shape = shape


def measure(meter, fn, plan, every, warmups, runs, limit, unnamed):
    """Deltas of warm-up then measured runs, each calling every
    (shape, phase line, argument makers) of `plan` once. Phase lines are
    encoded beforehand so that writing them allocates nothing that lives
    on; the first run writes each, later runs only when `every`, else the
    one line `unnamed` (the callable, its shape not named) per run, so that
    a crash is never put on the last shape named."""
    meter.start()
    for index in range(warmups + runs):
        named = every or index == 0
        if not named:
            os.write(REPORT_FD, unnamed)
        for shape, line, makers in plan:
            if named:
                os.write(REPORT_FD, line)
            try:
                guarded(fn, [make() for make in makers], limit)
            except CallTimeout:
                raise Overran(shape)
        meter.record(index)
    return meter.report(warmups)["measures"]


def grew(measures):
    """Whether the shapes behind these deltas deserve a closer look: growth
    over the runs, or any descriptor change. Cheap and generous; the
    harness's leak rule gives the verdicts."""
    for name, deltas in measures.items():
        if (sum(deltas) > 0) if name != "descriptors" else any(deltas):
            return True
    return False


def rows(plan):
    """The plan in rows: `()` with the single values, then the pairs by
    their first value."""
    width = len(VALUES)
    found = [plan[: 1 + width]]
    found += [plan[start : start + width] for start in range(1 + width, len(plan), width)]
    return found


def per_shape(meter, fn, plan, every, warmups, runs, limit, unnamed):
    """Deltas of each shape alone, for the shapes of each row whose rounds
    grow: a run of one row costs one clean-up for 11 or 12 shapes, where
    one shape at a time costs one each."""
    found = []
    for row in rows(plan):
        if not grew(measure(meter, fn, row, every, warmups, runs, limit, unnamed)):
            continue
        for step in row:
            # One shape: its own line names it in every run.
            deltas = measure(meter, fn, [step], False, warmups, runs, limit, step[1])
            found.append({"shape": step[0], "measures": deltas})
    return found


# What the per-call phase lines may add to the report channel: past this,
# only the first run of each callable names each call (the channel is
# capped and the result must still fit).
PHASE_BUDGET = 24 << 20


def scenario_exercise(config, module):
    import signal
    import warnings

    phase("exercise")
    # A warning per call would fill stderr and the warning registries.
    warnings.simplefilter("ignore")
    signal.signal(signal.SIGALRM, on_alarm)
    target = config["target"]
    limit = config.get("call_limit") or 2.0
    warmups, runs = config["warmups"], config["runs"]
    plan_shapes = shapes()
    meter = Meter(warmups + runs)
    written = 0
    done, skipped = [], []
    for name, kind, fn in exercisable(module, target, config.get("no_exercise") or [], limit, skipped):
        plan = []
        for shape, makers in plan_shapes:
            line = json.dumps(
                {"event": "phase", "phase": "exercise", "function": name, "shape": shape},
                separators=(",", ":"),
            )
            plan.append((shape, (line + "\n").encode("utf-8"), makers))
        unnamed = json.dumps(
            {"event": "phase", "phase": "exercise", "function": name, "shape": "(one of its shapes)"},
            separators=(",", ":"),
        )
        unnamed = (unnamed + "\n").encode("utf-8")
        # Roughly what this callable's phase lines add, over its passes.
        every = written < PHASE_BUDGET
        written += sum(len(line) for _, line, _ in plan) * (warmups + runs if every else 1) * 3
        try:
            entry = {"name": name, "kind": kind, "measures": measure(meter, fn, plan, every, warmups, runs, limit, unnamed)}
            # Before 3.12 a run now and then gains a few blocks whatever it
            # calls (a one-off the rule ignores); measuring again keeps that
            # from costing a closer look. A leak grows both times.
            if grew(entry["measures"]):
                entry["measures"] = measure(meter, fn, plan, False, warmups, runs, limit, unnamed)
            if grew(entry["measures"]):
                entry["shapes"] = per_shape(meter, fn, plan, every, warmups, runs, limit, unnamed)
        except Overran as over:
            reason = "a call with %s ran past the %g s limit" % (over.shape, limit)
            skipped.append({"name": name, "kind": kind, "reason": reason})
            continue
        done.append(entry)
    signal.setitimer(signal.ITIMER_REAL, 0)
    return {
        "warmups": warmups,
        "runs": runs,
        "call_limit": limit,
        "shapes": [shape for shape, _ in plan_shapes],
        "callables": done,
        "skipped": skipped,
        "interned_correction": meter.interned is not None,
    }


SCENARIOS = {
    "import": scenario_import,
    "reimport": scenario_reimport,
    "subinterpreter-legacy": scenario_subinterpreter,
    "subinterpreter-isolated": scenario_subinterpreter,
    "shutdown": scenario_shutdown,
    "leaks": scenario_leaks,
    "exercise": scenario_exercise,
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
