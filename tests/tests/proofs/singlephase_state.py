first = importlib.import_module("singlephase_state")
counts = [first.increment(), first.increment()]
second = reimport("singlephase_state")
report(
    counts=counts,
    same_module=second is first,
    same_function=second.increment is first.increment,
    same_error_type=second.Error is first.Error,
    cached_error_is_attribute=first.error_type() is first.Error,
    counter_after_reimport=second.increment(),
    own_gil_import=run_isolated("import singlephase_state"),
)
