# Part of the extharness probe (harness/harness/src/probe/mod.rs joins the parts
# into one file): the reimport scenario: drop the module from sys.modules, import it again, compare and measure.


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
