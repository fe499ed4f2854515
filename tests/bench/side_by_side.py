#!/usr/bin/env python3
"""extinspect and extharness side by side with the tools they replace, in one
run, on the same inputs; writes the tables into docs/performance.md.

    python3 tests/bench/side_by_side.py [--quick] [--write docs/performance.md]

Steps (docs/performance.md says what is measured and why):

1. builds `extinspect` and `extharness` in release mode and the sample
   modules (`cargo run -p sample-modules --bin build-samples`);
2. creates the bench venv target/bench/venv with the pinned abi3audit and
   auditwheel of tests/bench/requirements.txt, and downloads the pinned
   numpy, cryptography and pydantic-core wheels (CPython 3.12, manylinux
   x86_64) into target/bench/wheels;
3. prepares the inputs: every lib-dynload of CPython 3.8-3.13, 1,000 copies
   of one module (target/bench/copies), numpy's modules extracted
   (target/bench/extracted), the module padded to 1 MiB, 64 MiB and 1 GiB
   (sparse files) and wheels whose one member is 1, 32 and 256 MiB;
4. runs every tool on every input it can read, interleaved, each run its own
   process timed from spawn to exit with its peak RSS from wait4();
5. runs `extharness check` on the clean sample per interpreter against
   tests/bench/minimal_loop.py, and over all interpreters with --jobs 1
   and 2;
6. prints the tables with every target's PASS or MISS, and with --write
   puts them between the side-by-side markers of the file.

Python 3.9+, standard library only. Raw figures go to
target/bench/side_by_side.json.
"""

import argparse
import glob
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "target" / "bench"
VENV = BENCH / "venv"
WHEELS = BENCH / "wheels"
REQUIREMENTS = ROOT / "tests" / "bench" / "requirements.txt"
MINIMAL_LOOP = ROOT / "tests" / "bench" / "minimal_loop.py"
RESULTS = BENCH / "side_by_side.json"

# The real wheels read from their zips: (distribution, version), for
# CPython 3.12 on manylinux x86_64.
WHEEL_PINS = (("numpy", "2.5.5"), ("cryptography", "50.0.2"), ("pydantic-core", "2.50.4"))
MINORS = range(8, 14)
# The module copied 1,000 times and padded (a mid-size lib-dynload module).
COPIED = "_json"
COPIES = 1000
PADDED_SIZES = ((1 << 20, "1 MiB"), (64 << 20, "64 MiB"), (1 << 30, "1 GiB"))
MEMBER_SIZES = ((1 << 20, "1 MiB"), (32 << 20, "32 MiB"), (256 << 20, "256 MiB"))
BEGIN = "<!-- side-by-side:begin -->"
END = "<!-- side-by-side:end -->"

# Targets from the issues.
TARGET_ABI3AUDIT_RATIO = 100.0  # abi3audit at least 100x slower on a wheel
TARGET_AUDITWHEEL_RATIO = 50.0  # auditwheel show at least 50x slower on a wheel
TARGET_WHEEL_RATIO = {"abi3audit": TARGET_ABI3AUDIT_RATIO, "auditwheel": TARGET_AUDITWHEEL_RATIO}
# The real-wheel set: tests/realworld/wheels.toml's pinned wheels, read from
# the cache tests/tests/inspector_realworld.rs downloads them into; the
# targets apply to wheels over this size.
REAL_WHEELS = ROOT / "tests" / "realworld" / "wheels.toml"
REAL_WHEEL_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "extinspect" / "realworld-wheels"
REAL_WHEEL_MIN = 1 << 20
TARGET_LLVM_RATIO = 1.0  # llvm tools no faster than extinspect
TARGET_OVERHEAD = 0.20  # harness under 20% over the minimal loop
TARGET_SPEEDUP = 1.8  # --jobs 2 vs --jobs 1 on 2 cores: near-linear (90%)
FLAT_SLACK_MIB = 4.0  # "flat": the largest input's peak RSS within this of the reference's

MIB = 1 << 20


# -- running and measuring ------------------------------------------------------


def log(*args):
    print(*args, file=sys.stderr, flush=True)


class Failed(Exception):
    pass


def sh(argv, **kwargs):
    """A preparation step: echoed, must succeed."""
    log("+ " + " ".join(shlex.quote(str(a)) for a in argv))
    subprocess.run([str(a) for a in argv], check=True, **kwargs)


LAUNCHER = BENCH / "rusage"
LAUNCHER_SOURCE = ROOT / "tests" / "bench" / "rusage.c"


def launcher():
    """tests/bench/rusage.c, compiled: the small parent every measured
    process is forked from (its header says why)."""
    if not LAUNCHER.exists() or LAUNCHER.stat().st_mtime < LAUNCHER_SOURCE.stat().st_mtime:
        LAUNCHER.parent.mkdir(parents=True, exist_ok=True)
        sh([os.environ.get("CC", "cc"), "-O2", "-o", LAUNCHER, LAUNCHER_SOURCE])
    return LAUNCHER


def spawn(argv, cwd, stdout=os.devnull):
    """Runs argv once as its own process: (wall seconds, peak RSS in KiB,
    exit status, stderr text). Stdin is /dev/null, stdout goes to `stdout`.
    The process is forked by the launcher, which times it from fork to exit
    and takes its ru_maxrss from wait4(); the launcher itself is spawned and
    reaped here with os.wait4."""
    argv = [str(a) for a in argv]
    err = tempfile.TemporaryFile()
    report = tempfile.NamedTemporaryFile(prefix="rusage-", delete=False)
    report.close()
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, str(stdout), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        (os.POSIX_SPAWN_DUP2, err.fileno(), 2),
    ]
    old = os.getcwd()
    os.chdir(cwd)
    try:
        pid = os.posix_spawn(str(LAUNCHER), [str(LAUNCHER), report.name] + argv, os.environ, file_actions=actions)
        _, status, _ = os.wait4(pid, 0)
    finally:
        os.chdir(old)
    err.seek(0)
    text = err.read().decode("utf-8", "replace")
    err.close()
    with open(report.name) as f:
        fields = f.read().split()
    os.unlink(report.name)
    if os.waitstatus_to_exitcode(status) != 0 or len(fields) != 3:
        raise Failed("the launcher failed on %s: %s" % (" ".join(argv), text.strip()))
    return float(fields[0]), int(fields[1]), int(fields[2]), text


