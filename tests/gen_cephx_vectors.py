#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Known-answer vectors for monc's cephx (tests/auth_test.c).

Written from Ceph's cephx protocol as documented and as the monitor encodes
it (CephXAuthenticate, CephXServiceTicket, CephXTicketBlob,
cephx_build_service_ticket_reply, encode_encrypt), independently of
auth_x.c and crypto.c: AES comes from Python's `cryptography` package
(Debian's python3-cryptography) and HMAC from Python's hmac, not from the
kernel.

Two sets, one per cipher: aes (CryptoKey type 1) and aes256k (type 2,
AES256KRB5: RFC 8009's aes256-cts-hmac-sha384-192 with Ceph's key usages,
as Tentacle's CryptoAES256KRB5 seals). The aes256k implementation here is
checked against RFC 8009's own test vectors every time it runs.

Regenerate the block between the GENERATED markers of tests/auth_test.c,
and the smaller one of tests/mon_client_test.c (one exchange per cipher,
for the session over cephx):

    /usr/bin/python3 tests/gen_cephx_vectors.py --update tests/auth_test.c
    /usr/bin/python3 tests/gen_cephx_vectors.py --update tests/mon_client_test.c

A real exchange recorded by tests/integration/40-cephx.sh (PREFIX.key,
.c2s, .s2c in its run directory) becomes tests/cephx-capture-tentacle.txt
with

    /usr/bin/python3 tests/gen_cephx_vectors.py --capture PREFIX \\
        > tests/cephx-capture-tentacle.txt

or print it with no argument. Everything is deterministic (fixed key,
challenges, session keys and ticket blobs), so the output only changes when
this file does.
"""
import hashlib
import hmac
import struct
import sys

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

AES_IV = b"cephsageyudagreg"
ENC_MAGIC = 0xFF009CAD8826AA55
GET_AUTH_SESSION_KEY = 0x0100
GET_PRINCIPAL_SESSION_KEY = 0x0200
CRYPTO_AES = 1
CRYPTO_AES256KRB5 = 2
SVC_MON, SVC_AUTH = 0x01, 0x20
# cephx key usages (CephxProtocol.h): what aes256k derives Ke and Ki from
USAGE_TICKET_SESSION_KEY = 0x04
USAGE_TICKET_BLOB = 0x05

# Fixed inputs. The keys are the aes set's; use(K5) swaps in 32-byte ones.
SECRET = bytes.fromhex("8c5d1f0a7b3e2d4c6a9f0e1d2c3b4a59")
WRONG_SECRET = bytes.fromhex("00112233445566778899aabbccddeeff")
# The server challenge the Pacific monitor sent in ceph-cli-cephx.txt
# (stream 0): payload 01 dfa73c05e4e11d65.
SERVER_CHALLENGE = 0x651DE1E4053CA7DF
CLIENT_CHALLENGE_1 = 0x0123456789ABCDEF
CLIENT_CHALLENGE_2 = 0xFEDCBA9876543210
GLOBAL_ID = 4099
AUTH_KEY_1 = bytes(range(0x10, 0x20))
MON_KEY_1 = bytes(range(0x20, 0x30))
AUTH_KEY_2 = bytes(range(0x30, 0x40))
MON_KEY_2 = bytes(range(0x40, 0x50))
AUTH_BLOB_1 = bytes((7 * i + 1) & 0xFF for i in range(96))
MON_BLOB_1 = bytes((5 * i + 3) & 0xFF for i in range(80))
AUTH_BLOB_2 = bytes((11 * i + 2) & 0xFF for i in range(96))
MON_BLOB_2 = bytes((13 * i + 4) & 0xFF for i in range(80))
AUTH_SECRET_ID, MON_SECRET_ID = 2, 3
# aes256k: the confounder the client's own seal uses in the KUnit test
K5_CONFOUNDER = bytes(range(0xA0, 0xB0))
AUTH_TTL, MON_TTL = 43200, 3600
CREATED = (1795480381, 25039886)  # a utime: sec, nsec


def u8(v):
    return struct.pack("<B", v)


def u16(v):
    return struct.pack("<H", v)


def u32(v):
    return struct.pack("<I", v)


def s32(v):
    return struct.pack("<i", v)


def u64(v):
    return struct.pack("<Q", v)


def blist(b):
    """A bufferlist / string: le32 length, bytes."""
    return u32(len(b)) + b


def aes_cbc(key, data, pad=True):
    if pad:
        p = padding.PKCS7(128).padder()
        data = p.update(data) + p.finalize()
    e = Cipher(algorithms.AES(key), modes.CBC(AES_IV)).encryptor()
    return e.update(data) + e.finalize()


def k5_kdf(key, usage, kind, nbytes):
    """RFC 8009 KDF-HMAC-SHA2 (one round): the label is be32 usage | kind."""
    msg = (struct.pack(">I", 1) + struct.pack(">I", usage) + bytes([kind]) +
           b"\0" + struct.pack(">I", nbytes * 8))
    return hmac.new(key, msg, hashlib.sha384).digest()[:nbytes]


def cts_cs3(ke, data, encrypt=True):
    """AES-256 CBC with ciphertext stealing (CS3, Kerberos), zero IV."""
    n = len(data)
    if n == 16:
        c = Cipher(algorithms.AES(ke), modes.CBC(bytes(16)))
        op = c.encryptor() if encrypt else c.decryptor()
        return op.update(data) + op.finalize()
    assert encrypt and n > 16
    tail = n % 16 or 16
    e = Cipher(algorithms.AES(ke), modes.CBC(bytes(16))).encryptor()
    c = e.update(data + bytes(16 - tail)) + e.finalize()
    return c[:-32] + c[-16:] + c[-32:-32 + tail]


def k5_encrypt(key, usage, confounder, plain):
    """aes256-cts-hmac-sha384-192: CTS(Ke, conf | plain) | HMAC(Ki, iv | C)[:24]."""
    ke = k5_kdf(key, usage, 0xAA, 32)
    ki = k5_kdf(key, usage, 0x55, 24)
    c = cts_cs3(ke, confounder + plain)
    return c + hmac.new(ki, bytes(16) + c, hashlib.sha384).digest()[:24]


def rfc8009_self_check():
    """RFC 8009 Appendix A, aes256-cts-hmac-sha384-192: keys and encryptions."""
    base = bytes.fromhex("6D404D37FAF79F9DF0D33568D320669800EB4836472EA8A0"
                         "26D16B7182460C52")
    assert k5_kdf(base, 2, 0xAA, 32).hex().upper() == (
        "56AB22BEE63D82D7BC5227F6773F8EA7A5EB1C825160C38312980C442E5C7E49")
    assert k5_kdf(base, 2, 0x55, 24).hex().upper() == (
        "69B16514E3CD8E56B82010D5C73012B622C4D00FFC23ED1F")
    for plain, conf, ct in [
            ("", "F764E9FA15C276478B2C7D0C4E5F58E4",
             "41F53FA5BFE7026D91FAF9BE959195A058707273A96A40F0A01960621AC61274"
             "8B9BBFBE7EB4CE3C"),
            ("000102030405060708090A0B0C0D0E0F1011121314",
             "763E65367E864F02F55153C7E3B58AF1",
             "40013E2DF58E8751957D2878BCD2D6FE101CCFD556CB1EAE79DB3C3EE86429F2"
             "B2A602AC86FEF6ECB647D6295FAE077A1FEB517508D2C16B4192E01F62")]:
        got = k5_encrypt(base, 2, bytes.fromhex(conf), bytes.fromhex(plain))
        assert got.hex().upper() == ct, plain


class Aes:
    """CryptoKey type 1: AES-128-CBC, fixed IV, PKCS#7."""
    name = "aes"
    ktype = CRYPTO_AES
    klen = 16

    def seal_raw(self, key, data, usage):
        return aes_cbc(key, data)


class Aes256k:
    """CryptoKey type 2: aes256-cts-hmac-sha384-192 per key usage. The
    monitor picks a random confounder per seal; here they are fixed and
    distinct (a counter), so the output is deterministic."""
    name = "aes256k"
    ktype = CRYPTO_AES256KRB5
    klen = 32

    def __init__(self):
        self.n = 0

    def seal_raw(self, key, data, usage):
        self.n += 1
        conf = bytes((self.n * 29 + i * 7) & 0xFF for i in range(16))
        return k5_encrypt(key, usage, conf, data)


AES, K5 = Aes(), Aes256k()
CIPHER = AES    # the cipher the helpers below seal with


def seal(key, plaintext, magic=ENC_MAGIC, enc_v=1,
         usage=USAGE_TICKET_SESSION_KEY):
    """encode_encrypt(): le32 len + sealed {u8 v, le64 magic, plaintext}."""
    return blist(CIPHER.seal_raw(key, u8(enc_v) + u64(magic) + plaintext,
                                 usage))


def crypto_key(key, ktype=None):
    if ktype is None:
        ktype = {16: CRYPTO_AES, 32: CRYPTO_AES256KRB5}[len(key)]
    return u16(ktype) + u32(CREATED[0]) + u32(CREATED[1]) + u16(len(key)) + key


def service_ticket(key, ttl, v=1, ktype=None):
    """CephXServiceTicket: u8 v, CryptoKey session_key, utime validity."""
    return u8(v) + crypto_key(key, ktype) + u32(ttl) + u32(0)


def ticket_blob(secret_id, blob, v=1):
    """CephXTicketBlob: u8 v, le64 secret_id, bufferlist blob."""
    return u8(v) + u64(secret_id) + blist(blob)


def one_ticket(service, principal_key, session_key, ttl, secret_id, blob,
               enc_key=None, tkt_v=1, svc_v=1, blob_v=1, ktype=None,
               usage=USAGE_TICKET_SESSION_KEY):
    out = u32(service) + u8(tkt_v)
    out += seal(principal_key, service_ticket(session_key, ttl, svc_v, ktype),
                usage=usage)
    tb = blist(ticket_blob(secret_id, blob, blob_v))
    if enc_key is not None:
        out += u8(1) + seal(enc_key, tb, usage=USAGE_TICKET_BLOB)
    else:
        out += u8(0) + tb
    return out


def ticket_reply(tickets, v=1, count=None):
    return u8(v) + u32(len(tickets) if count is None else count) + b"".join(tickets)


def session_key_reply(auth_ticket_reply, extra, con_secret=b"", op=GET_AUTH_SESSION_KEY,
                      result=0):
    return u16(op) + s32(result) + auth_ticket_reply + blist(con_secret) + blist(extra)


def challenge_key(secret, server, client):
    """cephx_calc_client_server_challenge(): XOR of the le64 words of the
    sealed CephXChallengeBlob {server, client}, length prefix included; for
    aes256k, of HMAC-SHA256(secret, {server, client}) instead (Tentacle)."""
    if CIPHER is K5:
        enc = hmac.new(secret, u64(server) + u64(client),
                       hashlib.sha256).digest()
    else:
        enc = seal(secret, u64(server) + u64(client))
    k = 0
    for i in range(0, len(enc) - 7, 8):
        k ^= struct.unpack_from("<Q", enc, i)[0]
    return k


def authenticate(secret, server, client, old_secret_id, old_blob, other_keys):
    """CephXRequestHeader + CephXAuthenticate v3."""
    return (u16(GET_AUTH_SESSION_KEY) + u8(3) + u64(client) +
            u64(challenge_key(secret, server, client)) +
            ticket_blob(old_secret_id, old_blob) + u32(other_keys))


def first_reply(**kw):
    auth = one_ticket(SVC_AUTH, kw.get("principal", SECRET), AUTH_KEY_1,
                      AUTH_TTL, AUTH_SECRET_ID, AUTH_BLOB_1)
    mon = one_ticket(SVC_MON, AUTH_KEY_1, MON_KEY_1, MON_TTL, MON_SECRET_ID,
                     MON_BLOB_1)
    return session_key_reply(ticket_reply([auth]), ticket_reply([mon]))


def renewal_reply():
    # Renewal: the AUTH ticket blob is sealed with the old AUTH session key
    # (the monitor decoded our old ticket); the other tickets come under the
    # new AUTH session key, as on a first authentication.
    auth = one_ticket(SVC_AUTH, SECRET, AUTH_KEY_2, AUTH_TTL, AUTH_SECRET_ID,
                      AUTH_BLOB_2, enc_key=AUTH_KEY_1)
    mon = one_ticket(SVC_MON, AUTH_KEY_2, MON_KEY_2, MON_TTL, MON_SECRET_ID + 1,
                     MON_BLOB_2)
    return session_key_reply(ticket_reply([auth]), ticket_reply([mon]))


def mon_only(principal):
    return one_ticket(SVC_MON, principal, MON_KEY_1, MON_TTL, MON_SECRET_ID, MON_BLOB_1)


def auth_t(**kw):
    return one_ticket(SVC_AUTH, SECRET, AUTH_KEY_1, AUTH_TTL, AUTH_SECRET_ID,
                      AUTH_BLOB_1, **kw)


def mon_t(**kw):
    return one_ticket(SVC_MON, AUTH_KEY_1, MON_KEY_1, MON_TTL, MON_SECRET_ID,
                      MON_BLOB_1, **kw)


def bad_cipher_len():
    # a sealed length of 20: not whole AES blocks
    t = u32(SVC_AUTH) + u8(1) + blist(bytes(20)) + u8(0) + blist(ticket_blob(2, AUTH_BLOB_1))
    return session_key_reply(ticket_reply([t]), ticket_reply([mon_t()]))


def bad_padding():
    # a correct header and magic but a last block padded with 0x11 (> 16)
    body = u8(1) + u64(ENC_MAGIC) + service_ticket(AUTH_KEY_1, AUTH_TTL)
    body += bytes([0x11]) * (16 - len(body) % 16)
    ct = aes_cbc(SECRET, body, pad=False)
    t = u32(SVC_AUTH) + u8(1) + blist(ct) + u8(0) + blist(ticket_blob(2, AUTH_BLOB_1))
    return session_key_reply(ticket_reply([t]), ticket_reply([mon_t()]))


def blob_len_past_end():
    # the ticket blob's outer bufferlist length runs 1000 bytes past the end
    t = (u32(SVC_AUTH) + u8(1) + seal(SECRET, service_ticket(AUTH_KEY_1, AUTH_TTL)) +
         u8(0) + u32(1000) + ticket_blob(2, AUTH_BLOB_1))
    return u16(GET_AUTH_SESSION_KEY) + s32(0) + ticket_reply([t])


def inner_blob_len_past_end():
    # CephXTicketBlob's own blob length is longer than its bufferlist
    inner = u8(1) + u64(2) + u32(200) + AUTH_BLOB_1
    t = (u32(SVC_AUTH) + u8(1) + seal(SECRET, service_ticket(AUTH_KEY_1, AUTH_TTL)) +
         u8(0) + blist(inner))
    return session_key_reply(ticket_reply([t]), ticket_reply([mon_t()]))


def sealed_len_past_end():
    sealed = seal(SECRET, service_ticket(AUTH_KEY_1, AUTH_TTL))
    sealed = u32(len(sealed) - 4 + 16) + sealed[4:]
    t = u32(SVC_AUTH) + u8(1) + sealed
    return u16(GET_AUTH_SESSION_KEY) + s32(0) + ticket_reply([t])


def extra_trailing():
    # the service-ticket section holds junk after its one ticket
    extra = ticket_reply([mon_t()]) + b"\x00"
    return session_key_reply(ticket_reply([auth_t()]), extra)


# -EACCES: the monitor refused (the reply's status); -EBADMSG: a sealed
# part that does not open, which a monitor that accepted our proof of the
# secret never sends (it seals with the key it checked it against).
EINVAL, EACCES, EBADMSG = "-EINVAL", "-EACCES", "-EBADMSG"


def sealed_too_short():
    # aes256k: 39 bytes, one short of a confounder and an HMAC
    t = u32(SVC_AUTH) + u8(1) + blist(bytes(39)) + u8(0) + blist(ticket_blob(2, AUTH_BLOB_1))
    return session_key_reply(ticket_reply([t]), ticket_reply([mon_t()]))


def bad_hmac():
    # aes256k: the AUTH ticket's HMAC with one bit flipped
    t = auth_t()
    sealed_at = 4 + 1 + 4
    n = struct.unpack_from("<I", t, 5)[0]
    last = sealed_at + n - 1
    t = t[:last] + bytes([t[last] ^ 1]) + t[last + 1:]
    return session_key_reply(ticket_reply([t]), ticket_reply([mon_t()]))


def bad_ciphertext():
    # aes256k: a ciphertext bit flipped; the HMAC no longer matches
    t = auth_t()
    at = 4 + 1 + 4 + 20
    t = t[:at] + bytes([t[at] ^ 0x80]) + t[at + 1:]
    return session_key_reply(ticket_reply([t]), ticket_reply([mon_t()]))


def malformed():
    """Named malformed replies to a first CephXAuthenticate, for CIPHER:
    (name, payload, error). The aes set keeps its original order."""
    other_len = 32 if CIPHER is AES else 16
    cipher_specific = [
        ("cipher_not_whole_blocks", bad_cipher_len(), EBADMSG),
        ("bad_padding", bad_padding(), EBADMSG),
    ] if CIPHER is AES else [
        ("sealed_too_short", sealed_too_short(), EBADMSG),
        ("bad_hmac", bad_hmac(), EBADMSG),
        ("bad_ciphertext", bad_ciphertext(), EBADMSG),
        ("wrong_key_usage", session_key_reply(ticket_reply([
            auth_t(usage=USAGE_TICKET_BLOB)]), ticket_reply([mon_t()])), EBADMSG),
    ]
    return [
        ("wrong_secret", first_reply(principal=WRONG_SECRET), EBADMSG),
        ("bad_magic", session_key_reply(ticket_reply([
            u32(SVC_AUTH) + u8(1) + seal(SECRET, service_ticket(AUTH_KEY_1, AUTH_TTL),
                                         magic=ENC_MAGIC ^ 1) +
            u8(0) + blist(ticket_blob(2, AUTH_BLOB_1))]), ticket_reply([mon_t()])), EBADMSG),
    ] + cipher_specific + [
        ("mon_ticket_under_wrong_key", session_key_reply(
            ticket_reply([auth_t()]), ticket_reply([mon_only(SECRET)])), EBADMSG),
        ("monitor_refused", u16(GET_AUTH_SESSION_KEY) + s32(-13), EACCES),
        ("principal_op", session_key_reply(ticket_reply([auth_t()]), ticket_reply([mon_t()]),
                                           op=GET_PRINCIPAL_SESSION_KEY), EINVAL),
        ("reply_v2", session_key_reply(ticket_reply([auth_t()], v=2), ticket_reply([mon_t()])), EINVAL),
        ("ticket_v2", session_key_reply(ticket_reply([auth_t(tkt_v=2)]), ticket_reply([mon_t()])), EINVAL),
        ("service_ticket_v2", session_key_reply(ticket_reply([auth_t(svc_v=2)]), ticket_reply([mon_t()])), EINVAL),
        ("ticket_blob_v2", session_key_reply(ticket_reply([auth_t(blob_v=2)]), ticket_reply([mon_t()])), EINVAL),
        ("key_type_none", session_key_reply(ticket_reply([auth_t(ktype=0)]), ticket_reply([mon_t()])), EINVAL),
        ("count_huge", session_key_reply(ticket_reply([auth_t()], count=0x7fffffff), ticket_reply([mon_t()])), EINVAL),
        ("count_zero", session_key_reply(ticket_reply([]), ticket_reply([mon_t()])), EINVAL),
        ("no_auth_ticket", session_key_reply(ticket_reply([mon_only(SECRET)]), b""), EINVAL),
        ("duplicate_ticket", session_key_reply(ticket_reply([auth_t(), auth_t()]), ticket_reply([mon_t()])), EINVAL),
        ("unknown_service", session_key_reply(ticket_reply([
            one_ticket(0x40, SECRET, AUTH_KEY_1, AUTH_TTL, 2, AUTH_BLOB_1)]), b""), EINVAL),
        ("encrypted_blob_without_old_ticket", session_key_reply(
            ticket_reply([auth_t(enc_key=AUTH_KEY_1)]), ticket_reply([mon_t()])), EINVAL),
        ("blob_len_past_end", blob_len_past_end(), EINVAL),
        ("inner_blob_len_past_end", inner_blob_len_past_end(), EINVAL),
        ("sealed_len_past_end", sealed_len_past_end(), EINVAL),
        ("extra_trailing_junk", extra_trailing(), EINVAL),
        ("extra_len_past_end", session_key_reply(ticket_reply([auth_t()]), b"")[:-4] + u32(64), EINVAL),
        ("empty", b"", EINVAL),
        # session keys whose CryptoKey type and length disagree, or whose
        # type is unknown
        ("session_key_wrong_len", session_key_reply(ticket_reply([
            one_ticket(SVC_AUTH, SECRET, bytes(range(other_len)), AUTH_TTL,
                       AUTH_SECRET_ID, AUTH_BLOB_1, ktype=CIPHER.ktype)]),
            ticket_reply([mon_t()])), EINVAL),
        ("session_key_type_3", session_key_reply(ticket_reply([
            auth_t(ktype=3)]), ticket_reply([mon_t()])), EINVAL),
    ]


# Malformed server challenges (the first cephx reply).
CHALLENGE = u8(1) + u64(SERVER_CHALLENGE)
MALFORMED_CHALLENGE = [
    ("challenge_v2", u8(2) + u64(SERVER_CHALLENGE), EINVAL),
    ("challenge_short", CHALLENGE[:-1], EINVAL),
    ("challenge_long", CHALLENGE + b"\x00", EINVAL),
]


def use(cipher):
    """Seal with @cipher from now on, with keys of its size."""
    global CIPHER, SECRET, WRONG_SECRET, AUTH_KEY_1, MON_KEY_1, AUTH_KEY_2, MON_KEY_2
    CIPHER = cipher
    if cipher is AES:
        SECRET = bytes.fromhex("8c5d1f0a7b3e2d4c6a9f0e1d2c3b4a59")
        WRONG_SECRET = bytes.fromhex("00112233445566778899aabbccddeeff")
        base = 0x10
    else:
        cipher.n = 0
        SECRET = bytes.fromhex("4a2e8f1c9b7d3e5a6c0f1e2d3c4b5a69"
                               "788796a5b4c3d2e1f00f1e2d3c4b5a6b")
        WRONG_SECRET = bytes(range(0x80, 0xA0))
        base = 0x60
    n = cipher.klen
    AUTH_KEY_1 = bytes(range(base, base + n))
    MON_KEY_1 = bytes(range(base + n, base + 2 * n))
    AUTH_KEY_2 = bytes(range(base + 2 * n, base + 3 * n))
    MON_KEY_2 = bytes(range(base + 3 * n, base + 4 * n))


def c_bytes(name, data):
    lines = [f"static const u8 {name}[] = {{"]
    for i in range(0, len(data), 12):
        lines.append("\t" + " ".join(f"0x{b:02x}," for b in data[i:i + 12]))
    lines.append("};")
    lines.append("")
    return "\n".join(lines)


def cipher_set(c, prefix):
    """The vectors of one cipher, and its struct cephx_kat."""
    out = []
    w = out.append
    use(c)
    w(c_bytes(f"{prefix}_secret", SECRET))
    w(c_bytes(f"{prefix}_auth_key_1", AUTH_KEY_1))
    k = challenge_key(SECRET, SERVER_CHALLENGE, CLIENT_CHALLENGE_1)
    plain = b"cephx known answer"
    if c is K5:
        # the client's own seal, with the confounder the test fixes
        sealed = blist(k5_encrypt(SECRET, USAGE_TICKET_SESSION_KEY, K5_CONFOUNDER,
                                  u8(1) + u64(ENC_MAGIC) + plain))
        w(c_bytes(f"{prefix}_confounder", K5_CONFOUNDER))
    else:
        sealed = seal(SECRET, plain)
    w(c_bytes(f"{prefix}_seal_sealed", sealed))
    w(c_bytes(f"{prefix}_request_1", authenticate(SECRET, SERVER_CHALLENGE,
                                                  CLIENT_CHALLENGE_1, 0, b"", SVC_MON)))
    w(c_bytes(f"{prefix}_reply_1", first_reply()))
    w(c_bytes(f"{prefix}_request_2", authenticate(SECRET, SERVER_CHALLENGE,
                                                  CLIENT_CHALLENGE_2, AUTH_SECRET_ID,
                                                  AUTH_BLOB_1, SVC_MON)))
    w(c_bytes(f"{prefix}_reply_2", renewal_reply()))
    bad = malformed()
    for name, data, _ in bad:
        w(c_bytes(f"{prefix}_bad_{name}", data))
    conf = f"{prefix}_confounder" if c is K5 else "NULL"
    w(f"static const struct cephx_kat {prefix} = {{")
    w(f"\t.name = \"{c.name}\",")
    w(f"\t.secret = {prefix}_secret,")
    w(f"\t.secret_len = sizeof({prefix}_secret),")
    w(f"\t.auth_key_1 = {prefix}_auth_key_1,")
    w(f"\t.challenge_key_1 = 0x{k:016x}ULL,")
    w(f"\t.confounder = {conf},")
    for v in ("seal_sealed", "request_1", "reply_1", "request_2", "reply_2"):
        w(f"\t.{v} = {prefix}_{v},")
        w(f"\t.{v}_len = sizeof({prefix}_{v}),")
    w("};")
    return "\n".join(out) + "\n", bad


def generate():
    rfc8009_self_check()
    out = []
    w = out.append
    w("/* Generated by tests/gen_cephx_vectors.py; do not edit by hand. */")
    w(c_bytes("kat_auth_blob_1", AUTH_BLOB_1))
    w(c_bytes("kat_auth_blob_2", AUTH_BLOB_2))
    w(f"#define KAT_SERVER_CHALLENGE\t0x{SERVER_CHALLENGE:016x}ULL")
    w(f"#define KAT_CLIENT_CHALLENGE_1\t0x{CLIENT_CHALLENGE_1:016x}ULL")
    w(f"#define KAT_CLIENT_CHALLENGE_2\t0x{CLIENT_CHALLENGE_2:016x}ULL")
    w(f"#define KAT_GLOBAL_ID\t\t{GLOBAL_ID}")
    w(f"#define KAT_AUTH_SECRET_ID\t{AUTH_SECRET_ID}")
    w(f"#define KAT_MON_SECRET_ID\t{MON_SECRET_ID}")
    w(f"#define KAT_AUTH_TTL\t\t{AUTH_TTL}")
    w(f"#define KAT_MON_TTL\t\t{MON_TTL}")
    w(c_bytes("kat_seal_plain", b"cephx known answer"))
    w(c_bytes("kat_challenge", CHALLENGE))
    for name, data, _ in MALFORMED_CHALLENGE:
        w(c_bytes(f"bad_{name}", data))
    sets = []
    for c, prefix in ((AES, "kat_aes"), (K5, "kat_k5")):
        text, bad = cipher_set(c, prefix)
        out.append(text)
        sets.append((c, prefix, bad))
    w("static const struct auth_bad_case auth_bad_cases[] = {")
    for c, prefix, bad in sets:
        tag = "" if c is AES else c.name + "_"
        for name, data, err in bad:
            w(f"\t{{ \"{tag}{name}\", &{prefix}, false,\n"
              f"\t  {prefix}_bad_{name},\n"
              f"\t  sizeof({prefix}_bad_{name}), {err} }},")
    for name, data, err in MALFORMED_CHALLENGE:
        w(f"\t{{ \"{name}\", &kat_aes, true, bad_{name},\n\t  sizeof(bad_{name}), {err} }},")
    w("};")
    w("")
    out.append(capture_vectors())
    return "\n".join(out) + "\n"


# --------------------------------------------------------------- captures
# tests/integration/40-cephx.sh records one mount's msgr v1 byte streams
# (PREFIX.c2s, PREFIX.s2c) and the key (PREFIX.key). --capture PREFIX turns
# them into the text file CAPTURE below: the key, the global id, and the
# cephx payloads of the first exchange (server challenge, CephXAuthenticate,
# ticket reply), which generate() turns into the cap_real_* vectors.
CAPTURE = "tests/cephx-capture-tentacle.txt"
TAG_MSG, TAG_ACK, TAG_KEEPALIVE, TAG_KEEPALIVE2, TAG_KEEPALIVE2_ACK = 7, 8, 9, 14, 15
TAG_SEQ, TAG_CLOSE = 13, 6
MSG_AUTH, MSG_AUTH_REPLY = 17, 18


def msgr1_messages(data, server, seq_reply=False):
    """The (type, front) of every message in one direction of a msgr v1
    connection, after the banner, addresses and connect handshake (one
    connect; the client answers a TAG_SEQ reply with its le64 in_seq).
    Returns the messages and whether the reply was TAG_SEQ."""
    p = 9 + 136 + (136 if server else 0)
    if server:
        tag = data[p]
        alen = struct.unpack_from("<I", data, p + 21)[0]
        p += 26 + alen
        seq_reply = tag == TAG_SEQ
        if seq_reply:
            p += 8
    else:
        alen = struct.unpack_from("<I", data, p + 28)[0]
        p += 33 + alen + (8 if seq_reply else 0)
    out = []
    while p < len(data):
        tag = data[p]
        p += 1
        if tag == TAG_MSG:
            (_, _, typ, _, _, flen, mlen, dlen) = struct.unpack_from("<QQHHHIII", data, p)
            front = data[p + 53:p + 53 + flen]
            p += 53 + flen + mlen + dlen
            # the footer: 21 bytes with a signature, 13 without
            nxt = p + 21
            p = nxt if nxt >= len(data) or data[nxt] in (6, 7, 8, 9, 14, 15) else p + 13
            out.append((typ, front))
        elif tag in (TAG_ACK, TAG_KEEPALIVE2, TAG_KEEPALIVE2_ACK, TAG_SEQ):
            p += 8
        elif tag in (TAG_KEEPALIVE, TAG_CLOSE):
            pass
        else:
            break
    return out, seq_reply


def capture_to_text(prefix):
    key = open(prefix + ".key").read().strip()
    s2c, seq = msgr1_messages(open(prefix + ".s2c", "rb").read(), True)
    c2s, _ = msgr1_messages(open(prefix + ".c2s", "rb").read(), False, seq)
    reqs = []
    for typ, f in c2s:
        if typ == MSG_AUTH:
            proto = struct.unpack_from("<I", f, 18)[0]
            n = struct.unpack_from("<I", f, 22)[0]
            reqs.append((proto, f[26:26 + n]))
    reps = []
    for typ, f in s2c:
        if typ == MSG_AUTH_REPLY:
            proto, res, gid, n = struct.unpack_from("<IiQI", f, 0)
            reps.append((proto, res, gid, f[20:20 + n]))
    # hello -> challenge, CephXAuthenticate -> tickets
    assert reqs[0][0] == 0 and reqs[1][0] == 2 and reps[0][1] == 0 and reps[1][1] == 0
    lines = ["# A real cephx exchange: monc and a Tentacle 20.2.4 monitor (aes256k),",
             "# recorded by tests/integration/40-cephx.sh (relay) and extracted with",
             "# tests/gen_cephx_vectors.py --capture. Hex payloads.",
             "key " + key, "global_id %d" % reps[1][2],
             "challenge " + reps[0][3].hex(),
             "request " + reqs[1][1].hex(),
             "reply " + reps[1][3].hex()]
    return "\n".join(lines) + "\n"


def read_capture():
    try:
        text = open(CAPTURE).read()
    except OSError:
        return None
    d = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            k, v = line.split(" ", 1)
            d[k] = v
    return d


def capture_vectors():
    d = read_capture()
    if d is None:
        return ""
    import base64
    blob = base64.b64decode(d["key"])
    ktype, klen = struct.unpack_from("<H", blob, 0)[0], struct.unpack_from("<H", blob, 10)[0]
    key = blob[12:12 + klen]
    req = bytes.fromhex(d["request"])
    chal = bytes.fromhex(d["challenge"])
    # the proof in the request is what this file computes from the key
    use(K5 if ktype == CRYPTO_AES256KRB5 else AES)
    server = struct.unpack_from("<Q", chal, 1)[0]
    client = struct.unpack_from("<Q", req, 3)[0]
    assert struct.unpack_from("<Q", req, 11)[0] == challenge_key(key, server, client)
    out = [c_bytes("cap_real_secret", key), c_bytes("cap_real_challenge", chal),
           c_bytes("cap_real_request", req),
           c_bytes("cap_real_reply", bytes.fromhex(d["reply"])),
           f"#define CAP_REAL_GLOBAL_ID\t{d['global_id']}",
           f"#define CAP_REAL_CLIENT_CHALLENGE\t0x{client:016x}ULL"]
    return "\n".join(out) + "\n"


BEGIN = "/* BEGIN GENERATED VECTORS */\n"
END = "/* END GENERATED VECTORS */\n"


def session_vectors():
    """The block of tests/mon_client_test.c: one cephx exchange per cipher,
    as the session meets it (the server challenge and the ticket reply, the
    payloads of two MAuthReply messages). aes: the generated first reply;
    aes256k: the real Tentacle exchange of the capture."""
    out = ["/* Generated by tests/gen_cephx_vectors.py; do not edit by hand. */"]
    use(AES)
    out += [c_bytes("sess_aes_secret", SECRET), c_bytes("sess_aes_challenge", CHALLENGE),
            c_bytes("sess_aes_reply", first_reply()),
            f"#define SESS_AES_GLOBAL_ID\t{GLOBAL_ID}"]
    d = read_capture()
    import base64
    blob = base64.b64decode(d["key"])
    klen = struct.unpack_from("<H", blob, 10)[0]
    out += [c_bytes("sess_k5_secret", blob[12:12 + klen]),
            c_bytes("sess_k5_challenge", bytes.fromhex(d["challenge"])),
            c_bytes("sess_k5_reply", bytes.fromhex(d["reply"])),
            f"#define SESS_K5_GLOBAL_ID\t{d['global_id']}"]
    return "\n".join(out) + "\n"


def update_or_print(text, usage):
    """--update FILE: put @text between FILE's GENERATED markers; no
    argument: print it."""
    if len(sys.argv) == 3 and sys.argv[1] == "--update":
        path = sys.argv[2]
        if path.endswith("mon_client_test.c"):
            text = session_vectors()
        src = open(path).read()
        a = src.index(BEGIN) + len(BEGIN)
        b = src.index(END)
        open(path, "w").write(src[:a] + text + src[b:])
    elif len(sys.argv) == 1:
        sys.stdout.write(text)
    else:
        sys.exit(usage)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--capture":
        sys.stdout.write(capture_to_text(sys.argv[2]))
        return
    update_or_print(generate(), __doc__)


if __name__ == "__main__":
    main()
