# Facts about pyo3_pyclass: Counter works, instances are independent, and what
# a re-import in the same process gives.
import json
import sys

import pyo3_pyclass as first

Counter = first.Counter
a, b = Counter(), Counter(10)
facts = {
    "fresh": a.count,
    "start": b.count,
    "increments": [a.increment(), a.increment(), a.increment()],
    "other_increment": b.increment(),
}
facts["after"] = [a.count, b.count]
try:
    a.count = 99
    facts["setter"] = "accepted"
except AttributeError:
    facts["setter"] = "AttributeError"
facts["count_after_setter"] = a.count
facts["type_module"] = Counter.__module__

del sys.modules["pyo3_pyclass"]
import pyo3_pyclass as second

facts["reimport_new_module"] = second is not first
facts["reimport_same_type"] = second.Counter is Counter
facts["old_instance_is_new_type"] = isinstance(a, second.Counter)
facts["reimport_counter"] = second.Counter(5).increment()
print(json.dumps(facts))
