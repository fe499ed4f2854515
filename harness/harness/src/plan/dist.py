# Asked of an interpreter by `extharness check --dist NAME`: the extension
# modules an installed distribution owns, from its RECORD, as absolute paths.
# Prints one JSON object. Runs on CPython 3.8 and newer (importlib.metadata).
import importlib.machinery
import json
import os
import sys


def files(name):
    try:
        from importlib import metadata
    except ImportError:
        return {"error": "reading installed distributions needs CPython 3.8 or newer"}
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return {"version": None, "files": []}
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    found = []
    for path in dist.files or []:
        if str(path).endswith(suffixes):
            located = os.path.abspath(str(dist.locate_file(path)))
            if os.path.isfile(located):
                found.append(located)
    return {"version": dist.version, "files": sorted(found)}


json.dump(files(sys.argv[1]), sys.stdout)