class Tool:
    """One way of running a tool on an input: one or more processes whose
    times add (llvm-nm + llvm-readobj) and whose peak RSS is the largest."""

    def __init__(self, key, commands, ok=(0,), did=None):
        self.key = key
        self.commands = commands
        self.ok = ok
        self.did = did  # what the tool did, filled in from the capture run
        self.walls = []
        self.rss = []
        self.error = None

    def once(self, cwd, stdout=os.devnull):
        """One run: (wall seconds, peak RSS in KiB, the first command's stderr)."""
        wall, rss, first_err = 0.0, 0, ""
        for i, argv in enumerate(self.commands):
            out = stdout if i == 0 else os.devnull
            w, r, code, err = spawn(argv, cwd, out)
            if i == 0:
                first_err = err
            if code not in self.ok:
                self.error = "exit %d: %s" % (code, err.strip()[-300:])
                log("  ! %s: %s" % (self.key, self.error))
            wall += w
            rss = max(rss, r)
        return wall, rss, first_err

    def summary(self):
        if not self.walls:
            return None
        return {
            "median": statistics.median(self.walls),
            "min": min(self.walls),
            "max": max(self.walls),
            "rss_mib": max(self.rss) / 1024.0,
            "runs": len(self.walls),
            "error": self.error,
            "did": self.did,
        }


def measure(tools, reps, cwd, capture=None):
    """Every tool once untimed (the warm-up; its stdout is kept when the tool
    has a `capture` function, which says what the tool did), then the timed
    runs interleaved: run i of every tool, then run i+1, so that a busy
    moment of the machine does not land on one tool only."""
    for tool in tools:
        out = BENCH / "out" / ("%s.txt" % tool.key)
        out.parent.mkdir(parents=True, exist_ok=True)
        _, _, err = tool.once(cwd, out)
        if capture and tool.key in capture:
            # abi3audit reports on stderr, extinspect on stdout.
            tool.did = capture[tool.key](out.read_text("utf-8", "replace") + "\n" + err)
    for i in range(max(reps[t.key] for t in tools)):
        for tool in tools:
            if i < reps[tool.key]:
                wall, rss, _ = tool.once(cwd)
                tool.walls.append(wall)
                tool.rss.append(rss)
    return {t.key: t.summary() for t in tools}


# -- preparation ------------------------------------------------------------


def build(args):
    if args.no_build:
        log("(--no-build: using the binaries in target/release and the samples as they are)")
        return
    sh(["cargo", "build", "--release", "-p", "extinspect", "-p", "extharness"], cwd=ROOT)
    sh(["cargo", "build", "--release", "-p", "inspector", "--example", "bytes_read"], cwd=ROOT)
    sh(["cargo", "run", "-p", "sample-modules", "--bin", "build-samples", "--", "--no-foreign"], cwd=ROOT)


def binary(name):
    path = ROOT / "target" / "release" / name
    if not path.exists():
        raise Failed("%s is not built (drop --no-build)" % path)
    return path


