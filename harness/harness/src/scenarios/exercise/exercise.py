# Part of the extharness probe (harness/harness/src/probe/mod.rs joins the parts
# into one file).


# -- exercise --------------------------------------------------------------
#
# Every callable the module exposes, called with fixed argument shapes and
# measured with the Meter: first per callable (each run calls every shape
# once), then, for a callable whose deltas grow, per row of shapes and per
# shape of the rows that grow. The harness applies the leak rule to the
# callable's and the shapes' deltas (mod.rs beside this file documents the
# scenario).


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


def attribution_steps(plan, entry):
    """What the attribution pass calls: the shapes whose every run grew on
    their own, else the whole round when its every run did, else nothing
    (the verdict will find no leak)."""
    leaky = set(s["shape"] for s in entry.get("shapes", ()) if every_run_grew(s["measures"]))
    steps = [step for step in plan if step[0] in leaky]
    if not steps and every_run_grew(entry["measures"]):
        steps = plan
    return steps


def attribute_calls(meter, fn, name, steps, limit, budget):
    """The attribution pass over one call of each step per run. The
    arguments are the probe's, so their allocation sites are too: the
    probe's frames stay in (the types say more here). `meter` last timed
    runs of one shape, hence the budget per step."""
    line = json.dumps(
        {"event": "phase", "phase": "exercise", "kind": "attribution", "function": name, "shape": "(one of its leaking shapes)"},
        separators=(",", ":"),
    )
    line = (line + "\n").encode("utf-8")

    def again(index):
        os.write(REPORT_FD, line)
        for _, _, makers in steps:
            guarded(fn, [make() for make in makers], limit)

    if budget is not None:
        budget /= len(steps)
    return attribute(again, meter, False, budget)


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
                steps = attribution_steps(plan, entry)
                if steps:
                    entry["attribution"] = attribute_calls(meter, fn, name, steps, limit, time_left(config))
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
