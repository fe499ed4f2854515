#!/usr/bin/env python3
"""Writes tests/realworld/wheels.toml: the real wheels extinspect is proven
on (tests/tests/inspector_realworld.rs), chosen from PyPI's JSON API.

    python3 tests/realworld/pick_wheels.py            # rewrite wheels.toml
    python3 tests/realworld/pick_wheels.py --latest   # newest releases instead of PINNED

Each project below names the files it wants as globs over the wheel's tags,
`python-abi-platform` (the platform as the file name has it, compressed
tags and all). Of the files of the release a glob matches, the smallest is
taken (the same project's smaller wheel proves the same). A glob that
matches nothing fails the run: the list says what it covers. Every file is
pinned by name, version, file name and the sha256 PyPI gives (`digests`);
the test downloads each once and checks it.

The index is the one pip uses by default, so the script runs wherever pip
does.
"""

import argparse
import fnmatch
import json
import pathlib
import sys
import urllib.parse
import urllib.request

from pip._internal.models.index import PyPI  # the index pip uses by default

# (project, language, version or None for the newest, [tag globs], note)
PROJECTS = [
    ("pyarrow", "C++ and Cython", "26.0.1", [
        "cp313-cp313-manylinux*_x86_64",
        "cp314-cp314t-manylinux*_aarch64",
        "cp312-cp312-win_amd64",
    ], "libarrow_python*.so: libraries beside the modules"),
    ("numpy", "C, C++ and Cython", "2.5.5", [
        "cp312-cp312-manylinux*_x86_64",
        "cp314-cp314t-manylinux*_x86_64",
        "cp313-cp313-win_arm64",
        "cp315-cp315-macosx_*_arm64",
        "cp314-cp314-manylinux*_x86_64",
        "cp315-cp315-manylinux*_x86_64",
        "cp315-cp315t-manylinux*_x86_64",
    ], None),
    ("lxml", "Cython", "6.2.1", [
        "cp312-cp312-manylinux*_x86_64",
        "cp315-cp315t-manylinux*_x86_64",
        "cp313-cp313-win_amd64",
        "cp315-cp315-manylinux*_x86_64",
    ], None),
    ("charset-normalizer", "mypyc", "3.5.3", [
        "cp312-cp312-manylinux*_x86_64",
        "cp313-cp313-win_amd64",
        "cp314-cp314t-manylinux*_aarch64",
        "cp311-cp311-macosx_*_universal2",
    ], "mypyc, one module per source file (no shared library)"),
    ("charset-normalizer", "mypyc", "3.4.6", [
        "cp312-cp312-manylinux*_x86_64",
        "cp313-cp313-win_amd64",
    ], "mypyc: the shared 81d243bd2c585b0f4821__mypyc module at the top level"),
    ("tomli", "mypyc", "2.5.0", [
        "cp315-cp315-musllinux*_x86_64",
        "cp313-cp313-win_arm64",
    ], None),
    ("black", "mypyc", "26.10.1", [
        "cp313-cp313-manylinux*_x86_64",
    ], None),
    ("cffi", "C", "2.1.1", [
        "cp312-cp312-win_amd64",
        "cp314-cp314t-manylinux*_x86_64",
        "cp313-cp313-musllinux*_x86_64",
        "cp314-cp314-manylinux*_x86_64",
    ], None),
    ("pillow", "C", "13.0.0", [
        "cp312-cp312-win_amd64",
        "cp315-cp315t-manylinux*_aarch64",
        "cp313-cp313-macosx_*_arm64",
    ], None),
    ("psutil", "C, abi3", "7.2.2", [
        "cp37-abi3-win_amd64",
        "cp36-abi3-manylinux*_x86_64",
        "cp37-abi3-win_arm64",
        "cp314-cp314t-manylinux*_x86_64",
    ], None),
    ("markupsafe", "C", "3.0.4", [
        "cp315-cp315t-manylinux*_x86_64",
        "cp313-cp313-win_arm64",
        "cp39-cp39-macosx_*_x86_64",
        "cp314-cp314t-manylinux*_x86_64",
        "cp314-cp314-manylinux*_x86_64",
        "cp315-cp315-manylinux*_x86_64",
    ], None),
    ("msgspec", "C", "0.23.0", [
        "cp314-cp314t-manylinux*_x86_64",
        "cp312-cp312-win_amd64",
        "cp314-cp314-manylinux*_x86_64",
        "cp315-cp315-manylinux*_x86_64",
        "cp315-cp315t-manylinux*_x86_64",
    ], None),
    ("pyyaml", "C (libyaml) and Cython", "6.0.4", [
        "cp314-cp314t-manylinux*_x86_64",
        "cp314-cp314-manylinux*_x86_64",
    ], None),
    ("ujson", "C", "6.1.0", [
        "cp314-cp314t-manylinux*_x86_64",
        "cp314-cp314-manylinux*_x86_64",
    ], None),
    ("regex", "C", "2026.12.2", [
        "cp314-cp314t-manylinux*_x86_64",
        "cp314-cp314-manylinux*_x86_64",
    ], None),
    ("yyjson", "C", "4.0.6", [
        "cp312-cp312-manylinux*_x86_64",
        "cp313-cp313-win_amd64",
        "cp39-cp39-macosx_*_universal2",
    ], "cyyjson.abi3.so in a cp3X-cp3X wheel, using the full API"),
    ("zstandard", "C and CFFI", "0.25.0", [
        "cp312-cp312-manylinux*_x86_64",
        "cp313-cp313-win_amd64",
    ], "its _cffi module"),
    ("pyzmq", "Cython (C++ libzmq)", "27.3.0", [
        "cp312-abi3-manylinux*_x86_64",
        "cp312-abi3-win_amd64",
        "cp315-cp315t-musllinux*_aarch64",
    ], None),
    ("greenlet", "C++", "3.5.6", [
        "cp314-cp314t-manylinux*_x86_64",
        "cp312-cp312-win_amd64",
        "cp314-cp314-manylinux*_x86_64",
    ], None),
    ("contourpy", "C++ (pybind11)", "1.4.0", [
        "cp313-cp313-macosx_*_arm64",
        "cp312-cp312-win_amd64",
    ], None),
    ("kiwisolver", "C++ (pybind11)", "1.5.1", [
        "cp314-cp314-musllinux*_x86_64",
    ], None),
    ("google-re2", "C++ (pybind11)", "1.1.20251105", [
        "cp312-cp312-win_amd64",
    ], "delvewheel: google_re2.libs/msvcp140-<hash>.dll"),
    ("shapely", "C (GEOS, C++)", "2.2.0", [
        "cp313-cp313-win_amd64",
    ], "delvewheel: shapely.libs/ with geos and msvcp140-<hash>.dll"),
    ("rapidfuzz", "C++ and Cython", "3.14.6", [
        "cp312-cp312-win_amd64",
        "cp313-cp313-win_arm64",
    ], "delvewheel: rapidfuzz.libs/msvcp140-<hash>.dll"),
    ("msgpack", "Cython", None, [
        "cp313-cp313-win_arm64",
    ], None),
    ("frozenlist", "Cython", None, [
        "cp314-cp314t-manylinux*_x86_64",
        "cp314-cp314-manylinux*_x86_64",
    ], None),
    ("propcache", "Cython", None, [
        "cp315-cp315-manylinux*_x86_64",
    ], None),
    ("orjson", "Rust (PyO3)", "3.13.0", [
        "cp312-cp312-manylinux*_x86_64",
        "cp314-cp314-win_amd64",
        "cp315-cp315-musllinux*_aarch64",
    ], None),
    ("pydantic-core", "Rust (PyO3)", "2.50.5", [
        "cp314-cp314t-manylinux*_x86_64",
        "cp313-cp313-macosx_*_x86_64",
        "cp314-cp314-manylinux*_x86_64",
        "cp315-cp315-manylinux*_x86_64",
        "cp315-cp315t-manylinux*_x86_64",
    ], None),
    ("rpds-py", "Rust (PyO3)", None, [
        "cp315-cp315t-manylinux*_x86_64",
        "cp315-cp315-manylinux*_x86_64",
    ], None),
    ("jiter", "Rust (PyO3)", None, [
        "cp311-cp311-win_arm64",
    ], None),
    ("bcrypt", "Rust (PyO3), abi3", "5.0.0", [
        "cp39-abi3-manylinux_*_x86_64",
        "cp39-abi3-win_amd64",
        "cp314-cp314t-musllinux*_aarch64",
    ], None),
    ("cryptography", "Rust (PyO3), abi3", "51.0.1", [
        "cp311-abi3-manylinux_*_x86_64",
        "cp315-abi3.abi3t-manylinux_*_x86_64",
        "cp39-abi3-win_amd64",
        "cp311-abi3-macosx_*_arm64",
    ], None),
    ("tokenizers", "Rust (PyO3), abi3", None, [
        "cp310-abi3-musllinux*_x86_64",
    ], None),
    ("argon2-cffi-bindings", "CFFI, abi3", "26.2.0", [
        "cp310-abi3-manylinux*_x86_64",
        "cp315-abi3.abi3t-win_amd64",
    ], None),
    ("pynacl", "CFFI, abi3", None, [
        "cp38-abi3-macosx_*_universal2",
    ], None),
    ("brotlicffi", "CFFI, abi3", None, [
        "cp39-abi3-win_amd64",
    ], None),
]


