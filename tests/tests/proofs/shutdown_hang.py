# shutdown_hang works, then its process never finishes exiting. The hang is
# proven in a child interpreter so that this script ends: the child imports the
# module, calls ping() and returns from its script; once it says Python's own
# atexit callbacks have run (so Py_FinalizeEx is under way), it gets a few
# seconds more, and is killed if it is still alive. A control child that does
# not import the module must exit within the same grace.
import subprocess
import threading

GRACE = 3  # seconds after Python's atexit callbacks ran
STARTUP = 60  # seconds for a loaded machine to get that far

CHILD = """
import atexit, sys
sys.path.insert(0, %r)
atexit.register(lambda: print("python-atexit-ran", flush=True))
if %r:
    import shutdown_hang
    print("ping", shutdown_hang.ping(), flush=True)
"""


def run_child(import_it):
    child = subprocess.Popen(
        [sys.executable, "-I", "-c", CHILD % (sys.path[0], import_it)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    lines = []
    # Set once finalisation began, or when the output ended without that.
    progressed = threading.Event()

    def read_lines():
        for raw in child.stdout:
            lines.append(raw.decode(errors="replace").rstrip())
            if lines[-1] == "python-atexit-ran":
                progressed.set()
        progressed.set()

    reader = threading.Thread(target=read_lines, daemon=True)
    reader.start()
    progressed.wait(STARTUP)
    try:
        child.wait(timeout=GRACE)
        hung = False
    except subprocess.TimeoutExpired:
        hung = True
        child.kill()
        child.wait()
    reader.join()
    return {
        "lines": lines,
        "finalising": "python-atexit-ran" in lines,
        "hung": hung,
        "returncode": None if hung else child.returncode,
    }


report(control=run_child(False), module=run_child(True))
