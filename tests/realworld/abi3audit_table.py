#!/usr/bin/env python3
"""Writes docs/abi3audit.md: extinspect and abi3audit on every abi3 wheel
of tests/realworld/wheels.toml (abi3 in the wheel's ABI tag, or a member
named `*.abi3.*`), member by member, and where the two disagree, why.

    cargo build -p extinspect
    cargo test -p tests --test inspector_realworld    # downloads the wheels
    python3 tests/realworld/abi3audit_table.py [--extinspect PATH]

abi3audit (ABI3AUDIT_VERSION) is installed by pip into a venv in the cache
(`$XDG_CACHE_HOME` or `~/.cache`, `extinspect/abi3audit-<version>/`) the
first time. The wheels are read from the test's cache
(`extinspect/realworld-wheels/<sha256>/<file>`). Compared: abi3audit's
`non_abi3_symbols` and `future_abi3_objects` (symbols newer than the
baseline it assumed) against the symbols of extinspect's `abi3-violation`
findings. Needs Python 3.11+ (tomllib) and llvm-nm (which symbols a member
defines).
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import tomllib
import zipfile

ABI3AUDIT_VERSION = "0.0.26"
HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def cache_base():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.environ["HOME"], ".cache")
    return pathlib.Path(base) / "extinspect"


def abi3audit():
    venv = cache_base() / f"abi3audit-{ABI3AUDIT_VERSION}"
    exe = venv / "bin" / "abi3audit"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                        f"abi3audit=={ABI3AUDIT_VERSION}"], check=True)
    return exe


def is_abi3(wheel, path):
    abi = wheel["file"][: -len(".whl")].split("-")[-2]
    if "abi3" in abi.split("."):
        return True
    return any(".abi3." in n or ".abi3t" in n for n in zipfile.ZipFile(path).namelist())


def defined_symbols(path, member):
    """What the member defines (exports), by llvm-nm."""
    with tempfile.TemporaryDirectory() as tmp:
        file = pathlib.Path(tmp) / "member"
        file.write_bytes(zipfile.ZipFile(path).read(member))
        out = subprocess.run(["llvm-nm", "--defined-only", "--extern-only", "--format=just-symbols",
                              str(file)], capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        line = line.strip()
        if line and not line.endswith(":"):
            names.add(line)
            names.add(line[1:] if line.startswith("_") else line)  # Mach-O's leading underscore
    return names


def why(symbol, audit, inspected, defined):
    """The reason one symbol is listed by one tool and not the other."""
    in_audit = symbol in audit["non_abi3_symbols"] or symbol in audit["future_abi3_objects"]
    if in_audit:
        if symbol.startswith("PyModExport_"):
            return ("abi3audit only", "an export, not an import: the PEP 793 export hook of a module "
                    "this file defines (`PyModExport_<name>`); abi3audit reads every `Py*` symbol of "
                    "the dynamic table as one the module uses")
        if symbol in defined:
            return ("abi3audit only", "defined by the module itself, not imported from CPython; "
                    "extinspect checks the imports only")
        if symbol in audit["future_abi3_objects"]:
            added = audit["future_abi3_objects"][symbol]
            return ("abi3audit only", f"in the stable ABI since {added}: abi3audit's baseline is "
                    f"{audit['baseline']}, extinspect's floor {inspected['floor']}"
                    + (" (from the wheel's cpXY tag)" if inspected["floor"] else ""))
        return ("abi3audit only", "TODO")
    return ("extinspect only", "TODO")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extinspect", help="the extinspect binary (default: target/debug/extinspect "
                        "under $CARGO_TARGET_DIR or the clone)")
    parser.add_argument("--out", default=ROOT / "docs" / "abi3audit.md", type=pathlib.Path)
    args = parser.parse_args()
    extinspect = args.extinspect or str(
        pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "debug" / "extinspect")
    wheels = tomllib.loads((HERE / "wheels.toml").read_text())["wheel"]
    cache = cache_base() / "realworld-wheels"
    audit_exe = abi3audit()
    version = subprocess.run([str(audit_exe), "--version"], capture_output=True, text=True).stdout.strip()
    ext_version = subprocess.run([extinspect, "--version"], capture_output=True, text=True).stdout.strip()

    rows, differences = [], []
    for wheel in wheels:
        path = cache / wheel["sha256"] / wheel["file"]
        if not path.is_file():
            sys.exit(f"{path}: not downloaded (run cargo test -p tests --test inspector_realworld)")
        if not is_abi3(wheel, path):
            continue
        report = json.loads(subprocess.run([str(audit_exe), "--report", str(path)], capture_output=True,
                                           text=True).stdout)  # 1: violations found
        audited = {}
        for spec in report["specs"].values():
            for member in spec.get("wheel", []):
                audited[member["name"]] = member["result"]
        inspected = {}
        outcome = json.loads(subprocess.run([extinspect, "--format", "json", str(path)], capture_output=True,
                                            text=True).stdout)
        for file in outcome["files"]:
            member = file["path"].split(".whl!", 1)[1]
            tag = file.get("tag") or {}
            if not tag.get("abi3") and os.path.basename(member) not in audited:
                continue
            symbols = set()
            for finding in file["findings"]:
                if finding["check"] == "abi3-violation":
                    symbols.update(finding.get("symbols", []))
            inspected[member] = {"symbols": symbols, "floor": tag.get("abi3_min"),
                                 "checks": sorted({f["check"] for f in file["findings"]
                                                   if f["severity"] != "info"})}
        for member, found in sorted(inspected.items()):
            audit = audited.get(os.path.basename(member))
            if audit is None:
                rows.append((wheel["file"], member, "not audited", ", ".join(sorted(found["symbols"])) or "none", "no"))
                differences.append((wheel["file"], member, "(the whole file)", "extinspect only",
                                    "abi3audit does not audit it (its name is not abi3 to abi3audit)"))
                continue
            flagged = set(audit["non_abi3_symbols"]) | set(audit["future_abi3_objects"])
            agree = flagged == found["symbols"]
            audit_text = (f"baseline {audit['baseline']}, computed {audit['computed']}; "
                          + (", ".join(f"`{s}`" for s in sorted(audit["non_abi3_symbols"])) or "no violations")
                          + ("; newer: " + ", ".join(f"`{s}` ({v})" for s, v in sorted(audit["future_abi3_objects"].items()))
                             if audit["future_abi3_objects"] else ""))
            if len(audit["non_abi3_symbols"]) > 6:
                audit_text = (f"baseline {audit['baseline']}; {len(audit['non_abi3_symbols'])} symbols: "
                              + ", ".join(f"`{s}`" for s in sorted(audit["non_abi3_symbols"])[:3]) + ", ...")
            ext_text = (f"floor {found['floor']}; "
                        + (", ".join(f"`{s}`" for s in sorted(found["symbols"])) or "no abi3-violation"))
            rows.append((wheel["file"], member, audit_text, ext_text, "yes" if agree else "no"))
            if agree:
                continue
            defined = defined_symbols(path, member)
            by_reason = {}
            for symbol in sorted(flagged ^ found["symbols"]):
                side, reason = why(symbol, audit, found, defined)
                by_reason.setdefault((side, reason), []).append(symbol)
            for (side, reason), symbols in by_reason.items():
                shown = ", ".join(f"`{s}`" for s in symbols[:4]) + (f" and {len(symbols) - 4} more"
                                                                    if len(symbols) > 4 else "")
                differences.append((wheel["file"], member, shown, side, reason))

    lines = [
        "# extinspect and abi3audit on real abi3 wheels",
        "",
        "Generated by `python3 tests/realworld/abi3audit_table.py` (after `cargo build -p extinspect` and",
        "`cargo test -p tests --test inspector_realworld`, which downloads the wheels); do not edit by hand.",
        f"Tools: {ext_version}, {version}. The wheels: every one of",
        "[tests/realworld/wheels.toml](../tests/realworld/wheels.toml) whose ABI tag is abi3 (or abi3t), or",
        "that holds a member named `*.abi3.*`.",
        "",
        "Compared, member by member: what abi3audit reports (`non_abi3_symbols`, and",
        "`future_abi3_objects`: stable-ABI symbols newer than the baseline it assumed) against the symbols",
        "of extinspect's `abi3-violation` findings. extinspect's floor is the version it assumed the",
        "module must load in: the wheel's `cpXY` tag, `--abi3-min`, or 3.2.",
        "",
        "## Where they disagree, and why",
        "",
        "Three kinds of difference: abi3audit lists `Py*` symbols the module defines or exports itself",
        "(yyjson's `PyMem_Allocator` variable; the `PyModExport_*` hooks of PEP 793 that cryptography's",
        "abi3t module exports) as if the module used them; and the two assume different floors where",
        "the wheel is not tagged abi3 (yyjson ships `cyyjson.abi3.so` in `cp3X-cp3X` wheels: abi3audit",
        "assumes 3.2, extinspect the wheel's `cpXY`), so abi3audit reports symbols added in 3.3-3.10",
        "that extinspect's floor already has. Both report yyjson's real violations (`PyObject_CallOneArg`,",
        "`PyUnicode_New`). Neither reads the floor of an installed `*.abi3.so` from its dist-info (both",
        "assume 3.2 there): see `abi3-violation` in tests/realworld/inspector-expectations.toml.",
        "",
        "| wheel | member | symbols | reported by | why |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {w} | `{m}` | {s} | {side} | {r} |" for w, m, s, side, r in differences]
    if not differences:
        lines.append("| | | | | they agree on every member |")
    lines += [
        "",
        "## Every member",
        "",
        "| wheel | member | abi3audit | extinspect | same symbols |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {w} | `{m}` | {a} | {e} | {same} |" for w, m, a, e, same in rows]
    args.out.write_text("\n".join(lines) + "\n")
    print(f"{args.out}: {len(rows)} members, {len(differences)} differences")


if __name__ == "__main__":
    main()