def release(name, version):
    base = PyPI.pypi_url.rstrip("/") + "/"
    url = urllib.parse.urljoin(base, f"{name}/json")
    with urllib.request.urlopen(url, timeout=60) as response:
        data = json.load(response)
    version = version or data["info"]["version"]
    if version not in data["releases"]:
        sys.exit(f"{name}: no release {version}")
    return version, data["releases"][version]


def tags(filename):
    # name-version(-build)?-python-abi-platform.whl
    parts = filename[: -len(".whl")].split("-")
    return "-".join(parts[-3:])


def pick(latest):
    wheels = []
    for name, language, version, globs, note in PROJECTS:
        version, files = release(name, None if latest else version)
        files = [f for f in files if f["filename"].endswith(".whl") and not f.get("yanked")]
        for glob in globs:
            matches = [f for f in files if fnmatch.fnmatchcase(tags(f["filename"]), glob)]
            if not matches:
                sys.exit(f"{name} {version}: no wheel matches {glob}")
            chosen = min(matches, key=lambda f: (f["size"], f["filename"]))
            wheels.append({
                "name": name,
                "version": version,
                "language": language,
                "file": chosen["filename"],
                "sha256": chosen["digests"]["sha256"],
                "size": chosen["size"],
                "note": note,
            })
    return wheels


