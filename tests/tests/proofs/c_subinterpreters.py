# Facts about a C sample (argv[1], its import name) in one kind of
# subinterpreter (argv[2]): "legacy" (shared GIL, every version) or "isolated"
# (own GIL, 3.12+), created after the main interpreter imported the module:
# whether the subinterpreter imports it too, and which of its module's objects
# are the main interpreter's very objects there. The shared helpers of
# support.py come first (common::proof). Ends with os._exit: the facts are about
# importing, not about exit hooks (shutdown_crash, shutdown_hang).
import os

name, kind = sys.argv[1], sys.argv[2]
main = importlib.import_module(name)
report(main_imported=True)

# Module attributes that are objects of their own (functions, types, dicts),
# not values that may be shared or interned anyway (str, int, None, ...).
OBJECT_IDS = """{k: id(v) for k, v in vars(%s).items()
    if not k.startswith("__") and not isinstance(v, (str, bytes, int, float, type(None)))}"""

# A subinterpreter has its own sys.path and modules; it reports through a pipe.
CODE = """
import json, os, sys
sys.path.insert(0, {path!r})
facts = {{"error": None, "ids": {{}}}}
try:
    m = __import__({name!r})
    facts["ids"] = {ids}
except Exception as e:
    facts["error"] = "%s: %s" % (type(e).__name__, e)
os.write({fd}, json.dumps(facts).encode())
"""

read, write = os.pipe()
code = CODE.format(path=sys.path[0], name=name, ids=OBJECT_IDS % "m", fd=write)
if kind == "legacy":
    import _testcapi

    failure = None if _testcapi.run_in_subinterp(code) == 0 else "the code raised"
else:
    failure = run_isolated(code)
os.close(write)
with os.fdopen(read) as pipe:
    text = pipe.read()
sub = json.loads(text) if text else {"error": None, "ids": {}}
mine = eval(OBJECT_IDS % "main")
report(
    kind=kind,
    failure=failure,
    error=sub["error"],
    shared=sorted(k for k, i in sub["ids"].items() if mine.get(k) == i),
)
os._exit(0)
