# Facts about pyo3_leak: how far sys.getrefcount(x) moves after N calls of
# leak(x) and of no_leak(x), for each N in argv.
import json
import sys

import pyo3_leak

facts = {"leak": {}, "no_leak": {}}
for n in map(int, sys.argv[1:]):
    for name in ("leak", "no_leak"):
        function = getattr(pyo3_leak, name)
        x = object()
        before = sys.getrefcount(x)
        for _ in range(n):
            function(x)
        facts[name][str(n)] = sys.getrefcount(x) - before
print(json.dumps(facts))
