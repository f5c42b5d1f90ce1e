#!/usr/bin/python3
# Wait until every running monitor of a start.sh cluster is in quorum.
#
#   wait-ready.py CLUSTER_DIR [--timeout S] [--versions FILE]
#
# It asks each monitor's admin socket for mon_status directly (the ceph CLI
# costs 8-11 s per call under UML). A monitor whose pid file is missing or
# whose process is gone is not waited for. Ready means: every live monitor is
# leader or peon, and each one's quorum is exactly the live monitors.
# With --versions, it then asks each monitor for its version and prints one
# line per monitor, "mon.a 20.2.4 tentacle (stable)", also written to FILE.
import json
import os
import socket
import struct
import sys
import time


def asok_command(path, prefix, timeout=2.0):
    """One admin-socket request: JSON + NUL out, be32 length + JSON back."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(path)
        s.sendall(json.dumps({"prefix": prefix, "format": "json"}).encode() + b"\0")
        hdr = b""
        while len(hdr) < 4:
            chunk = s.recv(4 - len(hdr))
            if not chunk:
                raise OSError("short reply")
            hdr += chunk
        (n,) = struct.unpack(">I", hdr)
        body = b""
        while len(body) < n:
            chunk = s.recv(n - len(body))
            if not chunk:
                raise OSError("short reply")
            body += chunk
        return json.loads(body)
    finally:
        s.close()


def live_mons(d):
    mons = {}
    for rank, mid in enumerate("abc"):
        pidfile = os.path.join(d, "run", "mon.%s.pid" % mid)
        try:
            pid = int(open(pidfile).read().strip())
            os.kill(pid, 0)
        except (OSError, ValueError):
            continue
        mons[rank] = mid
    return mons


def versions(d, mons, path):
    lines = []
    for rank, mid in sorted(mons.items()):
        asok = os.path.join(d, "run", "ceph-mon.%s.asok" % mid)
        for attempt in range(3):  # a loaded host can be slow to answer
            try:
                v = asok_command(asok, "version", timeout=10.0)
                line = "mon.%s %s %s (%s)" % (mid, v.get("version", "?"),
                                              v.get("release", "?"),
                                              v.get("release_type", "?"))
                break
            except (OSError, ValueError) as e:
                line = "mon.%s version unknown (%s)" % (mid, type(e).__name__)
        lines.append(line)
        print(line)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    d = sys.argv[1]
    timeout = 120.0
    if "--timeout" in sys.argv:
        timeout = float(sys.argv[sys.argv.index("--timeout") + 1])
    deadline = time.monotonic() + timeout
    last = "no monitor running"
    while time.monotonic() < deadline:
        mons = live_mons(d)
        if not mons:
            last = "no monitor running"
        else:
            ok = True
            states = []
            for rank, mid in sorted(mons.items()):
                asok = os.path.join(d, "run", "ceph-mon.%s.asok" % mid)
                try:
                    st = asok_command(asok, "mon_status")
                except (OSError, ValueError) as e:
                    states.append("%s:%s" % (mid, type(e).__name__))
                    ok = False
                    continue
                states.append("%s:%s" % (mid, st.get("state")))
                if st.get("state") not in ("leader", "peon"):
                    ok = False
                elif set(st.get("quorum", [])) != set(mons):
                    # Equal, not a superset: right after a kill the
                    # survivors still list the dead one until the new
                    # election, and a client would meet that election.
                    ok = False
            last = " ".join(states)
            if ok:
                print("cluster ready: %s" % last)
                if "--versions" in sys.argv:
                    versions(d, mons, sys.argv[sys.argv.index("--versions") + 1])
                return 0
        # Each poll is a mon_status on every monitor's admin socket,
        # taken under the monitor's lock: under UML, polling five times a
        # second cost CPU the monitors needed for their election.
        time.sleep(1.0)
    print("wait-ready: timed out after %.0f s: %s" % (timeout, last), file=sys.stderr)
    for f in sorted(os.listdir(os.path.join(d, "log"))):
        print("wait-ready: see %s" % os.path.join(d, "log", f), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
