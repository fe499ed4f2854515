first = importlib.import_module("clean_multiphase")
counts = [first.increment(), first.increment()]
try:
    first.fail()
    raised = None
except first.Error as e:
    raised = str(e)
second = reimport("clean_multiphase")
report(
    counts=counts,
    raised=raised,
    fresh_module=second is not first,
    fresh_function=second.increment is not first.increment,
    fresh_error_type=second.Error is not first.Error,
    counter_after_reimport=second.increment(),
    own_gil_import=run_isolated("import clean_multiphase; assert clean_multiphase.increment() == 1"),
)
