#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Known-answer vectors for monc's cephx (tests/auth_test.c).

Written from Ceph's cephx protocol as documented and as the monitor encodes
it (CephXAuthenticate, CephXServiceTicket, CephXTicketBlob,
cephx_build_service_ticket_reply, encode_encrypt), independently of
auth_x.c: AES comes from Python's `cryptography` package (Debian's
python3-cryptography), not from the kernel.

Regenerate the block between the GENERATED markers of tests/auth_test.c:

    /usr/bin/python3 tests/gen_cephx_vectors.py --update tests/auth_test.c

or print it with no argument. Everything is deterministic (fixed key,
challenges, session keys and ticket blobs), so the output only changes when
this file does.
"""
import struct
import sys

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

AES_IV = b"cephsageyudagreg"
ENC_MAGIC = 0xFF009CAD8826AA55
GET_AUTH_SESSION_KEY = 0x0100
GET_PRINCIPAL_SESSION_KEY = 0x0200
CRYPTO_AES = 1
SVC_MON, SVC_AUTH = 0x01, 0x20

# Fixed inputs.
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


def seal(key, plaintext, magic=ENC_MAGIC, enc_v=1):
    """encode_encrypt(): le32 len + AES-CBC({u8 v, le64 magic, plaintext})."""
    return blist(aes_cbc(key, u8(enc_v) + u64(magic) + plaintext))


def crypto_key(key, ktype=CRYPTO_AES):
    return u16(ktype) + u32(CREATED[0]) + u32(CREATED[1]) + u16(len(key)) + key


def service_ticket(key, ttl, v=1, ktype=CRYPTO_AES):
    """CephXServiceTicket: u8 v, CryptoKey session_key, utime validity."""
    return u8(v) + crypto_key(key, ktype) + u32(ttl) + u32(0)


def ticket_blob(secret_id, blob, v=1):
    """CephXTicketBlob: u8 v, le64 secret_id, bufferlist blob."""
    return u8(v) + u64(secret_id) + blist(blob)


def one_ticket(service, principal_key, session_key, ttl, secret_id, blob,
               enc_key=None, tkt_v=1, svc_v=1, blob_v=1, ktype=CRYPTO_AES):
    out = u32(service) + u8(tkt_v)
    out += seal(principal_key, service_ticket(session_key, ttl, svc_v, ktype))
    tb = blist(ticket_blob(secret_id, blob, blob_v))
    if enc_key is not None:
        out += u8(1) + seal(enc_key, tb)
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
    sealed CephXChallengeBlob {server, client}, length prefix included."""
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


EINVAL, EACCES = "-EINVAL", "-EACCES"

# Named malformed replies to a first CephXAuthenticate: (name, payload, error).
MALFORMED = [
    ("wrong_secret", first_reply(principal=WRONG_SECRET), EACCES),
    ("bad_magic", session_key_reply(ticket_reply([
        u32(SVC_AUTH) + u8(1) + seal(SECRET, service_ticket(AUTH_KEY_1, AUTH_TTL),
                                     magic=ENC_MAGIC ^ 1) +
        u8(0) + blist(ticket_blob(2, AUTH_BLOB_1))]), ticket_reply([mon_t()])), EACCES),
    ("cipher_not_whole_blocks", bad_cipher_len(), EACCES),
    ("bad_padding", bad_padding(), EACCES),
    ("mon_ticket_under_wrong_key", session_key_reply(
        ticket_reply([auth_t()]), ticket_reply([mon_only(SECRET)])), EACCES),
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
]

# Malformed server challenges (the first cephx reply).
CHALLENGE = u8(1) + u64(SERVER_CHALLENGE)
MALFORMED_CHALLENGE = [
    ("challenge_v2", u8(2) + u64(SERVER_CHALLENGE), EINVAL),
    ("challenge_short", CHALLENGE[:-1], EINVAL),
    ("challenge_long", CHALLENGE + b"\x00", EINVAL),
]


def c_bytes(name, data):
    lines = [f"static const u8 {name}[] = {{"]
    for i in range(0, len(data), 12):
        lines.append("\t" + " ".join(f"0x{b:02x}," for b in data[i:i + 12]))
    lines.append("};")
    lines.append("")
    return "\n".join(lines)


def generate():
    out = []
    w = out.append
    w("/* Generated by tests/gen_cephx_vectors.py; do not edit by hand. */")
    w(c_bytes("kat_secret", SECRET))
    w(c_bytes("kat_auth_key_1", AUTH_KEY_1))
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
    k = challenge_key(SECRET, SERVER_CHALLENGE, CLIENT_CHALLENGE_1)
    w(f"#define KAT_CHALLENGE_KEY_1\t0x{k:016x}ULL")
    plain = b"cephx known answer"
    w(c_bytes("kat_seal_plain", plain))
    w(c_bytes("kat_seal_sealed", seal(SECRET, plain)))
    w(c_bytes("kat_challenge", CHALLENGE))
    w(c_bytes("kat_request_1", authenticate(SECRET, SERVER_CHALLENGE,
                                            CLIENT_CHALLENGE_1, 0, b"", SVC_MON)))
    w(c_bytes("kat_reply_1", first_reply()))
    w(c_bytes("kat_request_2", authenticate(SECRET, SERVER_CHALLENGE,
                                            CLIENT_CHALLENGE_2, AUTH_SECRET_ID,
                                            AUTH_BLOB_1, SVC_MON)))
    w(c_bytes("kat_reply_2", renewal_reply()))
    for i, (name, data, _) in enumerate(MALFORMED + MALFORMED_CHALLENGE):
        w(c_bytes(f"bad_{name}", data))
    w("static const struct auth_bad_case auth_bad_cases[] = {")
    for name, data, err in MALFORMED:
        w(f"\t{{ \"{name}\", false, bad_{name},\n\t  sizeof(bad_{name}), {err} }},")
    for name, data, err in MALFORMED_CHALLENGE:
        w(f"\t{{ \"{name}\", true, bad_{name},\n\t  sizeof(bad_{name}), {err} }},")
    w("};")
    w("")
    return "\n".join(out) + "\n"


BEGIN = "/* BEGIN GENERATED VECTORS */\n"
END = "/* END GENERATED VECTORS */\n"


def main():
    text = generate()
    if len(sys.argv) == 3 and sys.argv[1] == "--update":
        path = sys.argv[2]
        src = open(path).read()
        a = src.index(BEGIN) + len(BEGIN)
        b = src.index(END)
        open(path, "w").write(src[:a] + text + src[b:])
    elif len(sys.argv) == 1:
        sys.stdout.write(text)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
