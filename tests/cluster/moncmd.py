# SPDX-License-Identifier: GPL-2.0
# Monitor commands for a test script through one librados client, in place
# of a `ceph` CLI run per command: under UML each CLI run cost 10 to 12 s
# of CPU (python's start, the ceph_argparse imports, a connect and the
# monitors' command table), several times in a script.
#
# Run by tests/client/lib.sh's mon_cmd_start as a coprocess, with the
# release's python3 (in its chroot: this file comes in through -c, since
# the chroot sees only /tmp), and CEPH_CONF (client.admin and its keyring)
# as its argument. It prints "ready" once connected (or "error: ..."),
# then reads one request a line, a monitor command's JSON, optionally
# followed by a tab and a file whose bytes are the command's input (as
# `ceph ... -i FILE`), and answers each with one line: the return code, a
# tab, and the status text (newlines made spaces).
import json
import sys

import rados


def main():
    try:
        # no admin socket: ceph.conf's path is the CLI's, maybe in use
        cluster = rados.Rados(conffile=sys.argv[1], name="client.admin",
                              conf={"admin_socket": ""})
        cluster.connect(timeout=60)
    except Exception as e:  # a rados.Error or a missing conf: say so
        print("error: %s" % e, flush=True)
        return 1
    print("ready", flush=True)
    for line in sys.stdin:
        cmd, _, path = line.rstrip("\n").partition("\t")
        try:
            inbuf = open(path, "rb").read() if path else b""
            json.loads(cmd)
            rc, _, outs = cluster.mon_command(cmd, inbuf, timeout=60)
        except Exception as e:
            rc, outs = -22, "%s: %s" % (type(e).__name__, e)
        print("%d\t%s" % (rc, " ".join(outs.split("\n"))), flush=True)
    cluster.shutdown()
    return 0


sys.exit(main())
