# Facts about a module (argv[1]) in subinterpreters: whether a legacy one
# (shared GIL, any version) and an isolated one (own GIL, 3.12+) import it, and
# which of the module's types the legacy one shares with the main interpreter.
# The shared helpers of support.py come first (common::proof).
import json
import os
import sys

name = sys.argv[1]
main = __import__(name)
type_ids = {k: id(v) for k, v in vars(main).items() if isinstance(v, type)}

# A subinterpreter has its own sys.path and modules; it reports through a pipe.
CODE = """
import json, os, sys
sys.path.insert(0, {path!r})
report = {{"imported": False, "error": None, "type_ids": {{}}}}
try:
    m = __import__({name!r})
    report["imported"] = True
    report["type_ids"] = {{k: id(v) for k, v in vars(m).items() if isinstance(v, type)}}
except Exception as e:
    report["error"] = type(e).__name__ + ": " + str(e)
os.write({fd}, json.dumps(report).encode())
"""


def run(start):
    read, write = os.pipe()
    code = CODE.format(path=sys.path[0], name=name, fd=write)
    try:
        start(code)
    finally:
        os.close(write)
    with os.fdopen(read) as pipe:
        text = pipe.read()
    return json.loads(text) if text else None


def legacy(code):
    import _testcapi

    if _testcapi.run_in_subinterp(code) != 0:
        raise RuntimeError("the subinterpreter's code failed")


facts = {"legacy": run(legacy), "isolated": None}
if facts["legacy"] is not None:
    facts["legacy"]["shared_types"] = sorted(
        k for k, i in facts["legacy"].pop("type_ids").items() if type_ids.get(k) == i
    )
if sys.version_info >= (3, 12):
    # support.py's own-GIL runner; an import it refuses is its error.
    error = run_isolated("import " + name)
    facts["isolated"] = {"imported": error is None, "error": error}
print(json.dumps(facts))
