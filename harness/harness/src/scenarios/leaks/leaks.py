# Part of the extharness probe (harness/harness/src/probe/mod.rs joins the parts
# into one file): the leaks scenario: the workload under the leak rule.


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
    if every_run_grew(result["measures"]):

        def again(index):
            phase("workload", kind="attribution", run=index + 1)
            run()

        result["attribution"] = attribute(again, meter, True, time_left(config))
    return result
