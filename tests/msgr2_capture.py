#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Record a msgr2.1 crc-mode exchange with a real monitor, for KUnit.

    tests/msgr2_capture.py PORT > tests/msgr2-capture-tentacle.txt

The monitor must listen on v2:127.0.0.1:PORT with auth none (e.g. one
Tentacle ceph-mon with ms_bind_msgr1 = false). The client side is written
from doc/dev/msgr2.rst: banner, HELLO, AUTH_REQUEST (none, crc mode),
AUTH_SIGNATURE (zeros: auth none has no session key), CLIENT_IDENT, an
MMonSubscribe for the monmap and a KEEPALIVE2; it checks every crc the
monitor sends and prints each frame, in order, as "dir name hex".
"""
import os
import socket
import struct
import sys

# crc32c is fakemon's (seed given, no inversions), not a copy of it.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fakemon"))
from fakemon import crc32c  # noqa: E402


def crc(seed, b):
    return crc32c(b, seed & 0xffffffff)


# the standard check value of crc32c (Ceph seeds with -1, no final xor)
assert crc(0xffffffff,b"123456789") ^ 0xffffffff == 0xE3069283
def preamble(tag, lens):
    b=struct.pack("<BB",tag,len(lens))
    for l in lens: b+=struct.pack("<IH",l,8)
    b=b.ljust(28,b"\0")
    return b+struct.pack("<I",crc(0,b))
def frame(tag, segs):
    while len(segs)>1 and not segs[-1]: segs=segs[:-1]
    b=preamble(tag,[len(s) for s in segs])+segs[0]+struct.pack("<I",crc(0xffffffff,segs[0]))
    if len(segs)>1:
        for s in segs[1:]: b+=s
        b+=bytes([0xe])
        for i in range(1,4):
            b+=struct.pack("<I",crc(0xffffffff,segs[i]) if i<len(segs) else 0)
    return b

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 13300
log = []
s = socket.create_connection(("127.0.0.1", PORT))
def send(tag_name, b):
    log.append(("c>m", tag_name, b)); s.sendall(b)
def recvn(n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c: raise EOFError
        b += c
    return b
banner = b"ceph v2\n" + struct.pack("<HQQ", 16, 1, 1)
send("banner", banner)
pre = recvn(10); pl = recvn(struct.unpack("<H", pre[8:10])[0])
log.append(("m>c", "banner", pre + pl))
TAGS = {1:"HELLO",2:"AUTH_REQUEST",7:"AUTH_SIGNATURE",3:"AUTH_BAD_METHOD",4:"AUTH_REPLY_MORE",6:"AUTH_DONE",8:"CLIENT_IDENT",9:"SERVER_IDENT",17:"MESSAGE",18:"KEEPALIVE2",19:"KEEPALIVE2_ACK",20:"ACK",12:"SESSION_RESET"}
def read_frame():
    p = recvn(32)
    assert crc(0, p[:28]) == struct.unpack("<I", p[28:])[0], "preamble crc"
    tag, n = p[0], p[1]
    lens = [struct.unpack("<I", p[2+6*i:6+6*i])[0] for i in range(n)]
    rest = recvn(lens[0] + 4 + (sum(lens[1:]) + 13 if n > 1 else 0))
    seg0 = rest[:lens[0]]
    assert crc(0xffffffff, seg0) == struct.unpack("<I", rest[lens[0]:lens[0]+4])[0], "ctrl crc"
    segs = [seg0]; off = lens[0] + 4
    for l in lens[1:]:
        segs.append(rest[off:off+l]); off += l
    if n > 1:
        assert rest[off] & 0xf == 0xe
        for i in range(1, 4):
            c = struct.unpack("<I", rest[off+1+4*(i-1):off+5+4*(i-1)])[0]
            assert c == (crc(0xffffffff, segs[i]) if i < len(segs) else 0), "seg crc %d" % i
    log.append(("m>c", TAGS.get(tag, str(tag)), p + rest))
    return tag, segs
def sa_in(ip, port):
    return struct.pack("<H", 2) + struct.pack(">H", port) + bytes(ip) + bytes(8)
def addr(t, nonce, sa):
    body = struct.pack("<III", t, nonce, len(sa)) + sa
    return b"\x01" + b"\x01\x01" + struct.pack("<I", len(body)) + body
peer = addr(2, 0, sa_in([127,0,0,1], PORT))
send("HELLO", frame(1, [b"\x08" + peer]))
tag, segs = read_frame(); assert tag == 1, tag
# AUTH_REQUEST: none, modes [crc], payload mode MON, client.admin, global_id 0
name = b"admin"
payload = bytes([10]) + struct.pack("<II", 8, len(name)) + name + struct.pack("<Q", 0)
areq = struct.pack("<III", 1, 1, 1) + struct.pack("<I", len(payload)) + payload
send("AUTH_REQUEST", frame(2, [areq]))
tag, segs = read_frame()
assert tag == 6, (tag, segs[0].hex())
gid, mode = struct.unpack("<QI", segs[0][:12])
print("global_id", gid, "mode", mode, file=sys.stderr)
send("AUTH_SIGNATURE", frame(7, [bytes(32)]))
tag, segs = read_frame(); assert tag == 7, tag
assert segs[0] == bytes(32), segs[0].hex()
me = addr(3, 0x12345678, sa_in([127,0,0,1], 0))
ident = b"\x02" + struct.pack("<I", 1) + me + peer + struct.pack("<QQQQQQ", gid, 1, 0x2f018fb87aa4aafe, 0, 0, 0x0123456789abcdef)
send("CLIENT_IDENT", frame(8, [ident]))
tag, segs = read_frame(); assert tag == 9, tag
# MMonSubscribe v3: {monmap: start 0, flags 0}, hostname ""
front = struct.pack("<I", 1) + struct.pack("<I", 6) + b"monmap" + struct.pack("<QB", 0, 0) + struct.pack("<I", 0)
h2 = struct.pack("<QQHHHIHQBHH", 1, 0, 15, 127, 3, 0, 0, 0, 0, 1, 0)
send("MESSAGE MMonSubscribe", frame(17, [h2, front, b"", b""]))
send("KEEPALIVE2", frame(18, [struct.pack("<II", 1700000000, 123456789)]))
got = set()
s.settimeout(5)
try:
    while not ({17, 19} <= got):
        tag, segs = read_frame(); got.add(tag)
except Exception as e:
    print("stop:", repr(e), file=sys.stderr)
for d, n, b in log:
    print(d, n, b.hex())
