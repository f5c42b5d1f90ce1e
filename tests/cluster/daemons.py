# SPDX-License-Identifier: GPL-2.0
"""Register osd.0 and mds.a with a cephx cluster made by start.sh, in one
process (each `ceph` CLI call costs 8-11 s under UML): their keys (written
as keyrings into OUTDIR) and osd.0's id.

    python3 daemons.py CEPH_CONF ADMIN_KEYRING OUTDIR OSD_UUID

Runs with the release's python3-rados (inside its chroot for Reef and
Tentacle). Idempotent: get-or-create, and `osd new` with the same uuid.
"""
import json
import sys

import rados

CAPS = {
    "osd.0": ["mon", "allow profile osd", "mgr", "allow profile osd",
              "osd", "allow *"],
    "mds.a": ["mon", "allow profile mds", "mgr", "allow profile mds",
              "osd", "allow *", "mds", "allow *"],
}


def main():
    conf, keyring, outdir, osd_uuid = sys.argv[1:5]
    c = rados.Rados(conffile=conf, conf={"keyring": keyring})
    c.connect(timeout=120)

    def cmd(**kw):
        r, out, err = c.mon_command(json.dumps(kw), b"")
        if r:
            sys.exit(f"daemons.py: {kw['prefix']}: {r} {err}")
        return out

    for ent, caps in CAPS.items():
        out = cmd(prefix="auth get-or-create", entity=ent, caps=caps)
        with open(f"{outdir}/{ent}.keyring", "wb") as f:
            f.write(out)
    cmd(prefix="osd new", uuid=osd_uuid, id=0)
    c.shutdown()


if __name__ == "__main__":
    main()
