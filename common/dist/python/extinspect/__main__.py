"""``python -m extinspect ...``: the static inspector."""

from extinspect import run

if __name__ == "__main__":
    run("extinspect")
