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
#
# The probe is one file, joined by harness/harness/src/probe/mod.rs from this
# part (what every scenario uses), each scenario's own part (beside its Rust
# half under harness/harness/src/scenarios/) and main.py.

import gc
import importlib
import importlib.machinery
import importlib.util
import json
import os
import sys
import time
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
        "traceback": format_traceback(exc),
    }


def format_traceback(exc):
    """The exception's traceback. The traceback module itself may fail in a
    runtime the module broke (an ABC registry of a finalised runtime makes
    every isinstance() against collections.abc raise), so the frames are
    then written from the traceback objects alone."""
    try:
        return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    except BaseException as failure:
        lines = ["Traceback (most recent call last):\n"]
        tb = exc.__traceback__
        while tb is not None:
            code = tb.tb_frame.f_code
            lines.append('  File "%s", line %s, in %s\n' % (code.co_filename, tb.tb_lineno, code.co_name))
            tb = tb.tb_next
        lines.append("%s: %s\n" % (qualified(type(exc)), safe_str(exc)))
        lines.append("(the traceback module failed: %s: %s)\n" % (qualified(type(failure)), safe_str(failure)))
        return "".join(lines)


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


class ParentImportFailed(Exception):
    """The package a module is in could not be imported: the package's
    doing (its __init__, a missing dependency), not the module's."""


# Whether the GIL was on just before the module itself was imported (its
# package imported first): on a free-threaded interpreter, the import
# scenario blames the module only for a GIL it turned on.
GIL_BEFORE_LOAD = {}


def load(target):
    """Import the module under test: by path under the chosen name, or by
    name. A module in a package is imported as `import pkg.mod` would: the
    package first (its relative imports need it), and when the package has
    imported this very file already, that module is the one."""
    name = target["name"]
    for entry in reversed(target.get("sys_path") or []):
        if entry not in sys.path:
            sys.path.insert(0, entry)
    parent = name.rpartition(".")[0]
    if parent:
        try:
            importlib.import_module(parent)
        except BaseException as exc:
            raise ParentImportFailed("importing its package %s raised %s: %s" % (parent, qualified(type(exc)), safe_str(exc)))
    if hasattr(sys, "_is_gil_enabled"):
        GIL_BEFORE_LOAD["enabled"] = sys._is_gil_enabled()
    if target.get("path") is None:
        return importlib.import_module(name)
    if parent:
        known = sys.modules.get(name)
        path = getattr(known, "__file__", None)
        if path is not None and os.path.exists(path) and os.path.samefile(path, target["path"]):
            return known
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
    ranges = library_ranges(module)
    for key, value in public(module):
        if not_its_own(value, ranges):
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


def not_its_own(obj, ranges):
    """An immortal object outside the module's own library: CPython's, one
    for every interpreter by design (the static types `_contextvars` exposes
    live in libpython). An immortal object inside the library is the
    module's (frozenlist's static FrozenList is immortal on 3.13), and one
    mutable object shared by everyone who gets it. Without /proc, every
    immortal object counts as CPython's."""
    return immortal(obj) and not within(id(obj), ranges)


