import importlib.machinery
import importlib.util

path = sys.argv[1]
error = error_of(lambda: importlib.import_module("init_name_mismatch"))
loader = importlib.machinery.ExtensionFileLoader("renamed_module", path)
spec = importlib.util.spec_from_file_location("renamed_module", path, loader=loader)
renamed = importlib.util.module_from_spec(spec)
report(import_error=error, loads_as=renamed.__name__)
