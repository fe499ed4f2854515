#!/usr/bin/env python3
"""extharness's wall time per module on the real packages' set.

The metric (issue 21): for each extension module of the [[distribution]]
packages of tests/realworld/distributions.toml, installed in the cp312 venv
the realworld test keeps in its cache (`$XDG_CACHE_HOME` or `~/.cache`,
`extinspect/realworld/cp312-*/`), the wall time of one

    extharness check --python <venv>/bin/python --format json <module.so>

with the default scenarios and the default jobs; the median over the
modules. Each binary given is run on every module, the binaries in turn
module by module (interleaved, so that a machine busy with other work
weighs on each alike), `--rounds` times; a module's time is its median over
the rounds. The findings of each run (module, check) are kept too, so that
two binaries can be seen to find the same.

    python3 tests/bench/harness_per_module.py BINARY [BINARY...]
        [--venv DIR] [--rounds N] [--sample N] [--label NAME...]

Prints a table and writes target/bench/harness_per_module.json. Standard
library only.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cache_root():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return Path(base) / "extinspect" / "realworld"


def newest_cp312_venv():
    venvs = [
        d
        for d in cache_root().glob("cp312-*")
        if (d / "extinspect-installed").exists() and (d / "bin" / "python").exists()
    ]
    if not venvs:
        sys.exit(
            f"no cp312 venv in {cache_root()}: run `cargo test -p tests --test realworld` once"
        )
    return max(venvs, key=lambda d: (d / "extinspect-installed").stat().st_mtime)


def site_packages(venv):
    found = sorted(venv.glob("lib/python3.*/site-packages"))
    if not found:
        sys.exit(f"{venv}: no site-packages")
    return found[0]


def modules(site):
    """The extension modules of the [[distribution]] packages, sorted."""
    pinned = tomllib.loads((ROOT / "tests/realworld/distributions.toml").read_text())
    packages = [d["package"] for d in pinned["distribution"]]
    found = []
    for so in site.rglob("*.so"):
        relative = so.relative_to(site).as_posix()
        top = relative.split("/", 1)[0]
        name = top.split(".", 1)[0]
        # A package's directory (not `numpy.libs`, vendored libraries), or
        # a top-level module file.
        inside = "/" in relative and top == name
        if name in packages and (inside or ("/" not in relative)):
            found.append(so)
    return sorted(found)


def intermittent():
    """`module check` of the findings listed as intermittent."""
    listed = tomllib.loads((ROOT / "tests/realworld/expectations.toml").read_text())
    return {
        f"{m} {f['check']}"
        for f in listed.get("finding", [])
        if f.get("intermittent") and "3.12" in f.get("python", [])
        for m in f["modules"]
    }


def sample(paths, n):
    """`n` modules spread evenly over the sorted list (fixed, not random)."""
    if n is None or n >= len(paths):
        return paths
    step = len(paths) / n
    return [paths[int(i * step)] for i in range(n)]


def run(binary, python, module):
    start = time.perf_counter()
    done = subprocess.run(
        [binary, "check", "--python", str(python), "--format", "json", str(module)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd="/",
    )
    wall = time.perf_counter() - start
    findings = []
    errors = []
    try:
        report = json.loads(done.stdout)
        for m in report.get("modules", []):
            for ran in m.get("interpreters", []):
                for f in ran.get("findings", []):
                    findings.append(f"{m.get('module')} {f.get('check')}")
                for s in ran.get("scenarios", []):
                    if s.get("outcome") == "error":
                        errors.append(f"{m.get('module')} {s.get('name')}: {s.get('detail')}")
    except (ValueError, AttributeError) as e:
        errors.append(f"no JSON report ({e}); exit {done.returncode}: {done.stderr[-300:]!r}")
    return wall, sorted(set(findings)), errors, done.returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binaries", nargs="+", type=Path, help="extharness binaries")
    parser.add_argument("--label", nargs="*", help="a name per binary (default: file name)")
    parser.add_argument("--venv", type=Path, help="default: the newest cached cp312 venv")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--sample", type=int, help="this many modules, spread evenly")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "target/bench/harness_per_module.json"
    )
    args = parser.parse_args()
    labels = args.label or [b.name for b in args.binaries]
    if len(labels) != len(args.binaries):
        sys.exit("one --label per binary")
    venv = args.venv or newest_cp312_venv()
    python = venv / "bin" / "python"
    site = site_packages(venv)
    chosen = sample(modules(site), args.sample)
    print(f"venv {venv}, {len(chosen)} modules, {args.rounds} round(s)", file=sys.stderr)

    times = {label: {} for label in labels}
    findings = {label: {} for label in labels}
    errors = {label: {} for label in labels}
    for round_ in range(args.rounds):
        for module in chosen:
            name = module.relative_to(site).as_posix()
            # Alternate which binary goes first, round by round.
            order = list(zip(labels, args.binaries))
            if round_ % 2:
                order.reverse()
            for label, binary in order:
                wall, found, errs, _ = run(binary.resolve(), python, module)
                times[label].setdefault(name, []).append(wall)
                findings[label].setdefault(name, set()).update(found)
                if errs:
                    errors[label].setdefault(name, []).extend(errs)
                print(f"  {name:70} {label:12} {wall:6.2f} s", file=sys.stderr)

    names = [m.relative_to(site).as_posix() for m in chosen]
    width = max(len(n) for n in names)
    header = f"{'module':{width}} " + " ".join(f"{l:>12}" for l in labels)
    print(header)
    print("-" * len(header))
    for n in names:
        cells = " ".join(f"{statistics.median(times[l][n]):11.2f}s" for l in labels)
        print(f"{n:{width}} {cells}")
    print("-" * len(header))
    medians = {l: statistics.median(statistics.median(v) for v in times[l].values()) for l in labels}
    totals = {l: sum(statistics.median(v) for v in times[l].values()) for l in labels}
    print(f"{'median per module':{width}} " + " ".join(f"{medians[l]:11.2f}s" for l in labels))
    print(f"{'sum of the modules':{width}} " + " ".join(f"{totals[l]:11.2f}s" for l in labels))
    if len(labels) > 1:
        base = labels[0]
        for l in labels[1:]:
            print(f"{l} / {base}: median {medians[l] / medians[base]:.2f}")
        # Findings tests/realworld/expectations.toml lists as intermittent
        # (found in some runs only) may come and go between two runs.
        flaky = intermittent()
        steady = lambda found: {f for f in found if f not in flaky}
        same = all(findings[l] == findings[base] for l in labels[1:])
        same_steady = all(
            steady(findings[l][n]) == steady(findings[base][n]) for l in labels[1:] for n in names
        )
        if same:
            print("findings identical across binaries")
        elif same_steady:
            print("findings identical across binaries but for intermittent ones")
        else:
            print("FINDINGS DIFFER")
        if not same:
            for l in labels[1:]:
                for n in names:
                    if findings[l].get(n) != findings[base].get(n):
                        print(f"  {n}: {base} {sorted(findings[base].get(n, []))} "
                              f"{l} {sorted(findings[l].get(n, []))}")
    for l in labels:
        for n, errs in errors[l].items():
            print(f"{l}: {n}: {errs[0]}")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "venv": str(venv),
                "rounds": args.rounds,
                "load": os.getloadavg(),
                "binaries": {l: str(b) for l, b in zip(labels, args.binaries)},
                "median_s": medians,
                "sum_s": totals,
                "modules": {
                    n: {
                        l: {
                            "times_s": times[l][n],
                            "findings": sorted(findings[l][n]),
                            "errors": errors[l].get(n, []),
                        }
                        for l in labels
                    }
                    for n in names
                },
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {args.out}", file=sys.stderr)
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
