# Asked of every candidate interpreter by extinspect's discovery: what are you?
# Runs on Python 2.7 and every 3.x, so that old interpreters are recognised (and
# then skipped by version) instead of failing to parse. Prints one JSON object.
import json
import os
import site
import sys
import sysconfig


def config(name):
    value = sysconfig.get_config_var(name)
    return value if value not in ("", None) else None


def lib_dynload():
    # sys.path is what the interpreter really searches; DESTSHARED is where the
    # build meant to install (the two differ on relocated or distro builds).
    for entry in sys.path:
        if os.path.basename(entry.rstrip(os.sep)) == "lib-dynload" and os.path.isdir(entry):
            return entry
    dest = config("DESTSHARED")
    return dest if dest and os.path.isdir(dest) else None


def extension_suffixes():
    # What the import system itself finds extension modules by; Python 2 has
    # no importlib.machinery.
    try:
        import importlib.machinery
    except ImportError:
        return None
    return list(importlib.machinery.EXTENSION_SUFFIXES)


def environment():
    # A virtual environment (venv, or virtualenv's older real_prefix): its
    # prefix, the path it was started by (its own bin/python, whose
    # pyvenv.cfg makes it the environment), and its site directories.
    base = getattr(sys, "real_prefix", None) or getattr(sys, "base_prefix", sys.prefix)
    if os.path.realpath(sys.prefix) == os.path.realpath(base):
        return None
    getsitepackages = getattr(site, "getsitepackages", None)
    return {
        "prefix": sys.prefix,
        "launcher": os.path.abspath(sys.executable),
        # The installation's own interpreter (3.7+ venvs say; a venv made
        # with --copies has a copy of it in place of a symlink).
        "base": os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable),
        "site_packages": [d for d in (getsitepackages() if getsitepackages else []) if os.path.isdir(d)],
    }


include = sysconfig.get_paths().get("include") or config("INCLUDEPY")
has_headers = bool(include) and os.path.isfile(os.path.join(include, "Python.h"))
json.dump(
    {
        "executable": os.path.realpath(sys.executable),
        "implementation": getattr(sys, "implementation", None) and sys.implementation.name or "cpython",
        "version": list(sys.version_info[:3]),
        "abiflags": getattr(sys, "abiflags", ""),
        "debug": hasattr(sys, "gettotalrefcount"),
        "free_threaded": bool(config("Py_GIL_DISABLED")),
        "ext_suffix": config("EXT_SUFFIX") or config("SO"),
        "extension_suffixes": extension_suffixes(),
        "soabi": config("SOABI"),
        "multiarch": config("MULTIARCH"),
        "platform": sysconfig.get_platform(),
        "include_dir": include if has_headers else None,
        "lib_dynload": lib_dynload(),
        "libdir": config("LIBDIR"),
        "ldlibrary": config("LDLIBRARY"),
        "instsoname": config("INSTSONAME"),
        "shared": bool(config("Py_ENABLE_SHARED")),
        "pointer_size": 8 if sys.maxsize > 2**32 else 4,
        "prefix": getattr(sys, "real_prefix", None) or getattr(sys, "base_prefix", sys.prefix),
        "exec_prefix": getattr(sys, "real_prefix", None) or getattr(sys, "base_exec_prefix", sys.exec_prefix),
        "environment": environment(),
    },
    sys.stdout,
)
