# The pytest side of `extharness pytest`, loaded with `-p extharness_leaks`
# from a private directory the harness puts first on PYTHONPATH, next to a
# copy of the harness's probe.py (imported as `_extharness_probe`) whose
# Meter does regrtest -R's clean-up and measuring, so both commands measure
# the same way. The harness's configuration is a JSON file named by
# EXTHARNESS_PYTEST_CONFIG.
#
# It reports JSON lines on file descriptor 3 (the tests may print anything
# on stdout and stderr): `hello`, `collected` with the node ids left after
# every deselection, `start` as a test begins, `run` as each of its runs
# begins, `test` with its outcome and measured deltas, and `done` when the
# session ends. A test that kills the process leaves a `start` without a
# `test`, which is how the harness knows whom to blame, and it restarts
# pytest with the finished tests and the culprit in the config's
# `deselect` list.
#
# Each test runs warm-ups + measured times through pytest's own
# runtestprotocol without logging (setup, call and teardown, so
# function-scoped fixtures are measured with the test and module- or
# session-scoped ones stay up), then once more the ordinary way, which is
# the run pytest reports; when the measured runs grew, a few more runs under
# tracemalloc say what the growth is made of (probe.py's `attribute`).
# faulthandler writes to file descriptor 4, and its watchdog, re-armed at
# every run, is the per-run time limit: it dumps every thread's Python
# stack and ends the process. Collection and the session's end get a limit
# of their own.

import faulthandler
import json
import os
import sys
import warnings

import pytest
from _pytest.runner import runtestprotocol

from _extharness_probe import Meter, attribute, every_run_grew

REPORT_FD = 3
FAULT_FD = 4
# A message is evidence, not a log: a huge repr must not bloat the report.
MESSAGE_CAP = 2000

with open(os.environ["EXTHARNESS_PYTEST_CONFIG"]) as _f:
    CONFIG = json.load(_f)

# nodeid -> what the repeated runs showed, until its `test` event is sent.
MEASURED = {}
# nodeid -> pytest's outcome of the reported run, phase by phase.
REPORTED = {}


def emit(event, **fields):
    fields["event"] = event
    os.write(REPORT_FD, (json.dumps(fields, default=repr) + "\n").encode("utf-8"))


