#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A real msgr2.1 secure-mode exchange, opened offline, for KUnit.

    tests/msgr2_capture_secure.py DIR > tests/msgr2-capture-tentacle-secure.txt
    tests/msgr2_capture_secure.py DIR --update tests/msgr2_test.c

DIR is what tests/msgr2/msgr2-capture.sh keeps in a run's logs
(run/interop/msgr2-capture/): the relay's recordings (cap.N.c2m and
cap.N.m2c, the secure session's being the files not listed in crc-files),
the client's cephx key (key, base64 of a CryptoKey) and the fsid.

Everything is opened here from the key alone, independently of monc's
code: the AUTH_DONE payload's ticket reply with the client's key (aes or
aes256k, Python's `cryptography`), the session key from it, the connection
secret with the session key, and then every sealed frame of both
directions with AES-128-GCM (key: the secret's first 16 bytes; the
client's receive nonce, then its transmit nonce, 12 bytes each, le32
fixed and le64 counter, the counter up by one per operation). The text
output lists each frame, plaintext included; --update writes the block of
tests/msgr2_test.c between the markers.
"""
import base64
import hashlib
import hmac
import os
import struct
import sys

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fakemon"))
from fakemon import crc32c  # noqa: E402

AES_IV = b"cephsageyudagreg"
ENC_MAGIC = 0xFF009CAD8826AA55
USAGE_CONNECTION_SECRET = 0x03
USAGE_TICKET_SESSION_KEY = 0x04
TAGS = {1: "HELLO", 2: "AUTH_REQUEST", 3: "AUTH_BAD_METHOD",
        4: "AUTH_REPLY_MORE", 5: "AUTH_REQUEST_MORE", 6: "AUTH_DONE",
        7: "AUTH_SIGNATURE", 8: "CLIENT_IDENT", 9: "SERVER_IDENT",
        17: "MESSAGE", 18: "KEEPALIVE2", 19: "KEEPALIVE2_ACK", 20: "ACK"}


class Reader:
    def __init__(self, b):
        self.b, self.off = b, 0

    def take(self, n):
        assert self.off + n <= len(self.b), "truncated"
        v = self.b[self.off:self.off + n]
        self.off += n
        return v

    def u8(self):
        return self.take(1)[0]

    def u16(self):
        return struct.unpack("<H", self.take(2))[0]

    def u32(self):
        return struct.unpack("<I", self.take(4))[0]

    def u64(self):
        return struct.unpack("<Q", self.take(8))[0]

    def blist(self):
        return self.take(self.u32())


# --- cephx's ciphers ---
def k5_kdf(key, usage, kind, nbytes):
    msg = (struct.pack(">I", 1) + struct.pack(">I", usage) + bytes([kind]) +
           b"\0" + struct.pack(">I", nbytes * 8))
    return hmac.new(key, msg, hashlib.sha384).digest()[:nbytes]


def cts_cs3_decrypt(ke, data):
    """AES-256 CBC-CS3 (the last two blocks swapped), zero IV."""
    def ecb_dec(b):
        d = Cipher(algorithms.AES(ke), modes.ECB()).decryptor()
        return d.update(b) + d.finalize()

    def cbc_dec(b):
        d = Cipher(algorithms.AES(ke), modes.CBC(bytes(16))).decryptor()
        return d.update(b) + d.finalize()
    n = len(data)
    if n == 16:
        return cbc_dec(data)
    tail = n % 16 or 16
    head, last, part = data[:n - 16 - tail], data[n - 16 - tail:n - tail], data[n - tail:]
    d = ecb_dec(last)
    prev = part + d[tail:]              # the ciphertext block stolen from
    p_last = bytes(a ^ b for a, b in zip(d, prev))[:tail]
    return cbc_dec(head + prev) + p_last


def unseal(key_type, key, usage, sealed):
    if key_type == 2:
        ke = k5_kdf(key, usage, 0xAA, 32)
        ki = k5_kdf(key, usage, 0x55, 24)
        ct, mac = sealed[:-24], sealed[-24:]
        assert hmac.new(ki, bytes(16) + ct, hashlib.sha384).digest()[:24] == mac, "k5 hmac"
        plain = cts_cs3_decrypt(ke, ct)[16:]
    else:
        d = Cipher(algorithms.AES(key), modes.CBC(AES_IV)).decryptor()
        p = d.update(sealed) + d.finalize()
        u = padding.PKCS7(128).unpadder()
        plain = u.update(p) + u.finalize()
    r = Reader(plain)
    assert r.u8() == 1 and r.u64() == ENC_MAGIC, "magic"
    return plain[9:]


def crypto_key(r):
    ktype = r.u16()
    r.take(8)                            # created
    return ktype, r.take(r.u16())


def session_and_secret(client_type, client_key, done_payload):
    """The AUTH session key and the connection secret from AUTH_DONE."""
    r = Reader(done_payload)
    op, result = r.u16(), r.u32()
    assert op == 0x0100 and result == 0
    assert r.u8() == 1
    session = None
    for _ in range(r.u32()):
        service = r.u32()
        assert r.u8() == 1
        t = Reader(unseal(client_type, client_key, USAGE_TICKET_SESSION_KEY, r.blist()))
        assert t.u8() == 1
        ktype, key = crypto_key(t)
        if service == 0x20:
            session = (ktype, key)
        r.u8()                           # is_enc: the blob sealed or not
        r.blist()                        # the ticket blob, opaque here
    outer = Reader(r.blist())
    sealed = outer.blist()
    s = Reader(unseal(session[0], session[1], USAGE_CONNECTION_SECRET, sealed))
    return session, s.blist()


# --- msgr2 ---
def crc_frames(b, off, stop_tag):
    """crc-mode frames from @off through the first of tag @stop_tag."""
    out = []
    while True:
        start = off
        pre = b[off:off + 32]
        assert crc32c(pre[:28], 0) == struct.unpack("<I", pre[28:])[0], "preamble crc"
        tag, n = pre[0], pre[1]
        lens = [struct.unpack("<I", pre[2 + 6 * i:6 + 6 * i])[0] for i in range(n)]
        off += 32
        segs = [b[off:off + lens[0]]]
        off += lens[0] + 4
        if n > 1:
            for ln in lens[1:]:
                segs.append(b[off:off + ln])
                off += ln
            off += 13
        out.append((tag, segs, b[start:off]))
        if tag == stop_tag:
            return out, off


class Nonces:
    def __init__(self, first):
        self.fixed, self.counter = first[:4], struct.unpack("<Q", first[4:])[0]

    def take(self):
        n = self.fixed + struct.pack("<Q", self.counter)
        self.counter += 1
        return n


def pad16(n):
    return (n + 15) // 16 * 16


def secure_frames(b, off, key, nonces):
    g = AESGCM(key)
    out = []
    while off + 96 <= len(b):
        start = off
        head = g.decrypt(nonces.take(), b[off:off + 96], None)
        off += 96
        pre = head[:32]
        assert crc32c(pre[:28], 0) == struct.unpack("<I", pre[28:])[0]
        tag, n = pre[0], pre[1]
        lens = [struct.unpack("<I", pre[2 + 6 * i:6 + 6 * i])[0] for i in range(n)]
        seg0 = head[32:32 + min(lens[0], 48)]
        if lens[0] > 48:
            rl = pad16(lens[0] - 48) + 16
            seg0 += g.decrypt(nonces.take(), b[off:off + rl], None)[:lens[0] - 48]
            off += rl
        segs = [seg0]
        if n > 1:
            tl = sum(pad16(ln) for ln in lens[1:]) + 32
            tail = g.decrypt(nonces.take(), b[off:off + tl], None)
            off += tl
            p = 0
            for ln in lens[1:]:
                segs.append(tail[p:p + ln])
                p += pad16(ln)
            assert tail[p] & 0xF == 0xE
        out.append((tag, segs, b[start:off]))
    return out


def name(tag, segs):
    s = TAGS.get(tag, str(tag))
    if tag == 17:
        s += " type %d" % struct.unpack("<H", segs[0][16:18])[0]
    return s


def load(d):
    crc = open(os.path.join(d, "crc-files")).read().split()
    files = sorted(f for f in os.listdir(d) if f.startswith("cap."))
    files = [os.path.join(d, f) for f in files if os.path.join("/tmp/monc-capture", f) not in crc]
    c2m = open([f for f in files if f.endswith(".c2m")][0], "rb").read()
    m2c = open([f for f in files if f.endswith(".m2c")][0], "rb").read()
    key64 = open(os.path.join(d, "key")).read().strip()
    fsid = open(os.path.join(d, "fsid")).read().strip()
    return c2m, m2c, key64, fsid


def open_all(d):
    c2m, m2c, key64, fsid = load(d)
    r = Reader(base64.b64decode(key64))
    ktype, key = crypto_key(r)
    # the banners: 10 bytes and their payload
    cb = 10 + struct.unpack("<H", c2m[8:10])[0]
    mb = 10 + struct.unpack("<H", m2c[8:10])[0]
    cf, coff = crc_frames(c2m, cb, 5)            # through AUTH_REQUEST_MORE
    mf, moff = crc_frames(m2c, mb, 6)            # through AUTH_DONE
    reply_more = [f for f in mf if f[0] == 4][0]
    done = mf[-1]
    gid = struct.unpack("<Q", done[1][0][:8])[0]
    mode = struct.unpack("<I", done[1][0][8:12])[0]
    assert mode == 2, "not secure mode"
    done_payload = Reader(done[1][0][12:]).blist()
    challenge = Reader(reply_more[1][0]).blist()
    session, secret = session_and_secret(ktype, key, done_payload)
    ms = secure_frames(m2c, moff, secret[:16], Nonces(secret[16:28]))
    cs = secure_frames(c2m, coff, secret[:16], Nonces(secret[28:40]))
    return dict(key64=key64, ktype=ktype, key=key, fsid=fsid, gid=gid,
                challenge=challenge, done_payload=done_payload,
                session=session, secret=secret, m2c_pre=m2c[:moff],
                c2m_pre=c2m[:coff], mcrc=mf, ccrc=cf, msec=ms, csec=cs)


def text(x):
    out = ["# A msgr2.1 secure-mode exchange: monc and a Tentacle 20.2.4 monitor",
           "# bound to msgr2 only (cephx, Tentacle's aes256k key), recorded by",
           "# tests/msgr2/msgr2-capture.sh through its relay and opened offline by",
           "# tests/msgr2_capture_secure.py with the client's key alone.",
           "# Direction, frame, wire hex; sealed frames also their plaintext",
           "# segments. tests/msgr2_test.c embeds part of it.",
           "key %s" % x["key64"], "fsid %s" % x["fsid"],
           "global_id %d" % x["gid"],
           "session_key %s" % x["session"][1].hex(),
           "connection_secret %s" % x["secret"].hex()]
    for d, pre, frames in (("c>m", x["c2m_pre"], x["ccrc"]), ("m>c", x["m2c_pre"], x["mcrc"])):
        out.append("%s banner %s" % (d, pre[:10 + struct.unpack("<H", pre[8:10])[0]].hex()))
        for tag, segs, raw in frames:
            out.append("%s %s %s" % (d, name(tag, segs), raw.hex()))
    for d, frames in (("c>m", x["csec"]), ("m>c", x["msec"])):
        for tag, segs, raw in frames:
            out.append("%s sealed %s %s plain %s" % (d, name(tag, segs), raw.hex(),
                                                    " ".join(s.hex() for s in segs)))
    return "\n".join(out) + "\n"


def carray(cname, b):
    lines = ["static const u8 %s[%d] = {" % (cname, len(b))]
    for i in range(0, len(b), 12):
        lines.append("\t" + " ".join("0x%02x," % v for v in b[i:i + 12]))
    lines.append("};")
    return "\n".join(lines)


def cblock(x):
    # the monitor's sealed frames through its first MMonMap
    n = next(i for i, f in enumerate(x["msec"])
             if f[0] == 17 and struct.unpack("<H", f[1][0][16:18])[0] == 4) + 1
    sealed = b"".join(f[2] for f in x["msec"][:n])
    tags = ", ".join(str(f[0]) for f in x["msec"][:n])
    parts = ["/* GENERATED by tests/msgr2_capture_secure.py: do not edit */",
             "#define SCAP_GLOBAL_ID %dULL" % x["gid"],
             "#define SCAP_NFRAMES %d" % n,
             "static const u8 scap_tags[SCAP_NFRAMES] = { %s };" % tags,
             carray("scap_key", x["key"]),
             carray("scap_fsid", bytes.fromhex(x["fsid"].replace("-", ""))),
             carray("scap_challenge", x["challenge"]),
             carray("scap_done_payload", x["done_payload"]),
             carray("scap_secret", x["secret"]),
             carray("scap_c2m_pre", x["c2m_pre"]),
             carray("scap_m2c_pre", x["m2c_pre"]),
             carray("scap_mon_sealed", sealed),
             carray("scap_client_sig", x["csec"][0][2]),
             "/* END GENERATED capture */"]
    return "\n\n".join(parts) + "\n"


def main():
    x = open_all(sys.argv[1])
    if len(sys.argv) == 4 and sys.argv[2] == "--update":
        path = sys.argv[3]
        src = open(path).read()
        a = src.index("/* GENERATED by tests/msgr2_capture_secure.py")
        b = src.index("/* END GENERATED capture */", a) + len("/* END GENERATED capture */\n")
        open(path, "w").write(src[:a] + cblock(x) + src[b:])
    else:
        sys.stdout.write(text(x))


if __name__ == "__main__":
    main()
