"""The Python face of the extinspect wheel: the two tools are native
binaries installed as scripts; this package only finds them, so that
``python -m extinspect`` and ``python -m extinspect.harness`` work where the
scripts directory is not on PATH (a venv that is not activated, ``pip install
--user``, ``pip install --target``)."""

import os
import sys
import sysconfig

__all__ = ["find_bin", "run"]


def _user_scheme():
    # get_preferred_scheme is 3.10+; before that, these are the names
    # sysconfig itself uses for the user scheme.
    if sys.version_info >= (3, 10):
        return sysconfig.get_preferred_scheme("user")
    if os.name == "nt":
        return "nt_user"
    if sys.platform == "darwin" and getattr(sys, "_framework", None):
        return "osx_framework_user"
    return "posix_user"


def _candidates(exe):
    yield os.path.join(sysconfig.get_path("scripts"), exe)
    try:
        yield os.path.join(sysconfig.get_path("scripts", scheme=_user_scheme()), exe)
    except KeyError:
        # An interpreter built without a user scheme (some embedders): skip it.
        pass
    # `pip install --target DIR` puts the package in DIR and the scripts in
    # DIR/bin (DIR/Scripts on Windows), outside every sysconfig scheme.
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for scripts in ("bin", "Scripts"):
        yield os.path.join(root, scripts, exe)


def find_bin(name):
    """The path of the installed binary `name` (``extinspect`` or
    ``extharness``); FileNotFoundError listing where it was looked for."""
    exe = name + (sysconfig.get_config_var("EXE") or "")
    tried = []
    for path in _candidates(exe):
        if os.path.isfile(path):
            return path
        tried.append(path)
    raise FileNotFoundError(
        "{} not found where pip installs the extinspect package's scripts; "
        "looked at: {}".format(exe, ", ".join(tried))
    )


def run(name):
    """Runs the binary `name` with this process's arguments and exits with
    its status; on POSIX the binary replaces this process, so signals, the
    terminal and the exit status are its own."""
    try:
        path = os.fsdecode(find_bin(name))
    except FileNotFoundError as e:
        # The tools' own status for "something could not be run".
        sys.stderr.write("{}\n".format(e))
        sys.exit(2)
    argv = [path] + sys.argv[1:]
    if sys.platform == "win32":
        # Windows has no exec: os.execv there starts a new process and lets
        # this one exit at once, losing the exit status.
        import subprocess

        sys.exit(subprocess.run(argv).returncode)
    os.execvp(path, argv)
