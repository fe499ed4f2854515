# A PEP 793 module (sys.argv[1] names it): its state lives in the module
# object, as the slots the export hook returned set it up.
name = sys.argv[1]
first = importlib.import_module(name)
counts = [first.increment(), first.increment()]
raised = error_of(first.fail)
second = reimport(name)
report(
    name=first.__name__,
    doc=first.__doc__,
    counts=counts,
    raised=raised,
    fresh_module=second is not first,
    fresh_function=second.increment is not first.increment,
    fresh_error_type=second.Error is not first.Error,
    counter_after_reimport=second.increment(),
    own_gil_import=run_isolated(
        "import importlib; assert importlib.import_module(%r).increment() == 1" % name
    ),
)