def library_ranges(module):
    """The address ranges the module's own library is mapped at: an object
    there (a static type, a static object) is one object for the whole
    process, whichever interpreter or runtime is current."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str):
        return []
    path = os.path.realpath(path)
    ranges = []
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                fields = line.split(None, 5)
                if len(fields) == 6 and fields[5].rstrip("\n") == path:
                    start, end = fields[0].split("-")
                    ranges.append((int(start, 16), int(end, 16)))
    except OSError:
        pass
    return ranges


def within(address, ranges):
    return any(start <= address < end for start, end in ranges)


def immortal(obj):
    """Immortal objects (3.12+: static builtin types, small ints, ...) are
    process-wide by design: every interpreter shares them."""
    return sys.version_info >= (3, 12) and sys.getrefcount(obj) >= IMMORTAL_REFCNT


IMMORTAL_REFCNT = (1 << 30) - 1


def zero_argument_results(module, target, deny, phase_name, **detail):
    """Call every module-level function that accepts no arguments, once.
    Each call is a phase of its own (with `detail`), so a crash names the
    function. Whatever a call raises is ignored, BaseException included:
    greenlet's GreenletExit, or SystemExit from a function that calls
    sys.exit(), is raised normally, and must not end the probe as if the
    interpreter had died."""
    results = []
    for key, value in public(module):
        if not isinstance(value, types.BuiltinFunctionType) or not owned_by(value, target):
            continue
        if denied(key, target, deny):
            continue
        phase(phase_name, function=key, **detail)
        try:
            results.append((key, value()))
        except BaseException:
            pass
    return results


def identities(module, target, deny, phase_name):
    """Addresses of what a subinterpreter could share with the main interpreter."""
    ids = {}
    ranges = library_ranges(module)
    for key, value in public(module):
        if isinstance(value, SHAREABLE) or not_its_own(value, ranges):
            continue
        if isinstance(value, type) or isinstance(value, types.BuiltinFunctionType):
            if owned_by(value, target):
                ids[key] = id(value)
            continue
        if isinstance(value, types.ModuleType) or immortal(value):
            continue
        ids[key] = id(value)
        if owned_by(type(value), target):
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
        # regrtest -R's correction, as each version's refleak.py makes it.
        # 3.12 interns every string as immortal and counts each twice in
        # the total: subtract the interned strings from blocks, twice from
        # references. From 3.13 interned strings can be mortal (freed like
        # any object, so a string interned and kept on every run is a
        # leak): only the immortal ones are set apart, from blocks, and
        # references, which immortal objects no longer change, are taken
        # as they are.
        self.immortal_only = sys.version_info >= (3, 13) and self.interned is not None
        if self.immortal_only:
            counter = self.interned
            self.interned = lambda: counter(_only_immortal=True)
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
        if not self.refs:
            refs = 0
        elif self.immortal_only:
            refs = sys.gettotalrefcount()
        else:
            refs = sys.gettotalrefcount() - interned * 2
        fds = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0
        return refs, blocks, fds

    def start(self):
        self.cleanup()
        self.before = self.sample()
        self.started = time.monotonic()

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


# -- attribution: what a measured leak is made of --------------------------
#
# Only after a scenario's measured runs grew, the same action runs a few
# times more under tracemalloc, with the GC-tracked objects counted by type
# before and after. The measured runs are over by then, so tracing (which
# slows every allocation and allocates itself) perturbs no measurement.

ATTRIBUTION_RUNS = 3
# Enough to reach the user's code through the probe, importlib or pytest.
ATTRIBUTION_FRAMES = 10
ATTRIBUTION_TOP = 5
# How much slower a run is assumed to be under tracemalloc and the
# pass's clean-ups, to tell whether it fits in the time left.
ATTRIBUTION_SLOWDOWN = 5
# When the probe started: its time limit (`dump_after`) counts from here.
PROBE_STARTED = time.monotonic()
# As tracemalloc names it: the code's own file name.
PROBE_FILE = (lambda: None).__code__.co_filename


def every_run_grew(measures):
    """Whether the measured runs look like a leak: some measure grew in
    every run (descriptors: changed in any). Only decides whether the
    attribution pass is worth its cost, and errs towards running it (it
    counts references the harness may not); the harness's leak rule
    (verdict/leak.rs) gives the verdict."""
    for name, deltas in measures.items():
        if not deltas:
            continue
        if name == "descriptors":
            if any(deltas):
                return True
        elif all(d >= 1 for d in deltas):
            return True
    return False


def time_left(config):
    """Seconds before the harness stops this child, or None."""
    limit = config.get("dump_after")
    return None if not limit else limit - (time.monotonic() - PROBE_STARTED)


def type_counts():
    counts = {}
    for obj in gc.get_objects():
        cls = type(obj)
        counts[cls] = counts.get(cls, 0) + 1
    return counts


def frame_text(frame):
    filename = frame.filename
    if filename == PROBE_FILE:
        # The probe is one file joined from parts: its own line numbers
        # say nothing to the user.
        filename = "<extharness probe>"
    return "%s:%d" % (filename, frame.lineno)


def origin(filename):
    """Whose line a frame is: the user's, the import system's (a module's
    initialisation runs below importlib's frames, with no Python frame of
    its own) or the probe's (the exercise scenario makes the arguments)."""
    if filename == PROBE_FILE:
        return "probe"
    if filename.startswith("<frozen importlib") or filename.startswith("<frozen zipimport"):
        return "import"
    return "user"


