import importlib.machinery
import importlib.util

path = sys.argv[1]


def load(name):
    loader = importlib.machinery.ExtensionFileLoader(name, path)
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module.which()


report(names=[importlib.import_module("multi_init").which(), load("multi_init_foo"), load("multi_init_bar")])
