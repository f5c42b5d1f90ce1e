#!/usr/bin/python3
# Pull the KUnit results of module suites out of a UML console log, renumber
# them under one KTAP plan and have the kernel's own kunit.py parse them.
#
#   ktap.py CONSOLE_LOG KUNIT_PY OUT_KTAP
#
# Why: the built-in executor prints an empty "KTAP version 1 / 1..0" at boot
# (no suites are built in), and each module suite then prints its own
# indented block ending in a top-level "ok N name" whose N restarts per
# module. kunit.py stops at the empty plan ("0 tests run"). So keep only the
# suite blocks, drop interleaved unindented kernel messages, and give the
# suites one "1..N" plan and numbers 1..N.
#
# Prints kunit.py's report, then one line "KUNIT passed=P failed=F skipped=S"
# where failed counts failed, crashed and parse errors.
import re
import subprocess
import sys

SUITE_START = re.compile(r"^    KTAP version \d+$")
SUITE_END = re.compile(r"^(ok|not ok) \d+ (?:- )?(.*)$")
SUBTEST = re.compile(r"^    # Subtest: (.*)$")


def extract(lines):
    suites = []
    cur = None
    for raw in lines:
        line = raw.rstrip("\r\n").replace("\r", "")
        if SUITE_START.match(line):
            if cur is not None:
                # The previous suite never printed its result: the module
                # crashed or hung. Keep its lines; kunit.py reports it.
                suites.append((cur, None))
            cur = [line]
            continue
        if cur is None:
            continue
        m = SUITE_END.match(line)
        if m:
            suites.append((cur, m))
            cur = None
        elif line.startswith("    "):
            cur.append(line)
    if cur is not None:
        suites.append((cur, None))
    return suites


def render(suites):
    out = ["KTAP version 1", "1..%d" % len(suites)]
    for i, (body, end) in enumerate(suites, 1):
        out.extend(body)
        if end is not None:
            out.append("%s %d %s" % (end.group(1), i, end.group(2)))
        else:
            name = "unknown"
            for line in body:
                m = SUBTEST.match(line)
                if m:
                    name = m.group(1)
                    break
            out.append("not ok %d %s # suite printed no result (crash?)" % (i, name))
    return "\n".join(out) + "\n"


def main():
    console, kunit_py, out_path = sys.argv[1:4]
    with open(console, errors="replace") as f:
        suites = extract(f)
    with open(out_path, "w") as f:
        f.write(render(suites))
    if not suites:
        print("ktap: no KUnit suite output in %s" % console)
        print("KUNIT passed=0 failed=0 skipped=0")
        return 0
    p = subprocess.run([sys.executable, kunit_py, "parse", out_path],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, env={"PATH": "/usr/bin:/bin", "TERM": "dumb"})
    report = p.stdout
    sys.stdout.write(report)
    counts = {}
    m = re.search(r"Ran (\d+) tests?: (.*)", report)
    if m:
        for part in m.group(2).split(","):
            k, _, v = part.strip().partition(": ")
            if v.strip().isdigit():
                counts[k] = int(v)
    else:
        counts["errors"] = 1
    passed = counts.get("passed", 0)
    failed = counts.get("failed", 0) + counts.get("crashed", 0) + counts.get("errors", 0)
    # Plan or parse trouble that kunit.py lists but does not count.
    if p.returncode != 0 and failed == 0:
        failed = 1
    print("KUNIT passed=%d failed=%d skipped=%d" % (passed, failed, counts.get("skipped", 0)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