def venv():
    python = VENV / "bin" / "python"
    if not python.exists():
        sh([sys.executable, "-m", "venv", VENV])
    sh([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", REQUIREMENTS])
    return VENV / "bin" / "abi3audit", VENV / "bin" / "auditwheel"


def wheels():
    WHEELS.mkdir(parents=True, exist_ok=True)
    found = []
    for name, version in WHEEL_PINS:
        stem = "%s-%s-" % (name.replace("-", "_"), version)
        have = sorted(p for p in WHEELS.glob("*.whl") if p.name.startswith(stem))
        if not have:
            sh(
                [VENV / "bin" / "python", "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
                 "--no-deps", "--only-binary=:all:", "--implementation", "cp", "--python-version", "3.12",
                 "--abi", "cp312", "--abi", "abi3",
                 "--platform", "manylinux_2_28_x86_64", "--platform", "manylinux_2_17_x86_64",
                 "--platform", "manylinux2014_x86_64", "-d", WHEELS, "%s==%s" % (name, version)]
            )
            have = sorted(p for p in WHEELS.glob("*.whl") if p.name.startswith(stem))
        if not have:
            raise Failed("pip download left no %s*.whl in %s" % (stem, WHEELS))
        found.append(have[-1])
    return found


INFO = r"""
import json, sys, sysconfig
print(json.dumps({"version": "%d.%d.%d" % sys.version_info[:3], "debug": hasattr(sys, "gettotalrefcount"),
                  "dynload": sysconfig.get_config_var("DESTSHARED"), "executable": sys.executable}))
"""


def interpreters():
    """The newest release build of each CPython 3.8-3.13: pyenv's, else
    python3.X on PATH."""
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    found = []
    for minor in MINORS:
        candidates = sorted(
            (p for p in root.glob("3.%d.*" % minor) if re.fullmatch(r"3\.%d\.\d+" % minor, p.name)),
            key=lambda p: int(p.name.rsplit(".", 1)[1]),
            reverse=True,
        )
        exes = [p / "bin" / ("python3.%d" % minor) for p in candidates]
        which = shutil.which("python3.%d" % minor)
        if which:
            exes.append(Path(which))
        for exe in exes:
            if not exe.exists():
                continue
            try:
                info = json.loads(subprocess.run([str(exe), "-I", "-c", INFO], capture_output=True, check=True, text=True).stdout)
            except (subprocess.CalledProcessError, ValueError):
                continue
            if info["debug"] or not info["dynload"] or not Path(info["dynload"]).is_dir():
                continue
            info["minor"] = minor
            info["python"] = str(exe)
            info["files"] = sorted(glob.glob(os.path.join(info["dynload"], "*.so")))
            found.append(info)
            break
        else:
            log("note: no CPython 3.%d release build found; skipped" % minor)
    if not found:
        raise Failed("no CPython 3.8-3.13 found")
    return found


def pick_copied(pythons):
    for info in sorted(pythons, key=lambda i: i["minor"] != 12):
        for f in info["files"]:
            if os.path.basename(f).startswith(COPIED + "."):
                return info, Path(f)
    raise Failed("no %s module in any lib-dynload" % COPIED)


def copies(source):
    """COPIES copies of `source`, each in its own directory under its own
    name (so every copy is the same valid module): copies/0000/NAME ..."""
    top = BENCH / "copies"
    stamp = top / ".source"
    want = "%s %d %d" % (source, source.stat().st_size, COPIES)
    if not (stamp.exists() and stamp.read_text() == want):
        if top.exists():
            shutil.rmtree(top)
        for i in range(COPIES):
            d = top / ("%04d" % i)
            d.mkdir(parents=True)
            shutil.copyfile(source, d / source.name)
        stamp.write_text(want)
    return top, sorted(str(p) for p in top.glob("*/*.so"))


def extracted(wheel):
    """The wheel's .so members on disk, for the tools that cannot read zips."""
    top = BENCH / "extracted" / wheel.name
    if not top.exists():
        tmp = Path(str(top) + ".partial")
        if tmp.exists():
            shutil.rmtree(tmp)
        with zipfile.ZipFile(wheel) as z:
            for info in z.infolist():
                if info.filename.endswith(".so") and ".." not in info.filename:
                    z.extract(info, tmp)
        tmp.rename(top)
    return top, sorted(str(p) for p in top.rglob("*.so"))


def padded_files(source):
    out = []
    for size, label in PADDED_SIZES:
        d = BENCH / "padded" / label.replace(" ", "")
        d.mkdir(parents=True, exist_ok=True)
        path = d / source.name
        if not (path.exists() and path.stat().st_size == size):
            shutil.copyfile(source, path)
            os.truncate(path, size)  # sparse: the file system stores only the module
        out.append((label, size, path))
    return out


def padded_wheels(source, minor):
    """Wheels whose one member is the module followed by zeros, deflated."""
    out = []
    tag = "cp3%d" % minor
    module = source.read_bytes()
    for size, label in MEMBER_SIZES:
        d = BENCH / "padded-wheels" / label.replace(" ", "")
        d.mkdir(parents=True, exist_ok=True)
        path = d / ("padded-1.0-%s-%s-linux_x86_64.whl" % (tag, tag))
        if not path.exists():
            tmp = path.with_suffix(".partial")
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as z:
                info = zipfile.ZipInfo("padded/" + source.name, date_time=(2020, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                with z.open(info, "w", force_zip64=True) as member:
                    member.write(module)
                    left = size - len(module)
                    zeros = bytes(MIB)
                    while left > 0:
                        chunk = min(left, MIB)
                        member.write(zeros[:chunk])
                        left -= chunk
            tmp.rename(path)
        out.append((label, size, path))
    return out


# -- what each tool did -----------------------------------------------------


def did_extinspect(text):
    m = re.search(r"\d+ files? inspected \([^)]*\)", text)
    return m.group(0) if m else "?"


def did_abi3audit(assumed):
    def parse(text):
        text = re.sub(r"\s+", " ", text)
        scanned = sum(int(n) for n in re.findall(r"(\d+) extensions scanned", text))
        nothing = len(re.findall(r"nothing auditable", text))
        errors = len(re.findall(r"processing error", text))
        parts = ["audited %d extensions as abi3" % scanned]
        if assumed:
            parts.append("(--assume-minimum-abi3 %s)" % assumed)
        if nothing:
            parts.append("; nothing auditable in %d" % nothing)
        if errors:
            parts.append("; %d processing errors" % errors)
        return " ".join(parts).replace(" ;", ";")

    return parse


# -- the sections -----------------------------------------------------------


class Input:
    def __init__(self, key, label, paths, files, minor=None, wheel=None):
        self.key = key
        self.label = label
        self.paths = [str(p) for p in paths]  # what extinspect is given
        self.files = [str(f) for f in files]  # the same .so files, for the other tools
        self.minor = minor  # the CPython an abi3 audit assumes
        self.wheel = wheel
        self.bytes = sum(os.path.getsize(f) for f in self.files)
        if wheel:
            with zipfile.ZipFile(wheel) as z:
                so = [i for i in z.infolist() if i.filename.endswith(".so")]
            self.members = len(so)
            self.inflated = sum(i.file_size for i in so)
            self.bytes = os.path.getsize(wheel)

    def describe(self):
        if self.wheel:
            return "%d .so members, %.1f MiB inflated (%.1f MiB wheel)" % (self.members, self.inflated / MIB, self.bytes / MIB)
        return "%d files, %.1f MiB" % (len(self.files), self.bytes / MIB)


def tools_section(args, extinspect, llvm_nm, llvm_readobj, abi3audit, auditwheel, pythons, wheel_paths, cwd):
    inputs = []
    for info in pythons:
        inputs.append(Input("dynload-3.%d" % info["minor"], "lib-dynload %s" % info["version"], [info["dynload"]], info["files"], minor=info["minor"]))
    every = [f for info in pythons for f in info["files"]]
    inputs.append(Input("dynload-all", "all six lib-dynloads", [i["dynload"] for i in pythons], every, minor=min(i["minor"] for i in pythons)))
    source_info, source = pick_copied(pythons)
    top, files = copies(source)
    inputs.append(Input("copies", "%d copies of %s (%s)" % (COPIES, source.name, source_info["version"]), [top], files, minor=source_info["minor"]))
    numpy = next(w for w in wheel_paths if w.name.startswith("numpy-"))
    top, files = extracted(numpy)
    inputs.append(Input("numpy-extracted", "numpy wheel's .so members, extracted", [top], files, minor=12))
    for w in wheel_paths:
        abi3 = "-abi3-" in w.name
        inputs.append(Input("wheel-" + w.name.split("-")[0], w.name, [w], [], minor=None if abi3 else 12, wheel=w))

    fast, slow = (5, 1) if args.quick else (15, 5)
    results = []
    for inp in inputs:
        log("== %s: %s" % (inp.label, inp.describe()))
        tools = [Tool("extinspect", [[extinspect] + inp.paths], ok=(0, 1))]
        capture = {"extinspect": did_extinspect}
        reps = {"extinspect": fast, "llvm": fast, "abi3audit": slow, "auditwheel": slow}
        if not inp.wheel:
            tools.append(Tool("llvm", [[llvm_nm, "-D"] + inp.files, [llvm_readobj, "--needed-libs"] + inp.files],
                              did="dynamic symbols and DT_NEEDED of %d files" % len(inp.files)))
        assumed = "3.%d" % inp.minor if inp.minor else None
        flags = ["--summary"] + (["--assume-minimum-abi3", assumed] if assumed else [])
        tools.append(Tool("abi3audit", [[abi3audit] + flags + ([str(inp.wheel)] if inp.wheel else inp.files)], ok=(0, 1)))
        capture["abi3audit"] = did_abi3audit(assumed)
        if inp.wheel:
            tools.append(Tool("auditwheel", [[auditwheel, "show", inp.wheel]], ok=(0, 1),
                              did="show: platform tag from every ELF member (extracts the wheel)"))
        summary = measure(tools, reps, cwd, capture)
        results.append({"key": inp.key, "label": inp.label, "describe": inp.describe(), "wheel": bool(inp.wheel), "tools": summary})
        for key, s in summary.items():
            log("   %-10s %s" % (key, fmt_cell(s)))
    return results


def real_wheels():
    """(file, size, path) of every pinned wheel over REAL_WHEEL_MIN found in
    the realworld cache (`<sha256>/<file>`); `cargo test -p tests --test
    inspector_realworld` fills it."""
    text = REAL_WHEELS.read_text("utf-8")
    found = []
    for block in text.split("[[wheel]]")[1:]:
        fields = dict(re.findall(r'^(file|sha256|size) = "?([^"\n]+)"?$', block, re.M))
        size = int(fields["size"])
        path = REAL_WHEEL_CACHE / fields["sha256"] / fields["file"]
        if size > REAL_WHEEL_MIN and path.is_file():
            found.append((fields["file"], size, path))
    if not found:
        raise Failed("no pinned wheel over 1 MiB in %s (run `cargo test -p tests --test inspector_realworld`)" % REAL_WHEEL_CACHE)
    return sorted(found, key=lambda f: -f[1])


def bytes_read(paths):
    """{wheel file name: (members' declared bytes, bytes inflated)} from the
    inspector's own count (inspector/inspector/examples/bytes_read.rs)."""
    example = ROOT / "target" / "release" / "examples" / "bytes_read"
    out = subprocess.run([str(example)] + [str(p) for p in paths], check=True, capture_output=True, text=True).stdout
    counted = {}
    for line in out.splitlines():
        name, size, inflated, _ = line.split("\t")
        counted[name] = (int(size), int(inflated))
    return counted


def realwheels_section(args, extinspect, abi3audit, auditwheel, cwd):
    wheels = real_wheels()
    counted = bytes_read([p for _, _, p in wheels])
    fast, slow = (3, 1) if args.quick else (7, 1)
    rows = []
    for name, size, path in wheels:
        tag = re.search(r"-cp3(\d+)t?-(cp3\d+t?|abi3)-", name)
        abi3 = "-abi3-" in name
        minor = int(tag.group(1)) if tag and not abi3 else None
        log("== %s (%.1f MiB)" % (name, size / MIB))
        tools = [Tool("extinspect", [[extinspect, path]], ok=(0, 1))]
        capture = {"extinspect": did_extinspect}
        flags = ["--summary"] + (["--assume-minimum-abi3", "3.%d" % minor] if minor else [])
        tools.append(Tool("abi3audit", [[abi3audit] + flags + [path]], ok=(0, 1)))
        capture["abi3audit"] = did_abi3audit("3.%d" % minor if minor else None)
        if "linux" in name:
            tools.append(Tool("auditwheel", [[auditwheel, "show", path]], ok=(0, 1)))
        reps = {"extinspect": fast, "abi3audit": slow, "auditwheel": slow}
        summary = measure(tools, reps, cwd, capture)
        members, inflated = counted.get(name, (0, 0))
        rows.append({"wheel": name, "size": size, "members": members, "inflated": inflated, "tools": summary})
        for key, s in summary.items():
            log("   %-10s %s" % (key, fmt_cell(s)))
    return rows


def memory_section(args, extinspect, pythons, cwd):
    source_info, source = pick_copied(pythons)
    reps = 3 if args.quick else 10
    rows = []
    cases = [("file", "unpadded", source.stat().st_size, source)]
    cases += [("file", label, size, path) for label, size, path in padded_files(source)]
    cases += [("wheel", label, size, path) for label, size, path in padded_wheels(source, source_info["minor"])]
    tools = []
    for kind, label, size, path in cases:
        tools.append(Tool("%s %s" % (kind, label), [[extinspect, path]], ok=(0, 1)))
    summary = measure(tools, {t.key: reps for t in tools}, cwd)
    for (kind, label, size, path), tool in zip(cases, tools):
        s = summary[tool.key]
        disk = os.stat(path).st_blocks * 512
        rows.append({"kind": kind, "label": label, "size": size, "disk": disk, "file": str(path), **s})
        log("   %-16s %s" % (tool.key, fmt_cell(s)))
    return {"module": "%s (CPython %s, %d bytes)" % (source.name, source_info["version"], source.stat().st_size), "rows": rows}


HARNESS_SCENARIOS = ("reimport", "subinterpreter-legacy", "subinterpreter-isolated", "shutdown")


def loop_scenarios(minor):
    return ["import"] + [s for s in HARNESS_SCENARIOS if s != "subinterpreter-isolated" or minor >= 12]


def sample(info):
    hits = sorted(glob.glob(str(ROOT / "target" / "samples" / ("cp3%d-*" % info["minor"]) / "clean_multiphase.*.so")))
    return hits[0] if hits else None


def harness_section(args, extharness, pythons, cwd):
    reps = 3 if args.quick else 10
    rows = []
    for info in pythons:
        module = sample(info)
        if module is None:
            log("note: no clean_multiphase sample for %s; skipped" % info["version"])
            continue
        scenarios = loop_scenarios(info["minor"])
        harness = [extharness, "check", "--python", info["python"], "--jobs", "1"]
        for s in scenarios[1:]:
            harness += ["--scenario", s]
        loop = [sys.executable, MINIMAL_LOOP, "--python", info["python"], "--rounds", "9"]
        for s in scenarios:
            loop += ["--scenario", s]
        tools = [
            Tool("harness", [harness + [module]]),
            Tool("loop", [loop + [module]]),
            Tool("harness-default", [[extharness, "check", "--python", info["python"], "--jobs", "1", module]]),
        ]
        log("== harness vs loop, CPython %s" % info["version"])
        summary = measure(tools, {t.key: reps for t in tools}, cwd)
        for key, s in summary.items():
            log("   %-16s %s" % (key, fmt_cell(s)))
        rows.append({"version": info["version"], "scenarios": scenarios, "module": module, **summary})

    jobs_reps = 2 if args.quick else 7
    modules = [m for m in (sample(i) for i in pythons) if m]
    pyflags = [x for i in pythons for x in ("--python", i["python"])]
    tools = [Tool("jobs %d" % n, [[extharness, "check"] + pyflags + ["--jobs", str(n)] + modules]) for n in (1, 2)]
    log("== --jobs 1 vs --jobs 2, every interpreter")
    jobs = measure(tools, {t.key: jobs_reps for t in tools}, cwd)
    for key, s in jobs.items():
        log("   %-16s %s" % (key, fmt_cell(s)))
    return {"rows": rows, "jobs": jobs, "modules": len(modules)}


# -- the machine ------------------------------------------------------------


def first_line(argv):
    try:
        out = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=60).stdout
        return out.strip().splitlines()[0] if out.strip() else "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def llvm_version(tool):
    out = subprocess.run([str(tool), "--version"], capture_output=True, text=True).stdout
    m = re.search(r"LLVM version [\w.+-]+", out)
    return m.group(0) if m else "?"


def machine(extinspect, extharness, llvm_nm, llvm_readobj, abi3audit, auditwheel, pythons):
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = "%.1f GiB" % (int(line.split()[1]) / (1 << 20))
    distro = "?"
    if os.path.exists("/etc/os-release"):
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    distro = line.split("=", 1)[1].strip().strip('"')
    if os.path.exists("/etc/debian_version"):
        with open("/etc/debian_version") as f:
            distro += " (debian_version %s)" % f.read().strip()
    commit = first_line(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True).stdout
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": mem,
        "kernel": platform.release(),
        "distribution": distro,
        "commit": commit + (" (with uncommitted changes in %d files)" % len(dirty.splitlines()) if dirty.strip() else ""),
        "versions": {
            "extinspect": first_line([extinspect, "--version"]),
            "extharness": first_line([extharness, "--version"]),
            "rustc": first_line(["rustc", "--version"]),
            "llvm-nm": "%s (%s)" % (llvm_nm, llvm_version(llvm_nm)),
            "llvm-readobj": "%s (%s)" % (llvm_readobj, llvm_version(llvm_readobj)),
            "abi3audit": first_line([abi3audit, "--version"]),
            "auditwheel": first_line([auditwheel, "--version"]).split(" installed")[0],
            "bench venv python": first_line([VENV / "bin" / "python", "--version"]),
            "CPython": ", ".join("%s (%s)" % (i["version"], i["python"]) for i in pythons),
        },
    }


# -- rendering --------------------------------------------------------------


def ms(seconds):
    if seconds >= 10:
        return "%.1f s" % seconds
    if seconds >= 1:
        return "%.2f s" % seconds
    return "%.1f ms" % (seconds * 1000) if seconds < 0.1 else "%.0f ms" % (seconds * 1000)


def fmt_cell(s):
    if not s:
        return "n/a"
    cell = "%s (%s–%s) · %.0f MiB" % (ms(s["median"]), ms(s["min"]), ms(s["max"]), s["rss_mib"])
    if s.get("error"):
        cell += " · **failed**: %s" % s["error"].replace("|", "\\|").replace("\n", " ")[:120]
    return cell


def verdict(ok):
    return "PASS" if ok else "**MISS**"


def verdicts(data):
    """(target, what, figure, met) for every target the run measured."""
    found = []
    for r in data.get("tools", []):
        t = r["tools"]
        base = t["extinspect"]["median"]
        if r["wheel"]:
            for key in ("abi3audit", "auditwheel"):
                if t.get(key):
                    x = t[key]["median"] / base
                    found.append(("%s ÷ extinspect ≥ %g×" % (key, TARGET_WHEEL_RATIO[key]), r["label"], "%.1f×" % x, x >= TARGET_WHEEL_RATIO[key]))
        elif t.get("llvm"):
            x = t["llvm"]["median"] / base
            found.append(("llvm ÷ extinspect ≥ %g×" % TARGET_LLVM_RATIO, r["label"], "%.1f×" % x, x >= TARGET_LLVM_RATIO))
    for r in data.get("realwheels", []):
        t = r["tools"]
        base = t["extinspect"]["median"]
        for key in ("abi3audit", "auditwheel"):
            if t.get(key) and not t[key].get("error"):
                x = t[key]["median"] / base
                found.append(("%s ÷ extinspect ≥ %g×" % (key, TARGET_WHEEL_RATIO[key]), r["wheel"], "%.1f×" % x, x >= TARGET_WHEEL_RATIO[key]))
    rows = (data.get("memory") or {}).get("rows", [])
    files = [r for r in rows if r["kind"] == "file"]
    members = [r for r in rows if r["kind"] == "wheel"]
    if len(files) >= 2:
        growth = files[-1]["rss_mib"] - files[1]["rss_mib"]
        found.append(("peak RSS flat (≤ %g MiB growth)" % FLAT_SLACK_MIB, "file %s → %s" % (files[1]["label"], files[-1]["label"]), "%+.1f MiB" % growth, growth <= FLAT_SLACK_MIB))
    if len(members) >= 2:
        growth = members[-1]["rss_mib"] - members[0]["rss_mib"]
        found.append(("peak RSS flat (≤ %g MiB growth)" % FLAT_SLACK_MIB, "wheel member %s → %s" % (members[0]["label"], members[-1]["label"]), "%+.1f MiB" % growth, growth <= FLAT_SLACK_MIB))
    harness = data.get("harness") or {}
    for r in harness.get("rows", []):
        over = r["harness"]["median"] / r["loop"]["median"] - 1
        found.append(("harness overhead < %d%%" % (TARGET_OVERHEAD * 100), "CPython %s" % r["version"], "%+.0f%%" % (over * 100), over < TARGET_OVERHEAD))
    jobs = harness.get("jobs") or {}
    if jobs.get("jobs 1") and jobs.get("jobs 2"):
        speed = jobs["jobs 1"]["median"] / jobs["jobs 2"]["median"]
        found.append(("--jobs 2 speed-up ≥ %.1f×" % TARGET_SPEEDUP, "every interpreter", "%.2f×" % speed, speed >= TARGET_SPEEDUP))
    return found


def render(data):
    out = []
    m = data["machine"]
    add = out.append
    if data.get("note"):
        add("> **%s**\n" % data["note"])
    found = verdicts(data)
    missed = [v for v in found if not v[3]]
    add("**Targets: %d PASS, %d MISS.**%s\n" % (len(found) - len(missed), len(missed), " Missed:" if missed else ""))
    for target, what, figure, _ in missed:
        add("- %s: %s on %s" % (target, figure, what))
    if missed:
        add("")
    add("Run of %s, %s, took %.1f min (%s repetitions)." % (
        data["started"], "`--quick`" if data["quick"] else "full", data["elapsed"] / 60,
        "fewer" if data["quick"] else "full"))
    add("")
    add("### Machine\n")
    add("| | |\n|---|---|")
    add("| CPU | %s, %s logical cores |" % (m["cpu"], m["cores"]))
    add("| RAM | %s |" % m["memory"])
    add("| kernel | %s |" % m["kernel"])
    add("| distribution | %s |" % m["distribution"])
    add("| load average (1, 5, 15 min) at start / end | %s / %s |" % (
        ", ".join("%.2f" % x for x in data["load_start"]), ", ".join("%.2f" % x for x in data["load_end"])))
    add("| commit | %s |" % m["commit"])
    for k, v in m["versions"].items():
        add("| %s | %s |" % (k, v.replace("|", "\\|")))
    add("")
    add("### Commands\n")
    add("```sh\n%s\n```\n" % data["command"])
    add("Each tool run is one process, as a user runs it, from a temporary working directory outside the "
        "repository (no configuration found), stdout to `/dev/null`; wall time from spawn to exit, peak RSS "
        "from `wait4()` (through `tests/bench/rusage.c`, a small launcher that forks it: `ru_maxrss` also counts what a process held before `exec`, so a tool spawned straight from the Python script would report the script's own 20 MiB). Every tool is run once untimed first (warm page cache; its output says what it did), "
        "then the timed runs, interleaved across tools.\n")
    add("| tool | command per input |\n|---|---|")
    add("| extinspect | `target/release/extinspect PATH...` (the lib-dynload directories, the copies' or extracted members' directory, the wheel) |")
    add("| llvm | `llvm-nm -D FILES...` then `llvm-readobj --needed-libs FILES...`: two processes, times added, the larger peak RSS (they cannot read wheels) |")
    add("| abi3audit | `abi3audit --summary [--assume-minimum-abi3 3.X] FILES...` or `... WHEEL`: it refuses files without `.abi3.` in the name unless told which abi3 version to assume, and finds nothing to audit in a non-abi3 wheel, so the flag makes it audit every extension as abi3 (3.X: the interpreter of the lib-dynload, 3.12 for the cp312 wheels; none for the abi3 cryptography wheel) |")
    add("| auditwheel | `auditwheel show WHEEL` (wheels only) |")
    add("| harness | `extharness check --python PY --jobs 1 --scenario reimport --scenario subinterpreter-legacy [--scenario subinterpreter-isolated] --scenario shutdown clean_multiphase...so` |")
    add("| loop | `python3 tests/bench/minimal_loop.py --python PY --rounds 9 --scenario import ... clean_multiphase...so` |")
    add("| harness, default | `extharness check --python PY --jobs 1 clean_multiphase...so` (adds `reinit`) |")
    add("| jobs N | `extharness check --python PY38 ... --python PY313 --jobs N` every interpreter's clean_multiphase (default scenarios) |")
    add("")
    if data.get("floor"):
        add("The launcher's floor (`/bin/true` measured the same way): %s.\n" % fmt_cell(data["floor"]))
    add("Cells: median wall time (fastest–slowest run) · largest peak RSS over the runs. "
        "Ratios: the other tool's median ÷ extinspect's.\n")

    if "tools" in data:
        add("### Static inspection\n")
        add("| input | size | extinspect | llvm-nm -D + llvm-readobj --needed-libs | abi3audit | auditwheel show |")
        add("|---|---|---|---|---|---|")
        for r in data["tools"]:
            t = r["tools"]
            add("| %s | %s | %s | %s | %s | %s |" % (r["label"], r["describe"], fmt_cell(t.get("extinspect")),
                                                    fmt_cell(t.get("llvm")), fmt_cell(t.get("abi3audit")), fmt_cell(t.get("auditwheel"))))
        add("")
        add("What each tool did (from its untimed run's output):\n")
        add("| input | extinspect | abi3audit |\n|---|---|---|")
        for r in data["tools"]:
            t = r["tools"]
            add("| %s | %s | %s |" % (r["label"], (t["extinspect"] or {}).get("did") or "?", (t.get("abi3audit") or {}).get("did") or "n/a"))
        add("")
        add("#### Targets\n")
        add("| input | abi3audit ÷ extinspect (≥ %g×) | auditwheel ÷ extinspect (≥ %g×) | llvm ÷ extinspect (≥ %g×: extinspect no slower) |" % (
            TARGET_ABI3AUDIT_RATIO, TARGET_AUDITWHEEL_RATIO, TARGET_LLVM_RATIO))
        add("|---|---|---|---|")
        for r in data["tools"]:
            t = r["tools"]
            base = t["extinspect"]["median"]

            def ratio(key, target, applies):
                s = t.get(key)
                if not s:
                    return "n/a"
                x = s["median"] / base
                return ("%.1f× %s" % (x, verdict(x >= target))) if applies else ("%.1f× (no target)" % x)

            add("| %s | %s | %s | %s |" % (r["label"], ratio("abi3audit", TARGET_ABI3AUDIT_RATIO, r["wheel"]),
                                           ratio("auditwheel", TARGET_AUDITWHEEL_RATIO, r["wheel"]),
                                           ratio("llvm", TARGET_LLVM_RATIO, True)))
        add("")

    if "realwheels" in data:
        add("### The real-wheel set\n")
        add("Every wheel over 1 MiB pinned in `tests/realworld/wheels.toml` (read from its cache): `extinspect WHEEL`, "
            "`abi3audit --summary [--assume-minimum-abi3 3.X] WHEEL` (3.X from a version-specific wheel's tag, none for "
            "abi3) and `auditwheel show WHEEL` (Linux wheels). Inflated: the bytes of the binary members the inspector "
            "inflated (its reader's count, `inspector/inspector/examples/bytes_read.rs`) of their declared total.\n")
        add("| wheel | size | inflated | extinspect | abi3audit | auditwheel show | abi3audit ÷ extinspect (≥ %g×) | auditwheel ÷ extinspect (≥ %g×) |" % (
            TARGET_ABI3AUDIT_RATIO, TARGET_AUDITWHEEL_RATIO))
        add("|---|---|---|---|---|---|---|---|")
        for r in data["realwheels"]:
            t = r["tools"]
            base = t["extinspect"]["median"]

            def ratio(key):
                s = t.get(key)
                if not s:
                    return "n/a"
                if s.get("error"):
                    return "failed"
                x = s["median"] / base
                return "%.1f× %s" % (x, verdict(x >= TARGET_WHEEL_RATIO[key]))

            share = "%.1f of %.1f MiB (%.0f%%)" % (r["inflated"] / MIB, r["members"] / MIB, 100.0 * r["inflated"] / r["members"]) if r["members"] else "n/a"
            add("| %s | %.1f MiB | %s | %s | %s | %s | %s | %s |" % (
                r["wheel"], r["size"] / MIB, share, fmt_cell(t.get("extinspect")), fmt_cell(t.get("abi3audit")),
                fmt_cell(t.get("auditwheel")), ratio("abi3audit"), ratio("auditwheel")))
        total = sum(r["members"] for r in data["realwheels"])
        inflated = sum(r["inflated"] for r in data["realwheels"])
        if total:
            add("")
            add("Inflated in all: %.1f of %.1f MiB (%.1f%%)." % (inflated / MIB, total / MIB, 100.0 * inflated / total))
        add("")
    if "memory" in data:
        mem = data["memory"]
        add("### Peak memory against file size\n")
        add("extinspect on %s, padded with zeros: as a file (sparse, made with `truncate`; only the headers' pages "
            "are ever read) and as the one member of a wheel (deflated; inflated only as far as the checks read).\n" % mem["module"])
        add("| input | member or file size | on disk | time | peak RSS |\n|---|---|---|---|---|")
        for r in mem["rows"]:
            add("| %s | %s | %.1f MiB | %s (%s–%s) | %.1f MiB |" % (
                "file" if r["kind"] == "file" else "wheel member", r["label"] if r["label"] != "unpadded" else "%d bytes (unpadded)" % r["size"],
                r["disk"] / MIB, ms(r["median"]), ms(r["min"]), ms(r["max"]), r["rss_mib"]))
        files = [r for r in mem["rows"] if r["kind"] == "file"]
        members = [r for r in mem["rows"] if r["kind"] == "wheel"]
        add("")
        if files:
            growth = files[-1]["rss_mib"] - files[1]["rss_mib"]
            add("- Files: peak RSS at %s − at %s = %+.1f MiB for %.0f× the size: %s (flat: within %g MiB)." % (
                files[-1]["label"], files[1]["label"], growth, files[-1]["size"] / files[1]["size"],
                verdict(growth <= FLAT_SLACK_MIB), FLAT_SLACK_MIB))
        if len(members) >= 2:
            growth = members[-1]["rss_mib"] - members[0]["rss_mib"]
            add("- Wheel members: peak RSS at %s − at %s = %+.1f MiB: %s (flat: within %g MiB; the module's "
                "hook is exported, so its member is inflated only as far as the tables the loader reads)." % (
                    members[-1]["label"], members[0]["label"], growth, verdict(growth <= FLAT_SLACK_MIB), FLAT_SLACK_MIB))
        add("")

    if "harness" in data:
        h = data["harness"]
        add("### extharness against a minimal Python loop\n")
        add("`clean_multiphase` (the clean sample) per interpreter, the scenarios a plain Python loop can do: "
            "`import`, `reimport` (9 re-imports: 3 warm-ups + 6 runs), `subinterpreter-legacy`, "
            "`subinterpreter-isolated` (3.12+) and `shutdown`, one child interpreter each, `--jobs 1`. "
            "Overhead = harness ÷ loop − 1. `reinit` needs an embedding host (no Python loop can "
            "re-initialise the runtime it runs in), so it is only in the informative last column, the default "
            "scenarios.\n")
        add("| CPython | children (loop) | minimal loop | extharness | overhead (< %d%%) | extharness, default scenarios |" % (TARGET_OVERHEAD * 100))
        add("|---|---|---|---|---|---|")
        for r in h["rows"]:
            over = r["harness"]["median"] / r["loop"]["median"] - 1
            add("| %s | %d | %s | %s | %+.0f%% %s | %s |" % (
                r["version"], len(r["scenarios"]), fmt_cell(r["loop"]), fmt_cell(r["harness"]), over * 100,
                verdict(over < TARGET_OVERHEAD), fmt_cell(r["harness-default"])))
        j = h["jobs"]
        if j.get("jobs 1") and j.get("jobs 2"):
            speed = j["jobs 1"]["median"] / j["jobs 2"]["median"]
            add("")
            add("| every interpreter (%d modules, default scenarios) | --jobs 1 | --jobs 2 | speed-up (≥ %.1f×) |" % (h["modules"], TARGET_SPEEDUP))
            add("|---|---|---|---|")
            add("| | %s | %s | %.2f× %s |" % (fmt_cell(j["jobs 1"]), fmt_cell(j["jobs 2"]), speed, verdict(speed >= TARGET_SPEEDUP)))
        add("")
    return "\n".join(out)


def write(path, block):
    path = Path(path)
    text = path.read_text("utf-8") if path.exists() else "# Performance\n\n%s\n%s\n" % (BEGIN, END)
    if BEGIN not in text or END not in text:
        text = text.rstrip("\n") + "\n\n%s\n%s\n" % (BEGIN, END)
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    path.write_text(head + BEGIN + "\n" + block.rstrip("\n") + "\n" + END + tail, "utf-8")
    log("wrote %s" % path)


def tool_path(*names):
    for name in names:
        hit = shutil.which(name)
        if hit:
            return Path(hit)
    raise Failed("none of %s on PATH" % ", ".join(names))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a trial; the figures are noisier)")
    parser.add_argument("--write", metavar="FILE", help="put the tables between the side-by-side markers of FILE (docs/performance.md)")
    parser.add_argument("--no-build", action="store_true", help="use target/release and target/samples as they are")
    parser.add_argument("--sections", default="tools,realwheels,memory,harness", help="comma-separated subset of tools,realwheels,memory,harness (default: all)")
    parser.add_argument("--note", help="a line shown above the tables (e.g. that the machine was busy)")
    parser.add_argument("--rerender", action="store_true", help="measure nothing: render %s again (with --write, into FILE)" % RESULTS.relative_to(ROOT))
    args = parser.parse_args()
    if args.rerender:
        block = render(json.loads(RESULTS.read_text()))
        print(block)
        if args.write:
            write(args.write, block)
        return 0
    sections = set(args.sections.split(","))
    started = time.time()
    load_start = os.getloadavg()

    build(args)
    launcher()
    extinspect, extharness = binary("extinspect"), binary("extharness")
    abi3audit, auditwheel = venv()
    wheel_paths = wheels()
    pythons = interpreters()
    llvm_nm = tool_path("llvm-nm", *("llvm-nm-%d" % v for v in range(20, 13, -1)))
    llvm_readobj = tool_path("llvm-readobj", *("llvm-readobj-%d" % v for v in range(20, 13, -1)))

    command = "python3 tests/bench/side_by_side.py" + "".join(" " + shlex.quote(a) for a in sys.argv[1:])
    data = {"quick": args.quick, "note": args.note, "command": command,
            "started": time.strftime("%Y-%m-%d %H:%M %Z", time.localtime(started)), "load_start": load_start}
    data["machine"] = machine(extinspect, extharness, llvm_nm, llvm_readobj, abi3audit, auditwheel, pythons)
    with tempfile.TemporaryDirectory(prefix="side-by-side-") as cwd:
        data["floor"] = measure([Tool("true", [["/bin/true"]])], {"true": 5}, cwd)["true"]
        if "tools" in sections:
            data["tools"] = tools_section(args, extinspect, llvm_nm, llvm_readobj, abi3audit, auditwheel, pythons, wheel_paths, cwd)
        if "realwheels" in sections:
            data["realwheels"] = realwheels_section(args, extinspect, abi3audit, auditwheel, cwd)
        if "memory" in sections:
            data["memory"] = memory_section(args, extinspect, pythons, cwd)
        if "harness" in sections:
            data["harness"] = harness_section(args, extharness, pythons, cwd)
    data["elapsed"] = time.time() - started
    data["load_end"] = os.getloadavg()
    RESULTS.write_text(json.dumps(data, indent=1, default=str))
    block = render(data)
    print(block)
    if args.write:
        write(args.write, block)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (Failed, subprocess.CalledProcessError) as e:
        log("side_by_side: %s" % e)
        sys.exit(2)
