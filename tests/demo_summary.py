"""The demo's summary (tests/demo): what a newcomer should look at first in
the JSON reports of extinspect and extharness check, in a screenful.

For each tool: one line of totals, then one line per check that reported
something, errors first and the most frequent first, each with one example
(and, for an error, the example's message).

Usage: python3 tests/demo_summary.py EXTINSPECT.json EXTHARNESS.json
"""

import json
import sys
from collections import OrderedDict

SEVERITIES = ("error", "warning", "info")
# Per severity, per tool: enough to see what kinds of problems there are;
# the rest is counted on one line.
MAX_CHECKS = {"error": 8, "warning": 4, "info": 2}
WIDTH = 100


def shorten(text, width):
    """One line of at most `width` characters: messages are one line, but
    an example path or a third-party message may be long."""
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 3] + "..."


def group(findings):
    """{severity: {check: [(where, message), ...]}}, most frequent check first."""
    by = {s: OrderedDict() for s in SEVERITIES}
    for where, finding in findings:
        severity = finding.get("severity", "info")
        by.setdefault(severity, OrderedDict()).setdefault(finding["check"], []).append(
            (where, finding.get("message", ""))
        )
    return {
        s: sorted(checks.items(), key=lambda item: (-len(item[1]), item[0]))
        for s, checks in by.items()
    }


def show(tool, totals, findings, report):
    print(f"{tool}: {totals}")
    grouped = group(findings)
    for severity in SEVERITIES:
        checks = grouped.get(severity, [])
        if not checks:
            continue
        count = sum(len(found) for _, found in checks)
        print(f"  {count} {severity}{'s' if count != 1 else ''}:")
        shown = checks[: MAX_CHECKS[severity]]
        width = max(len(f"{check} ({len(found)})") for check, found in shown)
        for check, found in shown:
            where, message = found[0]
            head = f"    {f'{check} ({len(found)})':<{width}}  "
            print(head + shorten(f"e.g. {where}", WIDTH - len(head)))
            # The errors are what to look at first: their message too.
            if severity == "error":
                print("      " + shorten(message, WIDTH - 6))
        rest = checks[MAX_CHECKS[severity] :]
        if rest:
            names = ", ".join(f"{check} ({len(found)})" for check, found in rest)
            print("    " + shorten(f"and {len(rest)} more: {names}", WIDTH - 4))
    print(f"  full report: {report}")


def inspector(path):
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    s = report["summary"]
    totals = (
        f"{s['files']} files, {s['extensions']} extension modules, "
        f"{s['errors']} errors, {s['warnings']} warnings, {s['infos']} infos"
    )
    findings = [
        (f["path"].rsplit("/", 1)[-1], finding)
        for f in report["files"]
        for finding in f.get("findings", [])
    ]
    show("extinspect", totals, findings, path)


def harness(path):
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    s = report["summary"]
    totals = (
        f"{s['modules']} modules ({s['not_runnable']} not runnable here), "
        f"{s['scenarios']} scenario runs, {s['errors']} errors, "
        f"{s['warnings']} warnings, {s['infos']} infos"
    )
    if s.get("harness_errors"):
        totals += f", {s['harness_errors']} harness errors"
    findings = [
        (module["module"], finding)
        for module in report["modules"]
        for interpreter in module.get("interpreters", [])
        for finding in interpreter.get("findings", [])
    ]
    show("extharness check", totals, findings, path)


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    ok = True
    for summarise, path in ((inspector, argv[1]), (harness, argv[2])):
        try:
            summarise(path)
        except (OSError, ValueError, KeyError) as e:
            print(f"{path}: no report to summarise ({e})", file=sys.stderr)
            ok = False
        print()
    print("What a check means, for an id of either tool: extinspect explain ID")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