def toml(wheels):
    total = sum(w["size"] for w in wheels)
    out = [
        "# Real wheels from PyPI that extinspect is proven on",
        "# (tests/tests/inspector_realworld.rs), each pinned by name, version, file",
        "# name and sha256 (PyPI's `digests`, checked after the download). Written by",
        "# tests/realworld/pick_wheels.py: edit its PROJECTS and rerun it, never this",
        "# file by hand. What extinspect reports on them is",
        "# tests/realworld/inspector-expectations.toml.",
        f"# {len(wheels)} wheels, {total / 1e6:.0f} MB.",
        "",
    ]
    for w in wheels:
        out.append("[[wheel]]")
        for key in ("name", "version", "language", "file", "sha256"):
            out.append(f"{key} = {json.dumps(w[key])}")
        out.append(f"size = {w['size']}")
        if w["note"]:
            out.append(f"note = {json.dumps(w['note'])}")
        out.append("")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latest", action="store_true", help="newest releases, not PROJECTS' versions")
    parser.add_argument("--out", default=pathlib.Path(__file__).with_name("wheels.toml"), type=pathlib.Path)
    args = parser.parse_args()
    wheels = pick(args.latest)
    args.out.write_text(toml(wheels))
    total = sum(w["size"] for w in wheels)
    print(f"{args.out}: {len(wheels)} wheels, {total / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
