"""``python -m extinspect.harness ...``: the runtime harness (extharness)."""

from extinspect import run

if __name__ == "__main__":
    run("extharness")
