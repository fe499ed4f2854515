# Prepended to every proof script: small helpers, and the report they print.
import gc
import importlib
import json
import sys


def report(**facts):
    print(json.dumps(facts))
    sys.stdout.flush()


def reimport(name):
    """Import `name` again after removing it from sys.modules, as the harness does."""
    del sys.modules[name]
    gc.collect()
    return importlib.import_module(name)


def run_isolated(code):
    """Run `code` in a subinterpreter with its own GIL (3.12+).

    Returns None when it ran, else "ExceptionType: message"; "unavailable" on
    versions without per-interpreter GIL.
    """
    code = "import sys; sys.path.insert(0, %r)\n%s" % (sys.path[0], code)
    if sys.version_info >= (3, 13):
        import _interpreters

        interp = _interpreters.create("isolated")
        try:
            failure = _interpreters.run_string(interp, code)
        finally:
            _interpreters.destroy(interp)
        return None if failure is None else "%s: %s" % (failure.type.__name__, failure.msg)
    if sys.version_info >= (3, 12):
        import _xxsubinterpreters

        interp = _xxsubinterpreters.create(isolated=True)
        try:
            _xxsubinterpreters.run_string(interp, code)
        except _xxsubinterpreters.RunFailedError as e:
            return str(e).replace("<class '", "").replace("'>", "")
        finally:
            _xxsubinterpreters.destroy(interp)
        return None
    return "unavailable"


def error_of(call):
    """'ExceptionType: message' raised by call(), or None."""
    try:
        call()
    except Exception as e:
        return "%s: %s" % (type(e).__name__, e)
    return None
