import importlib.machinery
import importlib.util

# Load the given file (possibly built with another interpreter's headers).
path = sys.argv[1]
loader = importlib.machinery.ExtensionFileLoader("limited_abi3", path)
spec = importlib.util.spec_from_file_location("limited_abi3", path, loader=loader)
module = importlib.util.module_from_spec(spec)
report(add=module.add(2, 3))
