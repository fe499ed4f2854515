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
    # Whether every re-import hands back this very module object (a
    # Py_mod_create that returns the module it made before, as Cython's
    # does): a weak reference, so that it does not keep the module alive.
    import weakref

    try:
        first_module = weakref.ref(module)
    except TypeError:
        first_module = None
    handed_back = first_module is not None
    del module
    for cycle in range(warmups + runs):
        phase("reimport", cycle=cycle + 1)
        forget(name)
        gc.collect()
        try:
            again = load(target)
        except BaseException as exc:
            return {"cycles": cycle, "error": excinfo(exc), "same": same or [], "handed_back": False}
        handed_back = handed_back and again is first_module()
        if same is None:
            new = definitions(again, target)
            same = [{"name": k, "kind": first[k][0]} for k in sorted(first) if k in new and new[k][1] is first[k][1]]
            first = None
        del again
        meter.record(cycle)
    result = {"cycles": warmups + runs, "error": None, "same": same or [], "handed_back": handed_back}
    result.update(meter.report(warmups))
    if every_run_grew(result["measures"]):

        def again(index):
            phase("reimport", kind="attribution", cycle=index + 1)
            forget(name)
            gc.collect()
            load(target)

        result["attribution"] = attribute(again, meter, True, time_left(config))
    return result
