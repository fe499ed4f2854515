#!/usr/bin/env python3
"""The hand-written baseline that `extharness check` is measured against
(tests/bench/side_by_side.py, docs/performance.md).

It does, for one extension module under one interpreter, the imports and
calls that the harness's children do for the scenarios a plain Python loop
can do, one child interpreter per scenario as the harness starts them, and
nothing else: no measurement, no report, no crash handling, no private
directory, no interpreter discovery.

    python3 tests/bench/minimal_loop.py --python PY [--scenario S]... [--rounds N] MODULE.so

Per scenario (the harness's probe, harness/harness/src/probe/ and each
scenario's part, does the same imports and calls):

- import: `PY -I`, load the module by path with ExtensionFileLoader (the
  name is the file name's first part), exit with os._exit(0).
- reimport: load, then N times (the harness's --warmups + --runs, 3 + 6 by
  default): drop it from sys.modules and load it again. The probe also
  runs CPython's regrtest -R clean-up and counts blocks between rounds (the
  measurement); the loop does not.
- subinterpreter-legacy / subinterpreter-isolated (3.12+): load, call every
  module-level function of the module once (the probe compares what they
  return), create a subinterpreter of that kind (_xxsubinterpreters before
  3.13, _interpreters from 3.13, as the probe), load the module there and
  call its functions once, destroy it.
- shutdown: load, call every module-level function once, and let the
  interpreter finalize (the other scenarios end with os._exit(0), as the
  probe's do).

The scenarios run one after the other (the harness's --jobs 1). Exit
status 0 when every child exited 0.
"""

import argparse
import subprocess
import sys

SCENARIOS = ("import", "reimport", "subinterpreter-legacy", "subinterpreter-isolated", "shutdown")

# What each child runs (`python -I -c CHILD PATH NAME SCENARIO ROUNDS`).
CHILD = r'''
import importlib.machinery, importlib.util, os, sys, types

path, name, scenario, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

def load():
    loader = importlib.machinery.ExtensionFileLoader(name, path)
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module

def call_all(module):
    for key, value in sorted(vars(module).items()):
        if isinstance(value, types.BuiltinFunctionType) and getattr(value, "__module__", None) == name:
            try:
                value()
            except Exception:
                pass

SUB = """
import importlib.machinery, importlib.util, sys, types
name, path = {name!r}, {path!r}
loader = importlib.machinery.ExtensionFileLoader(name, path)
spec = importlib.util.spec_from_file_location(name, path, loader=loader)
module = importlib.util.module_from_spec(spec)
sys.modules[name] = module
spec.loader.exec_module(module)
for key, value in sorted(vars(module).items()):
    if isinstance(value, types.BuiltinFunctionType) and getattr(value, "__module__", None) == name:
        try:
            value()
        except Exception:
            pass
"""

module = load()
if scenario == "reimport":
    for _ in range(rounds):
        del sys.modules[name]
        module = load()
elif scenario.startswith("subinterpreter-"):
    kind = scenario.rsplit("-", 1)[1]
    call_all(module)
    code = SUB.format(name=name, path=path)
    if sys.version_info >= (3, 13):
        import _interpreters
        interp = _interpreters.create(kind)
        failure = _interpreters.run_string(interp, code)
        _interpreters.destroy(interp)
        if failure is not None:
            raise SystemExit("subinterpreter: %s" % (failure,))
    else:
        import _xxsubinterpreters
        if sys.version_info >= (3, 12):
            interp = _xxsubinterpreters.create(isolated=(kind == "isolated"))
        else:
            interp = _xxsubinterpreters.create()
        _xxsubinterpreters.run_string(interp, code)
        _xxsubinterpreters.destroy(interp)
elif scenario == "shutdown":
    call_all(module)
if scenario != "shutdown":
    sys.stdout.flush()
    os._exit(0)
'''


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", required=True, help="the interpreter to run the children with")
    parser.add_argument("--scenario", action="append", choices=SCENARIOS, help="(repeatable) default: all, in this order: %s" % ", ".join(SCENARIOS))
    parser.add_argument("--rounds", type=int, default=9, help="re-imports in the reimport child (the harness's warmups + runs; default 9)")
    parser.add_argument("module", help="the extension module's file")
    args = parser.parse_args()
    scenarios = [s for s in SCENARIOS if s in (args.scenario or SCENARIOS)]
    name = args.module.rsplit("/", 1)[-1].split(".", 1)[0]
    status = 0
    for scenario in scenarios:
        code = subprocess.call([args.python, "-I", "-c", CHILD, args.module, name, scenario, str(args.rounds)])
        if code != 0:
            print("minimal_loop: %s exited %d" % (scenario, code), file=sys.stderr)
            status = 1
            if scenario == "import":
                break
    return status


if __name__ == "__main__":
    sys.exit(main())