def attribute(action, meter, user_frames_only, budget):
    """What a leaking action leaves behind: `action(index)` run
    ATTRIBUTION_RUNS times under tracemalloc, after `meter` measured it.
    Reports the allocation sites (the innermost Python frame: for memory a
    C function allocates, the Python line that called it) holding at least
    one more block per run, and the GC-tracked types with at least one more
    object per run, each top ATTRIBUTION_TOP. None when it cannot or should
    not run: no tracemalloc, someone else tracing, the action raised, or
    the runs `meter` timed would not fit in `budget` seconds under
    tracing (a leak found must not become a timeout).
    `user_frames_only` leaves out what the probe allocates itself, for
    actions that are not the probe's."""
    try:
        import tracemalloc
    except ImportError:
        return None
    if tracemalloc.is_tracing():
        return None
    runs = ATTRIBUTION_RUNS
    measured = max(1, len(meter.deltas["blocks"]))
    per_run = (time.monotonic() - meter.started) / measured
    if budget is not None and per_run * runs * ATTRIBUTION_SLOWDOWN > budget:
        return None
    cleanup = meter.cleanup
    # Everything the pass needs exists before the first count, and the
    # caches it fills (fnmatch's, re's) are emptied by `cleanup` before
    # the second: what the counts differ by is the action's.
    filters = [tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<unknown>")]
    if user_frames_only:
        filters.append(tracemalloc.Filter(False, PROBE_FILE))
    cleanup()
    before = type_counts()
    tracemalloc.start(ATTRIBUTION_FRAMES)
    try:
        first = tracemalloc.take_snapshot()
        try:
            for index in range(runs):
                action(index)
        except KeyboardInterrupt:
            raise
        except BaseException:
            return None
        cleanup()
        second = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    sites = grown_sites(first, second, filters, runs)
    del first, second
    cleanup()
    # What this function holds by now are tuples of strings and ints,
    # which a collection untracks.
    types = grown_types(before, type_counts(), runs)
    return {
        "runs": runs,
        "sites": [
            {"site": site, "origin": where, "count": count, "size": size, "frames": list(frames)}
            for site, where, count, size, frames in sites
        ],
        "types": [{"type": name, "count": count} for name, count in types],
    }


def grown_sites(first, second, filters, runs):
    """(site, origin, count, size, frames) of the tracebacks holding at
    least `runs` more blocks in `second`, innermost frame first, as
    tuples, so that nothing of tracemalloc's outlives the call."""
    diffs = second.filter_traces(filters).compare_to(first.filter_traces(filters), "traceback")
    grown = [d for d in diffs if d.count_diff >= runs]
    grown.sort(key=lambda d: (-d.count_diff, -d.size_diff))
    sites = []
    for diff in grown[:ATTRIBUTION_TOP]:
        frames = list(diff.traceback)
        if sys.version_info >= (3, 7):
            # Oldest first since 3.7; innermost first before.
            frames.reverse()
        # The probe's frames between the user's say nothing to the user.
        shown = tuple(frame_text(f) for i, f in enumerate(frames) if i == 0 or f.filename != PROBE_FILE)
        where = origin(frames[0].filename) if frames else "user"
        sites.append((shown[0] if shown else "?", where, diff.count_diff, diff.size_diff, shown))
    return tuple(sites)


def grown_types(before, after, runs):
    """(qualified name, growth) of the types with at least `runs` more
    objects, the most first."""
    grown = [(qualified(cls), n - before.get(cls, 0)) for cls, n in after.items() if n - before.get(cls, 0) >= runs]
    grown.sort(key=lambda t: (-t[1], t[0]))
    return tuple(grown[:ATTRIBUTION_TOP])


# -- workloads (the shutdown and leaks scenarios) ------------------------


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
