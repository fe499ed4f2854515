importlib.import_module("abort_reinit")
report(first_import="ok")
reimport("abort_reinit")
report(second_import="survived")
