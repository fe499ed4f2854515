# Calls MODULE.FUNCTION() in two children, without and with the debug
# allocator hooks (-X dev), and reports how each ended and the fatal error.
import subprocess

module, function = sys.argv[1], sys.argv[2]
code = "import sys; sys.path.insert(0, %r); import %s; %s.%s(); %s.%s(); print('survived')" % (
    sys.path[0], module, module, function, module, function)


def run(*options):
    child = subprocess.run([sys.executable, "-I"] + list(options) + ["-c", code],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    fatal = [l for l in child.stderr.splitlines() if l.startswith("Fatal Python error")]
    return {"returncode": child.returncode, "stdout": child.stdout.strip(), "fatal": fatal[:1]}


report(plain=run(), hooks=run("-X", "dev"), debug=hasattr(sys, "gettotalrefcount"))
