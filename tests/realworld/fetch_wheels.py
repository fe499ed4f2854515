"""Downloads the pinned wheels tests/tests/inspector_realworld.rs reads,
into its cache: one `<sha256>/<file>` each, written only once its sha256
is checked. Reads `name file sha256` lines on stdin and the cache
directory as argv[1]; the index is the one pip uses by default (its JSON
API gives each file's address). Several at a time; prints one line per
download; exits 1 naming every file it could not get."""

import concurrent.futures
import hashlib
import json
import os
import pathlib
import sys
import urllib.parse
import urllib.request

from pip._internal.models.index import PyPI

cache = pathlib.Path(sys.argv[1])
wanted = [line.split() for line in sys.stdin.read().splitlines() if line.strip()]
projects = {}


def files_of(name):
    if name not in projects:
        url = urllib.parse.urljoin(PyPI.pypi_url.rstrip("/") + "/", f"{name}/json")
        with urllib.request.urlopen(url, timeout=120) as response:
            data = json.load(response)
        projects[name] = {
            f["filename"]: urllib.parse.urljoin(url, f["url"])
            for files in data["releases"].values()
            for f in files
        }
    return projects[name]


def fetch(name, file, sha256):
    target = cache / sha256 / file
    if target.is_file():
        return None
    url = files_of(name).get(file)
    if url is None:
        return f"{file}: not on the index"
    digest = hashlib.sha256()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{file}.{os.getpid()}.part")
    with urllib.request.urlopen(url, timeout=300) as response, open(partial, "wb") as out:
        while chunk := response.read(1 << 20):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != sha256:
        partial.unlink()
        return f"{file}: sha256 {digest.hexdigest()}, pinned {sha256}"
    partial.rename(target)
    print(f"downloaded {file} ({target.stat().st_size} bytes)", flush=True)
    return None


# The project pages first, one by one (several wheels share one), then
# the files four at a time.
for name, _, _ in wanted:
    files_of(name)
with concurrent.futures.ThreadPoolExecutor(4) as pool:
    errors = [e for e in pool.map(lambda w: fetch(*w), wanted) if e]
for error in errors:
    print(error, file=sys.stderr)
sys.exit(1 if errors else 0)
