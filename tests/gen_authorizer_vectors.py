#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Known-answer vectors for monc's cephx authorizers (tests/authorizer_test.c).

Written from Ceph's definitions (CephxProtocol.h: CephXAuthorize,
CephXAuthorizeChallenge, CephXAuthorizeReply; CephxSessionHandler.cc's
msgr v1 signatures; the key usages 0x10-0x12 of Linux 7.0's
auth_x_protocol.h) with the ciphers of tests/gen_cephx_vectors.py, which
come from Python's cryptography package and hmac, not from the kernel.

Regenerate the block between the GENERATED markers with

    /usr/bin/python3 tests/gen_authorizer_vectors.py --update tests/authorizer_test.c
"""
import hashlib
import hmac
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_cephx_vectors as g  # noqa: E402

USAGE_AUTHORIZE = 0x10
USAGE_AUTHORIZE_CHALLENGE = 0x11
USAGE_AUTHORIZE_REPLY = 0x12

GLOBAL_ID = 4099
SERVICE_OSD = 0x04
SECRET_ID = 7
BLOB = bytes(range(0xA0, 0xB8))
NONCE = 0x1122334455667788
SERVER_CHALLENGE = 0x0BADC0FFEE123456
CON_SECRET = bytes(range(0x40, 0x50))
CONFOUNDER = bytes((0x5A + 3 * i) & 0xFF for i in range(16))
SERVER_CONFOUNDER = bytes((0xC3 + 5 * i) & 0xFF for i in range(16))
# struct monc_sig_fields of the signature vectors
SIG = dict(header_crc=0x11111111, front_crc=0x22222222, middle_crc=0,
           data_crc=0x33333333, front_len=60, middle_len=0, data_len=100,
           seq=0x100000005)


def seal_raw(key, usage, plain, confounder):
    body = g.u8(1) + g.u64(g.ENC_MAGIC) + plain
    if len(key) == 16:
        return g.aes_cbc(key, body)
    return g.k5_encrypt(key, usage, confounder, body)


def part_a():
    return (g.u8(1) + g.u64(GLOBAL_ID) + g.u32(SERVICE_OSD) + g.u8(1) +
            g.u64(SECRET_ID) + g.blist(BLOB))


def authorize_b(have_challenge, server_challenge):
    return (g.u8(2) + g.u64(NONCE) + g.u8(1 if have_challenge else 0) +
            g.u64(server_challenge + 1 if have_challenge else 0))


def xor_words(b):
    s = 0
    for i in range(0, 32, 8):
        s ^= struct.unpack_from("<Q", b, i)[0]
    return s


def sig_v2(key):
    f = SIG
    blk = struct.pack("<8I", f["header_crc"], f["front_crc"], f["front_len"],
                      f["middle_crc"], f["middle_len"], f["data_crc"],
                      f["data_len"], f["seq"] & 0xFFFFFFFF)
    if len(key) == 16:
        return xor_words(g.aes_cbc(key, blk))
    return xor_words(hmac.new(key, blk, hashlib.sha256).digest())


def sig_legacy(key):
    f = SIG
    blk = struct.pack("<5I", 16, f["header_crc"], f["front_crc"],
                      f["middle_crc"], f["data_crc"])
    return struct.unpack_from("<Q", seal_raw(key, 0, blk, None), 0)[0]


def cipher_set(prefix, key):
    out = [g.c_bytes(f"{prefix}_key", key)]
    a = part_a()
    conf = CONFOUNDER
    out.append(g.c_bytes(f"{prefix}_authorizer_1", a + g.blist(
        seal_raw(key, USAGE_AUTHORIZE, authorize_b(False, 0), conf))))
    out.append(g.c_bytes(f"{prefix}_challenge", seal_raw(
        key, USAGE_AUTHORIZE_CHALLENGE, g.u8(1) + g.u64(SERVER_CHALLENGE),
        SERVER_CONFOUNDER)))
    out.append(g.c_bytes(f"{prefix}_authorizer_2", a + g.blist(
        seal_raw(key, USAGE_AUTHORIZE, authorize_b(True, SERVER_CHALLENGE),
                 conf))))
    out.append(g.c_bytes(f"{prefix}_reply_v1", g.blist(seal_raw(
        key, USAGE_AUTHORIZE_REPLY, g.u8(1) + g.u64(NONCE + 1),
        SERVER_CONFOUNDER))))
    out.append(g.c_bytes(f"{prefix}_reply_v2", g.blist(seal_raw(
        key, USAGE_AUTHORIZE_REPLY,
        g.u8(2) + g.u64(NONCE + 1) + g.blist(CON_SECRET), SERVER_CONFOUNDER))))
    out.append(g.c_bytes(f"{prefix}_reply_bad_nonce", g.blist(seal_raw(
        key, USAGE_AUTHORIZE_REPLY, g.u8(1) + g.u64(NONCE + 2),
        SERVER_CONFOUNDER))))
    out.append(g.c_bytes(f"{prefix}_reply_big_secret", g.blist(seal_raw(
        key, USAGE_AUTHORIZE_REPLY,
        g.u8(2) + g.u64(NONCE + 1) + g.blist(bytes(65)), SERVER_CONFOUNDER))))
    out.append(g.c_bytes(f"{prefix}_reply_secret_past_end", g.blist(seal_raw(
        key, USAGE_AUTHORIZE_REPLY,
        g.u8(2) + g.u64(NONCE + 1) + g.u32(17) + CON_SECRET,
        SERVER_CONFOUNDER))))
    # sealed with the challenge's usage: only aes256k can tell
    out.append(g.c_bytes(f"{prefix}_reply_wrong_usage", g.blist(seal_raw(
        key, USAGE_AUTHORIZE_CHALLENGE, g.u8(1) + g.u64(NONCE + 1),
        SERVER_CONFOUNDER))))
    legacy = f"0x{sig_legacy(key):016x}ULL" if len(key) == 16 else "0"
    out.append(f"static const struct authz_kat {prefix} = {{\n"
               f"\t.name = \"{'aes' if len(key) == 16 else 'aes256k'}\",\n"
               f"\t.type = {1 if len(key) == 16 else 2},\n"
               f"\t.key = {prefix}_key,\n"
               f"\t.key_len = sizeof({prefix}_key),\n" +
               "".join(f"\t.{v} = {prefix}_{v},\n\t.{v}_len = sizeof({prefix}_{v}),\n"
                       for v in ("authorizer_1", "challenge", "authorizer_2",
                                 "reply_v1", "reply_v2", "reply_bad_nonce",
                                 "reply_big_secret", "reply_secret_past_end",
                                 "reply_wrong_usage")) +
               f"\t.sig_v2 = 0x{sig_v2(key):016x}ULL,\n"
               f"\t.sig_legacy = {legacy},\n}};\n")
    return "\n".join(out)


def generate():
    g.rfc8009_self_check()
    out = ["/* Generated by tests/gen_authorizer_vectors.py; do not edit by hand. */",
           f"#define AZ_GLOBAL_ID\t{GLOBAL_ID}",
           f"#define AZ_SECRET_ID\t{SECRET_ID}",
           f"#define AZ_NONCE\t0x{NONCE:016x}ULL",
           f"#define AZ_SERVER_CHALLENGE\t0x{SERVER_CHALLENGE:016x}ULL",
           "#define AZ_SIG_FIELDS { \\\n" + ", \\\n".join(
               f"\t.{k} = 0x{v:x}" for k, v in SIG.items()) + " }",
           "",
           g.c_bytes("az_blob", BLOB),
           g.c_bytes("az_con_secret", CON_SECRET),
           g.c_bytes("az_confounder", CONFOUNDER),
           cipher_set("az_aes", bytes(range(0x30, 0x40))),
           cipher_set("az_k5", bytes(range(0x70, 0x90)))]
    return "\n".join(out) + "\n"


def main():
    g.update_or_print(generate(), __doc__)


if __name__ == "__main__":
    main()