def arm(seconds=None):
    """(Re)starts the time limit: a run's, unless told otherwise."""
    faulthandler.dump_traceback_later(seconds or CONFIG["timeout"], exit=True, file=FAULT_FD)


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    faulthandler.enable(file=FAULT_FD, all_threads=True)
    arm(CONFIG["session_timeout"])
    import importlib.machinery

    emit(
        "hello",
        version=list(sys.version_info[:3]),
        debug=hasattr(sys, "gettotalrefcount"),
        pytest=pytest.__version__,
        executable=sys.executable,
        ext_suffix=importlib.machinery.EXTENSION_SUFFIXES[0],
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    skip = set(CONFIG["deselect"])
    if skip:
        dropped = [item for item in items if item.nodeid in skip]
        items[:] = [item for item in items if item.nodeid not in skip]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
    emit("collected", nodeids=[item.nodeid for item in items])


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    emit("start", nodeid=item.nodeid)
    MEASURED[item.nodeid] = repeat(item)
    REPORTED[item.nodeid] = []
    emit("run", nodeid=item.nodeid, run=CONFIG["warmups"] + CONFIG["runs"] + 1, kind="reported")
    arm()
    # None: pytest's own runner now runs the test once more and reports it.


def repeat(item):
    warmups, total = CONFIG["warmups"], CONFIG["warmups"] + CONFIG["runs"]
    # pytest clears a doctest's globals after each run.
    dtest = getattr(item, "dtest", None)
    globs = dict(dtest.globs) if dtest is not None else None
    meter = Meter(total)
    meter.start()
    kept = []

    def once(number):
        """One run; what stopped it, if anything."""
        stopped = run_once(item, number)
        if globs is not None:
            dtest.globs.update(globs)
        if stopped is not None:
            return stopped
        if not kept:
            kept.append([(finalizers, len(finalizers)) for finalizers in wider_finalizers(item)])
        else:
            for finalizers, length in kept[0]:
                del finalizers[length:]
        return None

    for index in range(total):
        emit("run", nodeid=item.nodeid, run=index + 1, kind="warmup" if index < warmups else "measured")
        arm()
        stopped = once(index + 1)
        if stopped is not None:
            return {"runs": index, "measures": None, "stopped": stopped}
        meter.record(index)
    measures = meter.report(warmups)["measures"]
    if not every_run_grew(measures):
        return {"runs": total, "measures": measures, "stopped": None}

    def again(index):
        emit("run", nodeid=item.nodeid, run=total + index + 1, kind="attribution")
        arm()
        if once(total + index + 1) is not None:
            raise RuntimeError("the test stopped in the attribution pass")

    # Each run has the per-run limit: the pass must fit three of them.
    attribution = attribute(again, meter, True, CONFIG["timeout"] * 3)
    return {"runs": total, "measures": measures, "stopped": None, "attribution": attribution}


def run_once(item, number):
    """One unlogged setup-call-teardown; what stopped it, if anything."""
    # The warnings a run records would pile up in pytest's per-test list:
    # recorded here they are dropped with the run, and the user's filters
    # (`error` included) still apply.
    with warnings.catch_warnings(record=True):
        # Tearing down towards the item's parent ends the function-scoped
        # fixtures and keeps every wider scope up for the next run.
        reports = runtestprotocol(item, log=False, nextitem=item.parent)
    # Captured output accumulates on the item run after run.
    del item._report_sections[:]
    for report in reports:
        if report.failed or report.skipped:
            return {
                "run": number,
                "when": report.when,
                "outcome": outcome_of(report),
                "message": message_of(report),
            }
    return None


def wider_finalizers(item):
    """The finalizer lists of what outlives one run of `item`: the
    collectors above it (pytest's SetupState) and the fixtures of wider
    scope that are set up. pytest appends to them at every request of such
    a fixture ("finish it when its scope ends", again) and empties them
    only when the scope ends, so run after run they grow by what the test
    did not cause. What the first run added is kept; what later runs add is
    dropped (only the first of those finishes does anything). A test that
    itself adds a finalizer to a wider scope at every run loses the later
    ones."""
    lists = []
    state = getattr(item.session, "_setupstate", None)
    stack = getattr(state, "stack", None)
    if isinstance(stack, dict):
        # pytest 7 and later: node -> (finalizers, exception)
        lists.extend(entry[0] for node, entry in stack.items() if node is not item)
    elif isinstance(getattr(state, "_finalizers", None), dict):
        lists.extend(fins for node, fins in state._finalizers.items() if node is not item)
    manager = getattr(item.session, "_fixturemanager", None)
    for fixturedefs in getattr(manager, "_arg2fixturedefs", {}).values():
        for fixturedef in fixturedefs:
            if getattr(fixturedef, "cached_result", None) is not None and fixturedef.scope != "function":
                lists.append(getattr(fixturedef, "_finalizers", None))
    return [finalizers for finalizers in lists if isinstance(finalizers, list)]


def outcome_of(report):
    if hasattr(report, "wasxfail"):
        return "xfailed" if report.skipped else "xpassed"
    if report.failed and report.when != "call":
        return "error"
    return report.outcome


def message_of(report):
    """pytest's one-paragraph account of a failure or skip."""
    longrepr = report.longrepr
    if longrepr is None:
        return None
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        text = str(longrepr[2])
    elif getattr(getattr(longrepr, "reprcrash", None), "message", None):
        text = longrepr.reprcrash.message
    else:
        lines = str(longrepr).strip().splitlines()
        text = lines[-1] if lines else ""
    return text[:MESSAGE_CAP]


def pytest_runtest_logreport(report):
    phases = REPORTED.get(report.nodeid)
    if phases is not None:
        phases.append({"when": report.when, "outcome": outcome_of(report), "message": message_of(report)})


def pytest_runtest_logfinish(nodeid, location):
    measured = MEASURED.pop(nodeid, None)
    phases = REPORTED.pop(nodeid, None)
    if measured is None:
        return
    emit("test", nodeid=nodeid, phases=phases, other_builds=other_builds(), **measured)
    arm()


def other_builds():
    """Loaded extension modules whose file name does not carry this
    interpreter's own suffix (`.cpython-311d-...so` on a debug build): built
    for another build, they do not keep a debug interpreter's reference
    total, so the harness does not count references while one is loaded."""
    import importlib.machinery

    own = importlib.machinery.EXTENSION_SUFFIXES[0]
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    files = set()
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(suffixes) and not path.endswith(own):
            files.add(path)
    return sorted(files)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    emit("done", exitstatus=int(exitstatus))
    arm(CONFIG["session_timeout"])
