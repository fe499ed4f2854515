# Part of the extharness probe (harness/harness/src/probe/mod.rs joins the parts
# into one file): the entry point. A scenario named `some-name` is the function
# `scenario_some_name(config, module)` of its part, which returns its result.


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
    result = globals()["scenario_" + scenario.replace("-", "_")](config, module)
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
