report(import_error=error_of(lambda: importlib.import_module("hidden_init")))
