#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A recording TCP relay for tests/msgr2/msgr2-capture.sh (inside UML).

    relay.py NETNS_PID PORT PREFIX

Listens on 127.0.0.1:PORT in the network namespace of NETNS_PID and
relays each connection to 127.0.0.1:PORT in its own namespace: the client
in that namespace sees the monitor at the very address the monitor names
in SERVER_IDENT and in the monmap, so nothing in the exchange changes.
Every byte goes to PREFIX.N.c2m (client to monitor) and PREFIX.N.m2c, N
counting connections from 1, as it passes. Prints "ready" once listening;
runs until killed.
"""
import ctypes
import os
import select
import socket
import sys

CLONE_NEWNET = 0x40000000


def setns(path):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns " + path)
    finally:
        os.close(fd)


def main():
    pid, port, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    setns("/proc/%s/ns/net" % pid)
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", port))
    lsock.listen(8)
    setns("/proc/self/fd/%d" % home)
    print("ready", flush=True)
    pairs = {}          # socket -> (peer socket, file)
    n = 0
    while True:
        r, _, _ = select.select([lsock] + list(pairs), [], [])
        for s in r:
            if s is lsock:
                c, _ = lsock.accept()
                m = socket.create_connection(("127.0.0.1", port))
                n += 1
                pairs[c] = (m, open("%s.%d.c2m" % (prefix, n), "wb", 0))
                pairs[m] = (c, open("%s.%d.m2c" % (prefix, n), "wb", 0))
                continue
            if s not in pairs:
                continue
            peer, f = pairs[s]
            try:
                b = s.recv(65536)
            except OSError:
                b = b""
            if b:
                f.write(b)
                peer.sendall(b)
                continue
            for x in (s, peer):
                if x in pairs:
                    pairs.pop(x)[1].close()
                x.close()


if __name__ == "__main__":
    main()
