import importlib.machinery
import importlib.util

# Load the given file (built with another interpreter's headers, perhaps).
path = sys.argv[1]
loader = importlib.machinery.ExtensionFileLoader("abi3t_export", path)
spec = importlib.util.spec_from_file_location("abi3t_export", path, loader=loader)
module = importlib.util.module_from_spec(spec)
loader.exec_module(module)
report(
    counts=[module.increment(), module.increment()],
    suffix_listed=".abi3t.so" in importlib.machinery.EXTENSION_SUFFIXES,
    debug=hasattr(sys, "gettotalrefcount"),
)
