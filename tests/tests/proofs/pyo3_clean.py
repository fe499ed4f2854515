# Facts about pyo3_clean: its functions work, and a re-import gives fresh
# module and function objects (nothing stale).
import json
import sys

import pyo3_clean as first

facts = {
    "file": first.__file__,
    "add": first.add(2, 3),
    "add_negative": first.add(-7, 4),
    "greet": first.greet("café"),
}
try:
    first.add(2**62, 2**62)
    facts["overflow"] = None
except OverflowError:
    facts["overflow"] = "OverflowError"
try:
    first.add("2", 3)
    facts["bad_argument"] = None
except TypeError:
    facts["bad_argument"] = "TypeError"

del sys.modules["pyo3_clean"]
import pyo3_clean as second

facts["reimport_new_module"] = second is not first
facts["reimport_new_function"] = second.add is not first.add
facts["reimport_add"] = second.add(20, 22)
print(json.dumps(facts))
