# Part of the extharness probe (harness/harness/src/probe/mod.rs joins the parts
# into one file): the shutdown scenario: use the module, then let the interpreter finalize.


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
