importlib.import_module("refuse_reinit")
report(second_import=error_of(lambda: reimport("refuse_reinit")))
