name = sys.argv[1]
module = importlib.import_module(name)
report(dunder_name=module.__name__, c_name=module.name())
