# Part of the extharness probe (harness/harness/src/probe/mod.rs joins the parts
# into one file): the subinterpreter scenarios: import in a legacy or an isolated subinterpreter and compare identities.


def subinterpreter_kinds():
    """(kind, module used, how to run code in one) for every kind this
    version offers."""
    version = sys.version_info[:2]
    kinds = []
    if version >= (3, 14):
        # The public module (PEP 734) makes isolated interpreters only (own
        # GIL, the default config); the legacy kind is still the private
        # module's.
        try:
            import _interpreters
            import concurrent.interpreters as public
        except ImportError:
            public = None
        if public is not None:
            kinds.append(("legacy", "_interpreters", _runner_interpreters(_interpreters, "legacy")))
            kinds.append(("isolated", "concurrent.interpreters", _runner_public(public)))
            return kinds
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


def _runner_public(mod):
    def run(code):
        phase("subinterpreter-create", kind="isolated")
        interp = mod.create()
        try:
            interp.exec(code)
        except mod.ExecutionFailed as failed:
            info = failed.excinfo
            raise RuntimeError("%s: %s" % (getattr(info.type, "__name__", "?"), info.msg))
        finally:
            phase("subinterpreter-end", kind="isolated")
            interp.close()

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


scenario_subinterpreter_legacy = scenario_subinterpreter
scenario_subinterpreter_isolated = scenario_subinterpreter
