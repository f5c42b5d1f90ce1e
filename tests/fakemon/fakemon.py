#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""fakemon: a hostile Ceph monitor that speaks msgr v1, server side.

It takes a client to any stage of a monitor session (banner, connect,
auth, monmap, subscribe, statfs, get_version), then sends ONE crafted fault
and closes (or keeps going). Python 3 standard library only: it runs under
/usr/bin/python3 inside UML, where starting python costs seconds, so one
process serves every case.

Modes:
  fakemon.py --selftest
        Check crc32c and the encoders against the shared captures, and run
        every generated case against a tiny msgr v1 client of our own.
  fakemon.py --list
        Print the generated cases.
  fakemon.py run --fsid UUID --real 127.0.0.1:6789 [--real-pid PID] ...
        The harness (used by tests/integration/50-fakemon.sh inside UML):
        listen on --port, and for each case mount a monc client with
        mon_addr=fake/real, statfs, check, unmount; print TAP.
        With --cephx-key KEY [--sample]: the cephx cases instead (aes
        and aes256k; see gen_cephx_cases).
  fakemon.py serve --fsid UUID --real 127.0.0.1:6789 --case NAME
        Serve one case forever (for manual poking).

Wire facts come from /work/shared/protocol/*.txt (Pacific 16.2.15 captures)
and from include/linux/ceph/msgr.h; cephx from tests/gen_cephx_vectors.py.
"""

import argparse
import base64
import errno
import os
import re
import select
import socket
import struct
import sys
import threading
import time
import uuid
import zlib

# --------------------------------------------------------------------------
# crc32c (Castagnoli), as ceph_crc32c(0, ...): seed 0, no pre/post inversion.

_CRC_TABLE = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _CRC_TABLE.append(_c)
del _i, _c


def crc32c(data, crc=0):
    """Raw reflected CRC-32C of @data from seed @crc (no inversions)."""
    t = _CRC_TABLE
    for b in data:
        crc = t[(crc ^ b) & 0xff] ^ (crc >> 8)
    return crc


# --------------------------------------------------------------------------
# msgr v1 constants (include/linux/ceph/msgr.h, ceph_fs.h, ceph_features.h)

BANNER = b"ceph v027"
LEGACY_ADDR_LEN = 136
CONNECT_LEN = 33          # ceph_msg_connect
CONNECT_REPLY_LEN = 26    # ceph_msg_connect_reply
HDR_LEN = 53              # ceph_msg_header
HDR_CRC_OFF = 49

TAG_READY = 1
TAG_RESETSESSION = 2
TAG_WAIT = 3
TAG_RETRY_SESSION = 4
TAG_RETRY_GLOBAL = 5
TAG_CLOSE = 6
TAG_MSG = 7
TAG_ACK = 8
TAG_KEEPALIVE = 9
TAG_BADPROTOVER = 10
TAG_BADAUTHORIZER = 11
TAG_FEATURES = 12
TAG_SEQ = 13
TAG_KEEPALIVE2 = 14
TAG_KEEPALIVE2_ACK = 15

MSG_MON_MAP = 4
MSG_STATFS = 13
MSG_STATFS_REPLY = 14
MSG_MON_SUBSCRIBE = 15
MSG_MON_SUBSCRIBE_ACK = 16
MSG_AUTH = 17
MSG_AUTH_REPLY = 18
MSG_MON_GET_VERSION = 19
MSG_MON_GET_VERSION_REPLY = 20
MSG_MDS_MAP = 21
MSG_OSD_MAP = 41

ENTITY_MON = 1
ENTITY_CLIENT = 8

FEAT_RECONNECT_SEQ = 1 << 6
FEAT_MSG_AUTH = 1 << 23
FEAT_MON_STATEFUL_SUB = 1 << 57
# What Pacific 16.2.15 advertised in every capture.
SERVER_FEATURES = 0x3f01cfbdfffdffff
PROTOCOL_VERSION = 15     # CEPH_MONC_PROTOCOL

FOOTER_COMPLETE = 1
PRIO_HIGH = 196

# Timestamps (utime_t) of the captured monmap, for byte-exact comparison.
CAPTURE_STAMP = bytes.fromhex("63d6046b04bbd534")

# The captured MOSDMap front (1506 bytes, full features; fsid 1111...5555),
# zlib+base64. Its fsid is replaced by the cluster's when sent.
_OSDMAP_Z = (
    "eNrdU71S20AQvpMlW/6ZiZUZmszQkCJVGgQpYwoXvEBmQuUc0gkLyzpHdwozNLhNkQdIah6A"
    "KkWqlDwBAw08Ao8At86efNjB0KTJztzO3v7dt/tJQRAEGxth2O9/mAnRQvVx9fnpEeI3zrRu"
    "0n2tg4VcyOEX7qjv3r69uXJH+drlloP1IOveN23SGnF8ffPJXFyyWuh0bjt/S7hDqYzKAdWU"
    "PtGfTF/VCdnurMz5/aZJiDWOhkK3tK7hAb+HkRd47+L95QPg3R3TR79KIj4ZJpLiSsZcsZgp"
    "No9c61UOfp28NkvzF3A5lG4/gIX7IM8Qp6Jm73+jxga+vGqILq/5fEeF/2rNprBdvTgArp1l"
    "N+CauacfV3b9RP/M5lvdPUTVrj7FJ+jDj1cz0aLWRHUrbm/S8AA1QsYmPBRSAeQGTDFkUqay"
    "hqGCRSMXKwpx5KE5icu6MUXcMMlCjGGcFtIT8VzxoonRY5HzFoIr+EEq8va8Thn40CvmCSsz"
    "Ra3fseCTLI2Y4vGgKDNuBtrEISl9t8iumd9q6KJrBGoT1HhmAaJJVh6kOaA/5AWTZcEBt+LR"
    "ME8/l7wzw6BflyIbfGG5/cJj0qTvyfPkx/e9XhjKXpIkvU7Xjpx9Pd21WbwH8Va3Ww==")
CAPTURE_FSID = bytes.fromhex("11111111222233334444555555555555")


def captured_osdmap(fsid):
    front = zlib.decompress(base64.b64decode(_OSDMAP_Z))
    return front.replace(CAPTURE_FSID, fsid)


# --------------------------------------------------------------------------
# Encoding, with a record of where every length/count/version field lives,
# so the case generator can corrupt each one in place.

class Enc:
    """Little-endian encoder that records named fields.

    fields: list of (name, kind, offset, size, value); kind is one of
    'len' (a byte length), 'count' (an element count), 'ver', 'compat',
    'val'.
    """

    def __init__(self):
        self.b = bytearray()
        self.fields = []

    def _put(self, fmt, v, name, kind):
        off = len(self.b)
        self.b += struct.pack("<" + fmt, v)
        if name:
            self.fields.append((name, kind, off, struct.calcsize(fmt), v))
        return off

    def u8(self, v, name=None, kind="val"):
        return self._put("B", v, name, kind)

    def u16(self, v, name=None, kind="val"):
        return self._put("H", v, name, kind)

    def u32(self, v, name=None, kind="val"):
        return self._put("I", v & 0xffffffff, name, kind)

    def s32(self, v, name=None, kind="val"):
        return self._put("i", v, name, kind)

    def u64(self, v, name=None, kind="val"):
        return self._put("Q", v & 0xffffffffffffffff, name, kind)

    def raw(self, data):
        self.b += data

    def string(self, s, name=None):
        if isinstance(s, str):
            s = s.encode()
        self.u32(len(s), name and name + ".strlen", "len")
        self.b += s

    def start(self, v, compat, name):
        """ENCODE_START: v, compat, le32 length patched by finish()."""
        self.u8(v, name + ".struct_v", "ver")
        self.u8(compat, name + ".compat", "compat")
        off = len(self.b)
        self.b += b"\0\0\0\0"
        return (name, off)

    def finish(self, tok):
        name, off = tok
        n = len(self.b) - off - 4
        struct.pack_into("<I", self.b, off, n)
        self.fields.append((name + ".struct_len", "len", off, 4, n))

    def len_prefix(self, name):
        off = len(self.b)
        self.b += b"\0\0\0\0"
        return (name, off)

    def len_done(self, tok):
        name, off = tok
        n = len(self.b) - off - 4
        struct.pack_into("<I", self.b, off, n)
        self.fields.append((name, "len", off, 4, n))

    def bytes(self):
        return bytes(self.b)


def sockaddr_in_le(ip, port):
    """sockaddr_in as entity_addr_t's versioned form carries it (family LE)."""
    return (struct.pack("<H", socket.AF_INET) + struct.pack(">H", port) +
            socket.inet_aton(ip) + b"\0" * 8)


def legacy_addr(ip, port, nonce=0, typ=0):
    """The 136-byte banner entity_addr: family big-endian."""
    ss = (struct.pack(">HH", socket.AF_INET, port) + socket.inet_aton(ip))
    ss += b"\0" * (128 - len(ss))
    return struct.pack("<II", typ, nonce) + ss


def enc_addr(e, ip, port, name, typ=1, nonce=0, marker=True):
    if marker:
        e.u8(1, name + ".marker")
    t = e.start(1, 1, name)
    e.u32(typ, name + ".type")
    e.u32(nonce)
    sa = sockaddr_in_le(ip, port)
    e.u32(len(sa), name + ".sockaddr_len", "len")
    e.raw(sa)
    e.finish(t)


def enc_monmap_blob(e, fsid, epoch, mons, v=9, compat=6, stamp=CAPTURE_STAMP,
                    name="monmap"):
    """MonMap::encode, ENCODE_START(9, 6) form (Nautilus+ features).

    mons: list of (name, ip, port). The map key is the name; ranks list
    the names in the given order.
    """
    t = e.start(v, compat, name)
    e.raw(fsid)
    e.u32(epoch, name + ".epoch")
    e.raw(stamp)            # last_changed
    e.raw(stamp)            # created
    for fname in ("persistent_features", "optional_features"):
        ft = e.start(1, 1, name + "." + fname)
        e.u64(0xff if fname == "persistent_features" else 0)
        e.finish(ft)
    e.u32(len(mons), name + ".mon_info.count", "count")
    for i, (mname, ip, port) in enumerate(sorted(mons)):
        pre = "%s.mon%d" % (name, i)
        e.string(mname, pre + ".key")
        mt = e.start(5, 1, pre + ".info")
        e.string(mname, pre + ".name")
        e.u8(2, pre + ".addrvec.marker")
        e.u32(1, pre + ".addrvec.count", "count")
        enc_addr(e, ip, port, pre + ".addr")
        e.u16(0)            # priority
        e.u16(0)            # weight
        e.u32(0, pre + ".crush_loc.count", "count")
        e.finish(mt)
    e.u32(len(mons), name + ".ranks.count", "count")
    for i, (mname, _, _) in enumerate(mons):
        e.string(mname, "%s.rank%d" % (name, i))
    e.u8(16)                # min_mon_release (pacific)
    e.u32(0, name + ".removed_ranks.count", "count")
    e.u8(1)                 # election strategy
    e.u32(0, name + ".disallowed_leaders.count", "count")
    e.u8(0)                 # stretch_mode_enabled
    e.string("", name + ".tiebreaker")
    e.u32(0, name + ".stretch_down.count", "count")
    e.finish(t)


def monmap_front(fsid, epoch, mons, **kw):
    e = Enc()
    lt = e.len_prefix("monmap.bl_len")
    enc_monmap_blob(e, fsid, epoch, mons, **kw)
    e.len_done(lt)
    return e


def auth_reply_front(protocol=1, result=0, global_id=4242, payload=b"",
                     msg=b""):
    e = Enc()
    e.u32(protocol, "auth.protocol")
    e.s32(result, "auth.result")
    e.u64(global_id, "auth.global_id")
    e.u32(len(payload), "auth.payload_len", "len")
    e.raw(payload)
    e.string(msg, "auth.result_msg")
    return e


def subscribe_ack_front(fsid, interval=86400):
    e = Enc()
    e.u32(interval, "suback.interval")
    e.raw(fsid)
    return e


def statfs_reply_front(fsid, kb=0, used=0, avail=0, objects=0, version=1):
    e = Enc()
    e.raw(fsid)
    e.u64(version, "statfs.version")
    e.u64(kb)
    e.u64(used)
    e.u64(avail)
    e.u64(objects)
    return e


def version_reply_front(handle, newest=4, oldest=1):
    e = Enc()
    e.u64(handle, "version.handle")
    e.u64(newest)
    e.u64(oldest)
    return e


# --------------------------------------------------------------------------
# Frames

def msg_header(typ, front_len, seq, tid=0, version=1, compat=1,
               prio=PRIO_HIGH, middle_len=0, data_len=0, src_num=0,
               crc_xor=0):
    h = struct.pack("<QQHHHIIIHBQHH", seq, tid, typ, prio, version,
                    front_len, middle_len, data_len, 0, ENTITY_MON, src_num,
                    compat, 0)
    return h + struct.pack("<I", crc32c(h) ^ crc_xor)


def msg_footer(front, signed, flags=FOOTER_COMPLETE, crc_xor=0):
    f = struct.pack("<III", crc32c(front) ^ crc_xor, 0, 0)
    if signed:
        f += struct.pack("<Q", 0)
    return f + bytes([flags])


def msg_frame(typ, front, seq, signed, tid=0, version=1, compat=1,
              hdr_crc_xor=0, front_crc_xor=0, flags=FOOTER_COMPLETE,
              front_len=None, src_num=0):
    if front_len is None:
        front_len = len(front)
    return (bytes([TAG_MSG]) +
            msg_header(typ, front_len, seq, tid, version, compat,
                       src_num=src_num, crc_xor=hdr_crc_xor) +
            front + msg_footer(front, signed, flags, front_crc_xor))


# Header version/compat that Pacific uses per type.
MSG_VERSIONS = {
    MSG_AUTH_REPLY: (1, 1),
    MSG_MON_MAP: (1, 1),
    MSG_STATFS_REPLY: (1, 1),
    MSG_MON_SUBSCRIBE_ACK: (1, 1),
    MSG_MON_GET_VERSION_REPLY: (2, 2),
    MSG_OSD_MAP: (4, 3),
}


# --------------------------------------------------------------------------
# Server

class Closed(Exception):
    pass


class Srv:
    """Configuration and shared state of the fake monitor."""

    def __init__(self, fsid, port, real, fake_name="fake", real_name="a",
                 log=None):
        self.fsid = fsid
        self.port = port
        self.real = real                # (ip, port) or None
        self.fake_name = fake_name
        self.real_name = real_name
        self.case = None
        self.lock = threading.Lock()
        self.log = log or (lambda s: None)
        self.on_fault = None            # called once the fault is sent
        self.global_id = 4200
        self.listener = None
        self.threads = []
        self.conns = set()

    def mons(self):
        m = [(self.fake_name, "127.0.0.1", self.port)]
        if self.real:
            m.append((self.real_name, self.real[0], self.real[1]))
        return m

    def rank(self):
        return sorted(self.mons()).index(
            (self.fake_name, "127.0.0.1", self.port))

    def good_monmap(self, epoch=1):
        return monmap_front(self.fsid, epoch, self.mons()).bytes()

    def listen(self, host="127.0.0.1"):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, self.port))
        self.port = s.getsockname()[1]
        s.listen(64)
        self.listener = s
        t = threading.Thread(target=self._accept_loop, daemon=True)
        t.start()

    def _accept_loop(self):
        while True:
            try:
                sock, peer = self.listener.accept()
            except OSError:
                return
            t = threading.Thread(target=self._serve, args=(sock, peer),
                                 daemon=True)
            t.start()

    def _serve(self, sock, peer):
        with self.lock:
            case = self.case
            self.conns.add(sock)
        try:
            if case is None or case.done:
                # The case is spent: refuse, so the client hunts onward.
                case and case.note("refused a connection after the fault")
                return
            case.connections += 1
            Conn(self, sock, peer, case).run()
        except (Closed, OSError, EOFError) as e:
            if case:
                case.note("connection ended: %r" % (e,))
        except Exception as e:  # noqa: BLE001 - a bug in a case
            if case:
                case.errors.append("fakemon bug: %r" % (e,))
            raise
        finally:
            with self.lock:
                self.conns.discard(sock)
            try:
                sock.close()
            except OSError:
                pass

    def close_all(self):
        with self.lock:
            for s in list(self.conns):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class Conn:
    """One accepted connection, driven through the stages of a session."""

    def __init__(self, srv, sock, peer, case):
        self.srv = srv
        self.sock = sock
        self.peer = peer
        self.case = case
        self.seq = 0            # our last sent seq
        self.in_seq = 0
        self.features = 0       # in effect
        self.client_features = 0
        self.sub_epoch = 1
        sock.settimeout(case.io_timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    # -- I/O
    def send(self, data):
        self.sock.sendall(data)

    def recv_exact(self, n):
        buf = bytearray()
        while len(buf) < n:
            try:
                d = self.sock.recv(n - len(buf))
            except socket.timeout:
                raise Closed("timeout")
            if not d:
                raise Closed("eof")
            buf += d
        return bytes(buf)

    @property
    def signed(self):
        return bool(self.features & FEAT_MSG_AUTH)

    def next_seq(self):
        self.seq += 1
        return self.seq

    def msg(self, typ, front, tid=0, **kw):
        """Frame a message from us with the next seq and good CRCs."""
        v, c = MSG_VERSIONS.get(typ, (1, 1))
        kw.setdefault("version", v)
        kw.setdefault("compat", c)
        return msg_frame(typ, front, self.next_seq(), self.signed, tid=tid,
                         src_num=self.srv.rank(), **kw)

    def send_msg(self, typ, front, tid=0, **kw):
        self.send(self.msg(typ, front, tid, **kw))

    # -- stages
    def fault(self, stage, ctx=None):
        """If the case faults at @stage, send its fault; True if it did."""
        case = self.case
        if case.stage != stage or case.done:
            return False
        case.fault_ctx = ctx
        # Mark it first: the client may act on the fault before we return.
        case.done = not case.repeat
        case.exercised = True
        case.fault_at = time.monotonic()
        case.note("fault sent at %s" % stage)
        action = case.fault(self, ctx) or "close"
        if self.srv.on_fault:
            self.srv.on_fault(case)
        if action == "close":
            self.watch(case.grace)
            raise Closed("closed after fault")
        if action == "silent":
            # A monitor that hangs: read and drop everything until the
            # client gives up on us.
            while self.sock.recv(65536):
                pass
            raise Closed("client left the silent monitor")
        return True

    def run(self):
        if self.fault("accept"):
            return
        self.send(BANNER + legacy_addr("127.0.0.1", self.srv.port) +
                  legacy_addr(self.peer[0], self.peer[1]))
        if self.recv_exact(9) != BANNER:
            raise Closed("bad client banner")
        self.recv_exact(LEGACY_ADDR_LEN)
        c = self.recv_exact(CONNECT_LEN)
        (feat, host_type, gseq, cseq, proto, auth_proto, auth_len,
         flags) = struct.unpack("<QIIIIIIB", c)
        if auth_len > 4096:
            raise Closed("authorizer too long")
        self.recv_exact(auth_len)
        self.client_features = feat
        self.features = feat & SERVER_FEATURES
        self.connect_seq = cseq
        if self.fault("connect", c):
            return
        tag = TAG_SEQ if feat & FEAT_RECONNECT_SEQ else TAG_READY
        self.send(self.connect_reply(tag))
        if tag == TAG_SEQ:
            self.send(struct.pack("<Q", 0))
            self.recv_exact(8)
        if self.fault("ready"):
            return
        self.loop()

    def watch(self, secs):
        """For @secs after a fault, read what the client sends and note
        the message types (an MMonSubscribe after a bogus MAuthReply means
        monc took it)."""
        end = time.monotonic() + secs
        try:
            while True:
                left = end - time.monotonic()
                if left <= 0:
                    return
                self.sock.settimeout(left)
                tag = self.recv_exact(1)[0]
                if tag == TAG_MSG:
                    m = self.read_msg()
                    self.case.after_fault.append(m["type"])
                elif tag in (TAG_ACK, TAG_KEEPALIVE2):
                    self.recv_exact(8)
                elif tag != TAG_KEEPALIVE:
                    return
        except (Closed, OSError):
            return

    def connect_reply(self, tag, features=None, gseq=1, cseq=None,
                      proto=PROTOCOL_VERSION, auth_len=0, flags=1):
        if features is None:
            features = SERVER_FEATURES
        if cseq is None:
            cseq = self.connect_seq + 1
        return struct.pack("<BQIIIIB", tag, features, gseq, cseq, proto,
                           auth_len, flags)

    def read_msg(self):
        hdr = self.recv_exact(HDR_LEN)
        (seq, tid, typ, prio, ver, front_len, middle_len, data_len, data_off,
         src_type, src_num, compat, _res, crc) = struct.unpack(
            "<QQHHHIIIHBQHHI", hdr)
        if crc32c(hdr[:HDR_CRC_OFF]) != crc:
            raise Closed("client header crc mismatch")
        if front_len > 1 << 20 or middle_len > 1 << 20 or data_len > 1 << 20:
            raise Closed("client message too long")
        front = self.recv_exact(front_len)
        self.recv_exact(middle_len + data_len)
        foot = self.recv_exact(21 if self.signed else 13)
        fcrc = struct.unpack_from("<I", foot, 0)[0]
        if fcrc != crc32c(front):
            raise Closed("client front crc mismatch")
        self.in_seq = seq
        return {"seq": seq, "tid": tid, "type": typ, "front": front,
                "version": ver}

    def loop(self):
        while True:
            tag = self.recv_exact(1)[0]
            if tag == TAG_MSG:
                m = self.read_msg()
                self.send(bytes([TAG_ACK]) + struct.pack("<Q", m["seq"]))
                self.dispatch(m)
            elif tag == TAG_ACK:
                self.recv_exact(8)
            elif tag == TAG_KEEPALIVE:
                pass
            elif tag == TAG_KEEPALIVE2:
                stamp = self.recv_exact(8)
                if not self.fault("keepalive", stamp):
                    self.send(bytes([TAG_KEEPALIVE2_ACK]) + stamp)
            elif tag == TAG_CLOSE:
                raise Closed("client sent CLOSE")
            else:
                raise Closed("client sent unknown tag %d" % tag)

    def dispatch(self, m):
        typ = m["type"]
        srv = self.srv
        if typ == MSG_AUTH:
            self.case.saw_auth = True
            if self.case.cx:
                cx_dispatch_auth(self, m)
                return
            if self.fault("auth", m):
                return
            srv.global_id += 1
            self.send_msg(MSG_AUTH_REPLY,
                          auth_reply_front(global_id=srv.global_id).bytes())
            if self.fault("monmap", m):
                return
            self.send_msg(MSG_MON_MAP, srv.good_monmap())
        elif typ == MSG_MON_SUBSCRIBE:
            subs = parse_subscribe(m["front"])
            self.case.subs = subs
            if self.fault("subscribe", m):
                return
            out = []
            if "monmap" in subs:
                out.append(self.msg(MSG_MON_MAP, srv.good_monmap()))
            if "osdmap" in subs:
                out.append(self.msg(MSG_OSD_MAP, captured_osdmap(srv.fsid)))
            self.send(b"".join(out))
            if self.fault("suback", m):
                return
            if not self.client_features & FEAT_MON_STATEFUL_SUB:
                self.send_msg(MSG_MON_SUBSCRIBE_ACK,
                              subscribe_ack_front(srv.fsid).bytes())
            self.fault("session", m)
        elif typ == MSG_STATFS:
            self.case.saw_statfs = True
            if self.fault("statfs", m):
                return
            self.send_msg(MSG_STATFS_REPLY,
                          statfs_reply_front(srv.fsid).bytes(), tid=m["tid"])
        elif typ == MSG_MON_GET_VERSION:
            if self.fault("version", m):
                return
            handle = struct.unpack_from("<Q", m["front"], 0)[0]
            self.send_msg(MSG_MON_GET_VERSION_REPLY,
                          version_reply_front(handle).bytes(), tid=m["tid"])
        # Anything else (MMonCommand, ...) gets no answer.


def parse_subscribe(front):
    """MMonSubscribe v2/v3 front: le32 n, then {string, le64 start, u8}."""
    subs = {}
    try:
        n = struct.unpack_from("<I", front, 0)[0]
        off = 4
        for _ in range(min(n, 64)):
            ln = struct.unpack_from("<I", front, off)[0]
            name = front[off + 4:off + 4 + ln].decode(errors="replace")
            off += 4 + ln
            start, flags = struct.unpack_from("<QB", front, off)
            off += 9
            subs[name] = (start, flags)
    except struct.error:
        pass
    return subs


# --------------------------------------------------------------------------
# Cases

class Case:
    """One hostile scenario.

    stage: where the fault is sent: accept, connect, ready, auth, monmap,
      subscribe, suback, session, statfs, version, keepalive; for cephx
      cases also cx-challenge (the CephXServerChallenge) and cx-reply (the
      ticket reply).
    fault(conn, ctx) sends the fault and returns "close" (default: close
      after a short grace) or "continue" (keep serving normally).
    expect: "recover" (a statfs through the mount must then succeed with
      the real cluster's numbers) or "any" (any result, but bounded).
    """

    def __init__(self, name, family, stage, fault, expect="recover",
                 bound=45.0, grace=0.05, io_timeout=20.0):
        self.name = name
        self.family = family
        self.stage = stage
        self.fault = fault
        self.expect = expect
        self.bound = bound
        self.grace = grace
        self.io_timeout = io_timeout
        self.accept_version = None
        # The fault is an MAuthReply monc must refuse: it must not go on
        # to subscribe on that connection.
        self.must_reject_auth = False
        # Seconds the relay to the real monitor stays closed after the
        # fault (the slow-peer cases: monc must give up on the fake alone).
        self.release_delay = 0.0
        # Flapping monitor (family "flap"): the fault is sent on EVERY
        # connection, the mount lists the fake alone and must fail after
        # flap_mount_ms with at most flap_max_conns connections, and monc's
        # logged reason must contain flap_reason.
        self.repeat = False
        self.flap_mount_ms = 10000
        self.flap_max_conns = 10
        self.flap_reason = ""
        # cephx cases (gen_cephx_cases): a CephxCase
        self.cx = None
        self.reset()

    def reset(self):
        self.done = False
        self.exercised = False
        self.connections = 0
        self.notes = []
        self.errors = []
        self.fault_ctx = None
        self.fault_at = None
        self.gave_up = None
        self.after_fault = []
        self.saw_auth = False
        self.saw_statfs = False
        self.subs = {}

    def note(self, s):
        self.notes.append(s)


# Distinctive numbers a faulty MStatfsReply carries: if monc ever accepts
# one, statfs returns them instead of the real (empty) cluster's zeros.
POISON = 0x4242424242


POISON_EPOCH = 0x4242


def poisoned_statfs(fsid):
    return statfs_reply_front(fsid, kb=POISON, used=POISON, avail=POISON,
                              objects=POISON, version=7)


def u_values(size, actual):
    """Values for a length/count field: 0, 1, actual-1, actual+1 and the
    signed/unsigned extremes of its width."""
    top = (1 << (8 * size)) - 1
    half = top >> 1
    vals = [0, 1, actual - 1, actual + 1, half - 1, half, half + 1,
            top - 1, top]
    out = []
    for v in vals:
        v &= top
        if v != actual and v not in out:
            out.append(v)
    return out


def patched(enc_or_bytes, off, size, value):
    b = bytearray(enc_or_bytes)
    b[off:off + size] = value.to_bytes(size, "little")
    return bytes(b)


def gen_cases(fsid, mons, with_slow=True, flood_n=10000):
    """Every case, in a stable order. mons: the good monmap's monitors."""
    cases = []
    add = cases.append
    wrong_fsid = bytes(reversed(fsid))

    def send_front(typ, front, tid_from_req=False, tid=0, **kw):
        def f(conn, ctx):
            t = ctx["tid"] if tid_from_req and isinstance(ctx, dict) else tid
            conn.send_msg(typ, front, tid=t, **kw)
            return "close"
        return f

    def statfs_fault(front, **kw):
        return send_front(MSG_STATFS_REPLY, front, tid_from_req=True, **kw)

    # Messages monc decodes, in their good form, with their stage.
    good_auth = auth_reply_front(global_id=4343)
    good_map = monmap_front(fsid, 1, mons)
    good_ack = subscribe_ack_front(fsid)
    bad_statfs = poisoned_statfs(fsid)

    # 0. A flapping monitor (issue #17): every session is accepted, then
    # dropped right after auth. monc must back off, not storm.
    c = Case("flap-close-after-auth", "flap", "monmap",
             lambda conn, ctx: "close", bound=40, grace=0.0)
    c.repeat = True
    c.flap_reason = "closed the session"
    add(c)
    # ... or after a monmap monc refuses (its struct ends before the fsid).
    c = Case("flap-refused-monmap", "flap", "monmap",
             pre_then_close(MSG_MON_MAP, struct.pack("<IBBI", 6, 9, 7, 0)),
             bound=40, grace=0.0)
    c.repeat = True
    c.flap_reason = "monmap refused"
    add(c)
    good_ver = version_reply_front(1)

    # The monmap the truncation cases cut carries a poisoned epoch: if monc
    # ever installs it, the test client's map counters show it.
    trunc_map = monmap_front(fsid, POISON_EPOCH, mons)
    decoded = [
        ("authreply", MSG_AUTH_REPLY, "auth", good_auth),
        ("monmap", MSG_MON_MAP, "monmap", trunc_map),
        ("suback", MSG_MON_SUBSCRIBE_ACK, "suback", good_ack),
        ("statfsreply", MSG_STATFS_REPLY, "statfs", bad_statfs),
        ("versionreply", MSG_MON_GET_VERSION_REPLY, "version", good_ver),
    ]

    def send_version(mutate, **kw):
        """A poisoned MMonGetVersionReply answering the request's handle."""
        def f(conn, ctx):
            h = struct.unpack_from("<Q", ctx["front"], 0)[0]
            front = version_reply_front(h, newest=POISON,
                                        oldest=POISON + 1).bytes()
            conn.send_msg(MSG_MON_GET_VERSION_REPLY, mutate(front),
                          tid=ctx["tid"], **kw)
            return "close"
        return f

    # 1. Truncation at every byte: a complete frame, front cut at k.
    for short, typ, stage, e in decoded:
        full = e.bytes()
        for k in range(len(full)):
            if stage == "version":
                fault = send_version(lambda b, k=k: b[:k])
            else:
                fault = send_front(typ, full[:k],
                                   tid_from_req=(stage == "statfs"))
            c = Case("trunc-%s-%d/%d" % (short, k, len(full)),
                     "truncate-" + short, stage, fault)
            if stage == "auth":
                c.must_reject_auth = True
                c.grace = 0.3
            add(c)
    # The monmap blob cut inside a consistent bl_len (the inner decoder
    # sees a short blob; ENCODE_START's length still claims the whole).
    blob = trunc_map.bytes()[4:]
    for k in range(0, len(blob), 4):
        front = struct.pack("<I", k) + blob[:k]
        add(Case("trunc-monmap-blob-%d/%d" % (k, len(blob)),
                 "truncate-monmap-blob", "monmap",
                 send_front(MSG_MON_MAP, front)))

    # 2. Every length and count field, at the edges.
    for short, typ, stage, e in decoded:
        full = e.bytes()
        for (fname, kind, off, size, actual) in e.fields:
            if kind not in ("len", "count"):
                continue
            for v in u_values(size, actual):
                add(Case("field-%s-%s=%#x" % (short, fname, v),
                         "field-" + short, stage,
                         send_front(typ, patched(full, off, size, v),
                                    tid_from_req=(stage in ("statfs",
                                                            "version")))))
    # Versions and compats of every versioned struct in the monmap.
    full = good_map.bytes()
    for (fname, kind, off, size, actual) in good_map.fields:
        if kind not in ("ver", "compat"):
            continue
        vals = [0, 255] + ([actual + 1] if kind == "ver" else [actual + 1,
                                                                  100])
        for v in vals:
            if v == actual:
                continue
            exp = "recover"
            add(Case("version-monmap-%s=%d" % (fname, v), "struct-version",
                     "monmap", send_front(MSG_MON_MAP,
                                          patched(full, off, 1, v)),
                     expect=exp))
    # Message header version/compat nobody knows.
    for short, typ, stage, e in decoded:
        if stage == "version":
            continue
        # A good front (zeros for statfs): dropping it and taking it are
        # both fine; what matters is that nothing breaks.
        front = (statfs_reply_front(fsid).bytes() if stage == "statfs"
                 else e.bytes())
        fault = send_front(typ, front, version=200, compat=200,
                           tid_from_req=(stage == "statfs"))
        add(Case("hdr-compat-%s=200" % short, "header-version", stage,
                 fault))

    # 3. Monitor counts: zero, max, over max.
    def monmap_n(n, epoch=2):
        ms = list(mons)
        for i in range(n - len(ms)):
            ms.append(("x%03d" % i, "127.0.0.1", 20000 + i))
        return monmap_front(fsid, epoch, ms[:n]).bytes()

    add(Case("monmap-zero-mons", "mon-count", "monmap",
             send_front(MSG_MON_MAP, monmap_front(fsid, 1, []).bytes())))
    add(Case("monmap-zero-mons-later", "mon-count", "statfs",
             pre_then_close(MSG_MON_MAP, monmap_front(fsid, 2, []).bytes())))
    add(Case("monmap-32-mons", "mon-count", "monmap",
             send_front(MSG_MON_MAP, monmap_n(32))))
    for n in (33, 64, 1000):
        add(Case("monmap-%d-mons" % n, "mon-count", "monmap",
                 send_front(MSG_MON_MAP, monmap_n(n))))
    # Duplicate names/addresses.
    dup = monmap_front(fsid, 1, list(mons) + [("zz", "127.0.0.1",
                                               mons[0][2])]).bytes()
    add(Case("monmap-dup-addr", "mon-count", "monmap",
             send_front(MSG_MON_MAP, dup)))
    # A monitor with no v1 address (msgr2 only).
    e = Enc()
    lt = e.len_prefix("bl")
    enc_monmap_blob(e, fsid, 1, mons)
    e.len_done(lt)
    b = e.bytes()
    for (fname, kind, off, size, actual) in e.fields:
        if fname.endswith(".addr.type"):
            add(Case("monmap-%s=msgr2" % fname, "mon-addr", "monmap",
                     send_front(MSG_MON_MAP, patched(b, off, 4, 2))))
            add(Case("monmap-%s=0xffffffff" % fname, "mon-addr", "monmap",
                     send_front(MSG_MON_MAP,
                                patched(b, off, 4, 0xffffffff))))
        if fname.endswith(".addrvec.marker"):
            for v in (0, 1, 3, 255):
                add(Case("monmap-%s=%d" % (fname, v), "mon-addr", "monmap",
                         send_front(MSG_MON_MAP, patched(b, off, 1, v))))
    # A sockaddr of family AF_INET6 / garbage in a v1 address.
    for fam in (10, 0, 0xffff):
        bb = bytearray(b)
        for (fname, kind, off, size, actual) in e.fields:
            if fname.endswith(".addr.sockaddr_len"):
                struct.pack_into("<H", bb, off + 4, fam)
        add(Case("monmap-family=%#x" % fam, "mon-addr", "monmap",
                 send_front(MSG_MON_MAP, bytes(bb))))
    # Legacy (struct_v 5) and pre-versioned (u16 v1) encodings.
    add(Case("monmap-epoch-0", "mon-count", "monmap",
             send_front(MSG_MON_MAP, monmap_front(fsid, 0, mons).bytes())))
    add(Case("monmap-epoch-max", "mon-count", "monmap",
             send_front(MSG_MON_MAP,
                        monmap_front(fsid, 0xffffffff, mons).bytes())))

    # 4. Auth: the CVE patterns and friends.
    auth_cases = [
        ("payload-len-past-end", auth_reply_front(payload=b"x" * 16),
         lambda b: patched(b, 16, 4, 17)),
        ("payload-len-huge", auth_reply_front(payload=b"x" * 16),
         lambda b: patched(b, 16, 4, 0xfffffff0)),
        ("payload-len-negative", auth_reply_front(payload=b"x" * 16),
         lambda b: patched(b, 16, 4, 0x80000000)),
        ("msg-len-past-end", auth_reply_front(msg=b"hello"),
         lambda b: patched(b, 20, 4, 6)),
        ("proto0-result0", auth_reply_front(protocol=0, result=0), None),
        ("proto0-result0-payload", auth_reply_front(protocol=0, result=0,
                                                    payload=b"\1" * 8), None),
        ("proto-cephx-unoffered", auth_reply_front(protocol=2, result=0,
                                                   payload=b"\0" * 9), None),
        ("proto-unknown", auth_reply_front(protocol=0x7777), None),
        ("proto-max", auth_reply_front(protocol=0xffffffff), None),
        ("positive-result-1", auth_reply_front(result=1), None),
        ("positive-result-24", auth_reply_front(result=24), None),
        ("positive-result-max", auth_reply_front(result=0x7fffffff), None),
        ("positive-result-eagain-like", auth_reply_front(result=11), None),
        ("global-id-0", auth_reply_front(global_id=0), None),
        ("global-id-max", auth_reply_front(global_id=(1 << 64) - 1), None),
        ("none-with-payload", auth_reply_front(payload=b"\xff" * 64), None),
    ]
    # Replies monc must refuse (the rest it may take: then the session
    # goes on with the fake until it closes).
    refuse = ("payload-len-", "msg-len-", "proto0-", "proto-",
              "positive-result-", "global-id-0")
    for name, e, mut in auth_cases:
        b = e.bytes()
        if mut:
            b = mut(b)
        c = Case("auth-" + name, "auth-cve", "auth",
                 send_front(MSG_AUTH_REPLY, b))
        if name.startswith(refuse):
            c.must_reject_auth = True
            c.grace = 0.3
        add(c)
    for res in (-1, -13, -110, -(1 << 31)):
        # An error from the fake: monc may give up on this monitor or fail
        # the mount, but must not hang.
        add(Case("auth-error-%d" % res, "auth-cve", "auth",
                 send_front(MSG_AUTH_REPLY,
                            auth_reply_front(result=res).bytes()),
                 expect="any"))
    # Two auth replies in a row, the second bogus.
    add(Case("auth-double-reply", "auth-cve", "auth",
             two_msgs(MSG_AUTH_REPLY, good_auth.bytes(), MSG_AUTH_REPLY,
                      auth_reply_front(protocol=0).bytes())))
    # A map before auth completes.
    add(Case("monmap-before-authreply", "auth-cve", "auth",
             send_front(MSG_MON_MAP, good_map.bytes())))
    add(Case("statfsreply-before-authreply", "auth-cve", "auth",
             send_front(MSG_STATFS_REPLY, bad_statfs.bytes(), tid=1)))

    # 5. Wrong fsid.
    add(Case("fsid-wrong-monmap-later", "fsid", "statfs",
             pre_then_close(MSG_MON_MAP, monmap_front(wrong_fsid, 2,
                                                      mons).bytes())))
    # The first monmap monc sees names another cluster: the real monitor
    # must still get monc's statfs (Pacific drops one with a wrong fsid).
    add(Case("fsid-wrong-first-monmap", "fsid", "monmap",
             send_front(MSG_MON_MAP, monmap_front(wrong_fsid, 1,
                                                  mons).bytes())))
    add(Case("fsid-wrong-suback", "fsid", "suback",
             send_front(MSG_MON_SUBSCRIBE_ACK,
                        subscribe_ack_front(wrong_fsid).bytes())))
    add(Case("fsid-wrong-statfsreply", "fsid", "statfs",
             statfs_fault(statfs_reply_front(wrong_fsid, kb=POISON,
                                             used=POISON, avail=POISON,
                                             objects=POISON).bytes())))
    add(Case("fsid-wrong-osdmap", "fsid", "subscribe",
             send_front(MSG_OSD_MAP, captured_osdmap(wrong_fsid))))

    # 6. Unknown and duplicate tids.
    def statfs_tid(delta, then_close=True, dup=False):
        def f(conn, ctx):
            tid = (ctx["tid"] + delta) & ((1 << 64) - 1)
            front = (statfs_reply_front(conn.srv.fsid).bytes() if dup
                     else poisoned_statfs(conn.srv.fsid).bytes())
            conn.send_msg(MSG_STATFS_REPLY, front, tid=tid)
            if dup:
                conn.send_msg(MSG_STATFS_REPLY, poisoned_statfs(
                    conn.srv.fsid).bytes(), tid=tid)
            return "close" if then_close else "continue"
        return f

    for d in (1, 1000, 1 << 63, (1 << 64) - 1):
        add(Case("statfs-unknown-tid-delta-%#x" % d, "tid", "statfs",
                 statfs_tid(d)))
    add(Case("statfs-tid-zero", "tid", "statfs",
             lambda conn, ctx: (conn.send_msg(
                 MSG_STATFS_REPLY, poisoned_statfs(conn.srv.fsid).bytes(),
                 tid=0), "close")[1]))
    add(Case("statfs-duplicate-tid", "tid", "statfs",
             statfs_tid(0, then_close=True, dup=True)))
    add(Case("statfs-duplicate-tid-continue", "tid", "statfs",
             statfs_tid(0, then_close=False, dup=True)))

    def version_handle(delta, dup=False):
        def f(conn, ctx):
            h = struct.unpack_from("<Q", ctx["front"], 0)[0]
            h = (h + delta) & ((1 << 64) - 1)
            conn.send_msg(MSG_MON_GET_VERSION_REPLY,
                          version_reply_front(h, newest=77).bytes(),
                          tid=ctx["tid"])
            if dup:
                conn.send_msg(MSG_MON_GET_VERSION_REPLY,
                              version_reply_front(h, newest=99).bytes(),
                              tid=ctx["tid"])
            return "close"
        return f

    for d in (1, 1000, (1 << 64) - 1):
        add(Case("version-unknown-handle-delta-%#x" % d, "tid", "version",
                 version_handle(d)))
    c = Case("version-duplicate-handle", "tid", "version",
             version_handle(0, dup=True))
    # The first reply answers the request: taking it is right. The
    # duplicate (newest 99) must be dropped.
    c.accept_version = (77, 1)
    add(c)

    # A malformed reply to a pending request from a monitor that then stays
    # up (and never answers that request): monc faults the session and
    # resends at once to another monitor. The bound is shorter than the
    # harness's mount timeout (30 s), which waiting the request out would
    # take (issue #16).
    def bad_reply_continue(typ, mk):
        def f(conn, ctx):
            conn.send_msg(typ, mk(conn, ctx),
                          tid=ctx["tid"] if typ == MSG_STATFS_REPLY else 0)
            return "continue"
        return f

    def version_bad(cut=None, handle_delta=0):
        def mk(conn, ctx):
            h = struct.unpack_from("<Q", ctx["front"], 0)[0] + handle_delta
            b = version_reply_front(h, newest=POISON,
                                    oldest=POISON + 1).bytes()
            return b[:cut] if cut is not None else b
        return mk

    for name, typ, stage, mk in (
            ("statfsreply-short", MSG_STATFS_REPLY, "statfs",
             lambda conn, ctx: poisoned_statfs(conn.srv.fsid).bytes()[:40]),
            ("statfsreply-other-fsid", MSG_STATFS_REPLY, "statfs",
             lambda conn, ctx: statfs_reply_front(
                 wrong_fsid, kb=POISON, used=POISON, avail=POISON,
                 objects=POISON).bytes()),
            ("versionreply-short", MSG_MON_GET_VERSION_REPLY, "version",
             version_bad(cut=20))):
        # one family each: make check's stride sample keeps all three
        add(Case("bad-reply-%s-continue" % name, "malformed-reply-" + name,
                 stage, bad_reply_continue(typ, mk), bound=20.0))

    # 7. CRCs, lengths, tags, framing -- at the auth reply.
    gab = good_auth.bytes()
    frame_faults = [
        ("hdr-crc-bad", dict(hdr_crc_xor=1)),
        ("hdr-crc-zero", dict(hdr_crc_xor=None)),
        ("front-crc-bad", dict(front_crc_xor=0x80000000)),
        ("footer-incomplete", dict(flags=0)),
        ("footer-flags-ff", dict(flags=0xff)),
    ]
    for name, kw in frame_faults:
        for short, typ, stage, e in decoded:
            front = e.bytes()
            add(Case("crc-%s-%s" % (name, short), "crc", stage,
                     frame_fault(typ, front, stage in ("statfs", "version"),
                                 **kw)))
    for fl in (1 << 20, (1 << 24) + 1, (1 << 26) + 1, 0x7fffffff,
               0x80000000, 0xffffffff):
        add(Case("front-len-%#x" % fl, "front-len", "auth",
                 raw_header(MSG_AUTH_REPLY, front_len=fl)))
        add(Case("middle-len-%#x" % fl, "front-len", "auth",
                 raw_header(MSG_AUTH_REPLY, middle_len=fl)))
        add(Case("data-len-%#x" % fl, "front-len", "auth",
                 raw_header(MSG_AUTH_REPLY, data_len=fl)))
    add(Case("monmap-front-len-over", "front-len", "monmap",
             raw_header(MSG_MON_MAP, front_len=(1 << 26) + 1)))
    add(Case("statfs-front-len-over", "front-len", "statfs",
             raw_header(MSG_STATFS_REPLY, front_len=(1 << 26) + 1)))
    for t in (0, 16, 99, 255, TAG_RESETSESSION, TAG_WAIT,
              TAG_BADPROTOVER, TAG_FEATURES, TAG_SEQ):
        add(Case("unknown-tag-%d" % t, "tag", "auth",
                 send_raw(bytes([t]) + b"\0" * 64)))
    add(Case("unknown-msg-type", "tag", "auth",
             two_msgs(0x7777, b"\0" * 32, MSG_AUTH_REPLY, gab)))
    add(Case("footer-short-13-when-signed", "tag", "auth",
             footer_size(MSG_AUTH_REPLY, gab, 13)))
    add(Case("ack-garbage", "tag", "auth",
             send_raw(bytes([TAG_ACK]) + struct.pack("<Q", (1 << 64) - 1))))
    add(Case("keepalive2-ack-unsolicited", "tag", "auth",
             send_raw(bytes([TAG_KEEPALIVE2_ACK]) + b"\xff" * 8)))
    add(Case("keepalive2-ack-never", "tag", "keepalive",
             lambda conn, ctx: "silent", bound=60, io_timeout=40))
    add(Case("seq-replay", "tag", "monmap", seq_replay(good_map.bytes())))
    add(Case("seq-skip", "tag", "monmap", seq_skip(good_map.bytes())))

    # 8. Close mid-frame.
    frame = msg_frame(MSG_AUTH_REPLY, gab, 1, True)
    for cut in (1, 2, 20, 52, 53, 54, 60, len(frame) - 10, len(frame) - 1):
        add(Case("close-mid-frame-at-%d" % cut, "close", "auth",
                 send_cut(MSG_AUTH_REPLY, gab, cut)))
    for cut in (0, 1, 5, 9, 100, 145, 200, 280):
        add(Case("close-mid-banner-at-%d" % cut, "close", "accept",
                 banner_cut(cut)))
    add(Case("bad-banner", "close", "accept",
             send_raw(b"ceph v099" + b"\0" * 272)))
    add(Case("banner-garbage-family", "close", "accept",
             banner_garbage()))
    for cut in (0, 1, 13, 25):
        add(Case("close-mid-connect-reply-at-%d" % cut, "close", "connect",
                 connect_reply_cut(cut)))
    # Connect replies monc must not trust.
    for tag, name in ((TAG_BADPROTOVER, "badprotover"),
                      (TAG_BADAUTHORIZER, "badauthorizer"),
                      (TAG_FEATURES, "features"),
                      (TAG_RESETSESSION, "resetsession"),
                      (TAG_RETRY_SESSION, "retry-session"),
                      (TAG_RETRY_GLOBAL, "retry-global"),
                      (TAG_WAIT, "wait"), (TAG_CLOSE, "close"),
                      (TAG_MSG, "msg"), (0, "zero"), (200, "unknown")):
        add(Case("connect-reply-tag-%s" % name, "connect", "connect",
                 connect_reply_with(tag=tag)))
    for al in (1, 4096, 0x7fffffff, 0xffffffff):
        add(Case("connect-reply-authlen-%#x" % al, "connect", "connect",
                 connect_reply_with(auth_len=al)))
    add(Case("connect-reply-features-0", "connect", "connect",
             connect_reply_with(features=0)))
    add(Case("connect-reply-proto-0", "connect", "connect",
             connect_reply_with(proto=0)))
    add(Case("connect-reply-seq-huge", "connect", "connect",
             connect_reply_with(tag=TAG_SEQ, acked=(1 << 64) - 1)))

    # 9. A peer sending one byte per second (bounded).
    if with_slow:
        for c in (Case("slow-banner-1Bps", "slow", "accept",
                       slow_bytes(lambda conn: BANNER + legacy_addr(
                           "127.0.0.1", conn.srv.port) +
                           legacy_addr(conn.peer[0], conn.peer[1]), 30),
                       bound=60, io_timeout=40),
                  Case("slow-authreply-1Bps", "slow", "auth",
                       slow_bytes(lambda conn: conn.msg(MSG_AUTH_REPLY,
                                                        gab), 30),
                       bound=60, io_timeout=40)):
            c.release_delay = 8.0
            add(c)

    # 10. A flood of maps.
    add(Case("flood-%d-monmaps" % flood_n, "flood", "session",
             flood(MSG_MON_MAP, good_map.bytes(), flood_n),
             bound=300, io_timeout=120))
    add(Case("flood-%d-osdmaps" % flood_n, "flood", "session",
             flood(MSG_OSD_MAP, captured_osdmap(fsid), flood_n),
             bound=300, io_timeout=120))
    add(Case("flood-%d-statfsreplies" % (flood_n // 10), "flood", "statfs",
             flood(MSG_STATFS_REPLY, poisoned_statfs(fsid).bytes(),
                   flood_n // 10, tid=1 << 40),
             bound=300, io_timeout=120))
    return cases


def pre_then_close(typ, front):
    def f(conn, ctx):
        conn.send_msg(typ, front)
        return "close"
    return f


def two_msgs(t1, f1, t2, f2):
    def f(conn, ctx):
        conn.send(conn.msg(t1, f1) + conn.msg(t2, f2))
        return "close"
    return f


def send_raw(data):
    def f(conn, ctx):
        conn.send(data)
        return "close"
    return f


def frame_fault(typ, front, use_tid, hdr_crc_xor=0, front_crc_xor=0,
                flags=FOOTER_COMPLETE):
    def f(conn, ctx):
        tid = ctx["tid"] if use_tid and isinstance(ctx, dict) else 0
        x = hdr_crc_xor
        if x is None:
            # The header crc field zeroed.
            fr = bytearray(conn.msg(typ, front, tid=tid))
            fr[1 + HDR_CRC_OFF:1 + HDR_LEN] = b"\0\0\0\0"
            conn.send(bytes(fr))
        else:
            conn.send(conn.msg(typ, front, tid=tid, hdr_crc_xor=x,
                               front_crc_xor=front_crc_xor, flags=flags))
        return "close"
    return f


def raw_header(typ, front_len=0, middle_len=0, data_len=0):
    """A header announcing sections far over any limit; a few bytes follow."""
    def f(conn, ctx):
        v, c = MSG_VERSIONS.get(typ, (1, 1))
        conn.send(bytes([TAG_MSG]) +
                  msg_header(typ, front_len, conn.next_seq(), 0, v, c,
                             middle_len=middle_len, data_len=data_len,
                             src_num=conn.srv.rank()) + b"\0" * 64)
        return "close"
    return f


def footer_size(typ, front, size):
    def f(conn, ctx):
        fr = conn.msg(typ, front)
        want = 21 if conn.signed else 13
        if size == want:
            size2 = 21 if want == 13 else 13
        else:
            size2 = size
        body = fr[:-want]
        foot = fr[-want:]
        foot = foot[:12] + (b"\0" * 8 if size2 == 21 else b"") + foot[-1:]
        conn.send(body + foot + b"\0" * 16)
        return "close"
    return f


def seq_replay(front):
    def f(conn, ctx):
        fr = conn.msg(MSG_MON_MAP, front)
        conn.seq -= 1
        fr2 = conn.msg(MSG_MON_MAP, front)
        conn.send(fr + fr2)
        return "continue"
    return f


def seq_skip(front):
    def f(conn, ctx):
        conn.seq += 1000
        conn.send_msg(MSG_MON_MAP, front)
        return "continue"
    return f


def send_cut(typ, front, cut):
    def f(conn, ctx):
        fr = conn.msg(typ, front)
        conn.send(fr[:cut])
        return "close"
    return f


def banner_cut(cut):
    def f(conn, ctx):
        data = (BANNER + legacy_addr("127.0.0.1", conn.srv.port) +
                legacy_addr(conn.peer[0], conn.peer[1]))
        conn.send(data[:cut])
        return "close"
    return f


def banner_garbage():
    def f(conn, ctx):
        conn.send(BANNER + b"\xff" * 272)
        return "close"
    return f


def connect_reply_cut(cut):
    def f(conn, ctx):
        conn.send(conn.connect_reply(TAG_READY)[:cut])
        return "close"
    return f


def connect_reply_with(tag=TAG_READY, auth_len=0, features=None,
                       proto=PROTOCOL_VERSION, acked=None):
    def f(conn, ctx):
        data = conn.connect_reply(tag, features=features, proto=proto,
                                  auth_len=auth_len)
        if acked is not None:
            data += struct.pack("<Q", acked)
        if auth_len:
            data += b"\0" * min(auth_len, 64)
        conn.send(data)
        return "close"
    return f


def slow_bytes(make, limit):
    """Send at most @limit bytes, one a second; note when the client
    gives up (closes) before the last."""
    def f(conn, ctx):
        data = make(conn)[:limit]
        t0 = time.monotonic()
        conn.case.gave_up = None
        for i in range(len(data)):
            try:
                conn.send(data[i:i + 1])
            except OSError:
                conn.case.gave_up = time.monotonic() - t0
                break
            # Stop early once the client gives up on us.
            r, _, _ = select.select([conn.sock], [], [], 1.0)
            if r:
                try:
                    while True:
                        d = conn.sock.recv(4096)
                        if not d:
                            raise OSError("eof")
                        r, _, _ = select.select([conn.sock], [], [], 0)
                        if not r:
                            break
                except OSError:
                    conn.case.gave_up = time.monotonic() - t0
                    break
        if conn.case.gave_up is not None:
            conn.case.note("client gave up after %.1fs" % conn.case.gave_up)
        return "close"
    return f


def flood(typ, front, n, tid=0):
    """n copies of one message; then, if a request triggered it, its
    proper answer."""
    def f(conn, ctx):
        v, c = MSG_VERSIONS.get(typ, (1, 1))
        fcrc = crc32c(front)
        foot = struct.pack("<III", fcrc, 0, 0)
        if conn.signed:
            foot += b"\0" * 8
        foot += bytes([FOOTER_COMPLETE])
        rank = conn.srv.rank()
        chunk = []
        for _ in range(n):
            chunk.append(bytes([TAG_MSG]) +
                         msg_header(typ, len(front), conn.next_seq(), tid,
                                    v, c, src_num=rank) + front + foot)
            if len(chunk) >= 256:
                conn.send(b"".join(chunk))
                chunk = []
        if chunk:
            conn.send(b"".join(chunk))
        if isinstance(ctx, dict) and ctx["type"] == MSG_STATFS:
            conn.send_msg(MSG_STATFS_REPLY,
                          statfs_reply_front(conn.srv.fsid).bytes(),
                          tid=ctx["tid"])
        return "continue"
    return f


# --------------------------------------------------------------------------
# cephx, server side (issue #12): both key types, aes (CryptoKey type 1) and
# aes256k (type 2, AES256KRB5). The crypto and every payload come from
# tests/gen_cephx_vectors.py, imported (it needs python3-cryptography, so
# only the cephx cases import it): the replies the fake sends are the ones
# whose known answers tests/auth_test.c checks monc against, sealed with
# the key the harness gives the client instead of the generator's own.

MONC_AUTH_CEPHX = 2
CX_CIPHERS = ("aes", "aes256k")
# a key per cipher that no cluster knows: the client's key for the cipher
# the real cluster does not take (Tentacle's default takes aes256k only)
CX_FOREIGN = {"aes": bytes.fromhex("7c1f3a9e5b2d4c6f8a0e1d2c3b4a5968"),
              "aes256k": bytes(range(0xC0, 0xE0))}
_GEN = None
_GEN_LOCK = threading.Lock()


def cx_gen():
    """tests/gen_cephx_vectors.py, imported once."""
    global _GEN
    if _GEN is None:
        here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        if here not in sys.path:
            sys.path.insert(0, here)
        import gen_cephx_vectors
        _GEN = gen_cephx_vectors
    return _GEN


def cx_cipher_of(name):
    g = cx_gen()
    return g.AES if name == "aes" else g.K5


def cx_key_b64(key):
    """The keyring form of @key (what secret= takes): a CryptoKey."""
    return base64.b64encode(cx_gen().crypto_key(key)).decode()


def cx_parse_key(b64):
    """(cipher name, raw key) of a keyring's base64 CryptoKey."""
    blob = base64.b64decode(b64)
    ktype, klen = struct.unpack_from("<H", blob, 0)[0], \
        struct.unpack_from("<H", blob, 10)[0]
    return {1: "aes", 2: "aes256k"}[ktype], blob[12:12 + klen]


def cx_material(cipher, secret):
    """The good ticket reply and the generator's malformed ones, (name,
    payload, "-EINVAL"|"-EBADMSG"|"-EACCES"), for @cipher sealed with
    @secret."""
    g = cx_gen()
    with _GEN_LOCK:
        g.use(cx_cipher_of(cipher))
        g.SECRET = secret
        good = g.first_reply()
        # the seals the generator makes between the first reply and the
        # malformed ones: so that aes256k's confounders, and with them the
        # bytes, are tests/auth_test.c's when @secret is the generator's
        g.renewal_reply()
        bad = g.malformed()
        g.use(g.AES)
    return good, bad


def cx_proof(cipher, secret, server, client):
    """CephXAuthenticate's proof of @secret (the generator's)."""
    g = cx_gen()
    with _GEN_LOCK:
        g.CIPHER = cx_cipher_of(cipher)
        k = g.challenge_key(secret, server, client)
        g.CIPHER = g.AES
    return k


def cx_parse_mauth(front):
    """MAuth front: paxos (18 bytes), le32 protocol, le32 len + payload."""
    proto, n = struct.unpack_from("<II", front, 18)
    return proto, front[26:26 + n]


def cx_hello_methods(payload):
    """The methods a hello (protocol 0) offers."""
    n = struct.unpack_from("<I", payload, 1)[0]
    return [struct.unpack_from("<I", payload, 5 + 4 * i)[0]
            for i in range(min(n, 16))]


def cx_parse_authenticate(payload):
    """CephXRequestHeader + CephXAuthenticate: (op, v, client challenge,
    proof, old ticket blob length, other_keys)."""
    op, v, client, key = struct.unpack_from("<HBQQ", payload, 0)
    p = 19
    _bv, _sid, blen = struct.unpack_from("<BQI", payload, p)
    p += 13 + blen
    other = struct.unpack_from("<I", payload, p)[0]
    return op, v, client, key, blen, other


class CephxCase:
    """The cephx part of a Case: the cipher, the client's key and what
    replaces the challenge ("cx-challenge") or the ticket reply
    ("cx-reply")."""

    def __init__(self, cipher, secret, real, err=None, payload=None):
        self.cipher = cipher
        self.secret = secret
        self.real = real            # the real cluster knows this key
        self.err = err              # monc's verdict on the fault
        self.payload = payload      # the crafted cephx payload
        self.good = None            # the good ticket reply
        self.server_challenge = 0x651DE1E4053CA7DF

    def secret_b64(self):
        return cx_key_b64(self.secret)


def cx_reply(conn, payload, protocol=MONC_AUTH_CEPHX, result=0):
    conn.srv.global_id += 1
    conn.send_msg(MSG_AUTH_REPLY, auth_reply_front(
        protocol=protocol, result=result, global_id=conn.srv.global_id,
        payload=payload).bytes())


def cx_send_payload(conn, ctx):
    """The fault of a cephx case: its crafted payload in an MAuthReply."""
    cx_reply(conn, conn.case.cx.payload)
    return "close"


def cx_dispatch_auth(conn, m):
    """MAuth of a cephx case: challenge, check the client's proof, ticket
    reply; the case's fault replaces one of them."""
    case = conn.case
    cx = case.cx
    proto, payload = cx_parse_mauth(m["front"])
    if proto == 0:
        if MONC_AUTH_CEPHX not in cx_hello_methods(payload):
            case.errors.append("the client did not offer cephx")
            raise Closed("no cephx")
        if conn.fault("cx-challenge", m):
            return
        cx_reply(conn, struct.pack("<BQ", 1, cx.server_challenge))
        return
    if proto != MONC_AUTH_CEPHX:
        case.errors.append("MAuth of protocol %d" % proto)
        raise Closed("unknown protocol")
    op, v, client, key, blen, other = cx_parse_authenticate(payload)
    want = cx_proof(cx.cipher, cx.secret, cx.server_challenge, client)
    if (op, v, blen) != (0x0100, 3, 0) or key != want:
        case.errors.append(
            "CephXAuthenticate op %#x v%d blob %d: proof %#x, the "
            "generator's %#x" % (op, v, blen, key, want))
        raise Closed("bad CephXAuthenticate")
    case.note("%s proof ok, other_keys %#x" % (cx.cipher, other))
    if conn.fault("cx-reply", m):
        return
    cx_reply(conn, cx.good)
    if conn.fault("monmap", m):
        return
    conn.send_msg(MSG_MON_MAP, conn.srv.good_monmap())


def gen_cephx_cases(ciphers):
    """The cephx families. @ciphers: {cipher: (raw key, real)} (real: the
    real cluster knows the key; else a mount that hunts on ends in the
    real monitor's EACCES). Per cipher C:
      cephx-C-good          the fake's own good exchange (a control: monc
                            must take it and subscribe)
      cephx-challenge-C     CephXServerChallenge cut at every length,
                            overlong, of versions 0 and 2
      cephx-reply-C         the generator's malformed ticket replies:
                            wrong key, bad magic/padding/HMAC, struct
                            versions, lengths past the end, session keys
                            of a wrong type or length, ...
      cephx-trunc-C         the good ticket reply cut at every length
    """
    cases = []
    for cipher in CX_CIPHERS:
        if cipher not in ciphers:
            continue
        secret, real = ciphers[cipher]
        good, bad = cx_material(cipher, secret)

        def add(name, family, stage, err, payload, fault=cx_send_payload):
            cx = CephxCase(cipher, secret, real, err, payload)
            cx.good = good
            c = Case(name, family, stage, fault)
            c.cx = cx
            if stage.startswith("cx-"):
                c.must_reject_auth = True
                c.grace = 0.3
            cases.append(c)
            return c

        # control: the fake's good exchange, a session on the fake, and
        # the fake answers its statfs. (Not a fall back to the real
        # monitor: monc would present the fake's AUTH ticket there, which
        # the real monitors cannot open, and be refused.)
        add("cephx-%s-good" % cipher, "cephx-good-" + cipher, "statfs",
            None, None,
            fault=lambda conn, ctx: (conn.send_msg(
                MSG_STATFS_REPLY, statfs_reply_front(conn.srv.fsid).bytes(),
                tid=ctx["tid"]), "continue")[1])
        chal = struct.pack("<BQ", 1, 0x651DE1E4053CA7DF)
        fam = "cephx-challenge-" + cipher
        for k in range(len(chal)):
            add("cephx-%s-challenge-cut-%d/%d" % (cipher, k, len(chal)),
                fam, "cx-challenge", "-EINVAL", chal[:k])
        for name, p in (("v0", b"\0" + chal[1:]), ("v2", b"\2" + chal[1:]),
                        ("long-1", chal + b"\0"),
                        ("long-64", chal + bytes(64))):
            add("cephx-%s-challenge-%s" % (cipher, name), fam,
                "cx-challenge", "-EINVAL", p)
        for name, p, err in bad:
            add("cephx-%s-reply-%s" % (cipher, name), "cephx-reply-" + cipher,
                "cx-reply", err, p)
        for k in range(len(good)):
            add("cephx-%s-trunc-reply-%d/%d" % (cipher, k, len(good)),
                "cephx-trunc-" + cipher, "cx-reply", "-EINVAL", good[:k])
    return cases


def cx_ciphers(real_b64):
    """gen_cephx_cases()'s ciphers: the real key's, and the other one with
    a key the cluster does not know."""
    cipher, key = cx_parse_key(real_b64)
    out = {cipher: (key, True)}
    for c in CX_CIPHERS:
        out.setdefault(c, (CX_FOREIGN[c], False))
    return out


# make check's sample of the cephx cases (make soak runs them all): per
# cipher the control, a cut and an overlong challenge, a reply under the
# wrong key (it does not open: hunt on), the monitor's refusal in the
# reply's status (the mount fails with EACCES), a bad struct version, a length past the end, a session key of the wrong length, and
# the ticket reply cut inside its first sealed ticket.
CX_SAMPLE = ("-good", "-challenge-cut-4/", "-challenge-long-1",
             "-reply-wrong_secret", "-reply-monitor_refused",
             "-reply-service_ticket_v2", "-reply-inner_blob_len_past_end",
             "-reply-session_key_wrong_len", "-trunc-reply-40/")


def cx_sample(cases):
    return [c for c in cases if any(w in c.name for w in CX_SAMPLE)]


# --------------------------------------------------------------------------
# A tiny msgr v1 client, for --selftest on the host.

class MiniClient:
    def __init__(self, port, features=0x2f018fb87aa4aafe, timeout=5.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout)
        self.sock.settimeout(timeout)
        self.features = features
        self.seq = 0
        self.signed = False

    def recv_exact(self, n):
        buf = bytearray()
        while len(buf) < n:
            d = self.sock.recv(n - len(buf))
            if not d:
                raise EOFError("eof after %d/%d" % (len(buf), n))
            buf += d
        return bytes(buf)

    def handshake(self):
        self.sock.sendall(BANNER + legacy_addr("127.0.0.1", 0, nonce=5))
        b = self.recv_exact(9)
        if b != BANNER:
            raise ValueError("banner %r" % b)
        self.recv_exact(2 * LEGACY_ADDR_LEN)
        self.sock.sendall(struct.pack("<QIIIIIIB", self.features,
                                      ENTITY_CLIENT, 1, 0, PROTOCOL_VERSION,
                                      0, 0, 0))
        r = self.recv_exact(CONNECT_REPLY_LEN)
        tag, feat = struct.unpack_from("<BQ", r)
        auth_len = struct.unpack_from("<I", r, 21)[0]
        if tag not in (TAG_READY, TAG_SEQ) or auth_len:
            raise ValueError("connect reply tag %d auth_len %d" %
                             (tag, auth_len))
        if tag == TAG_SEQ:
            self.recv_exact(8)
            self.sock.sendall(struct.pack("<Q", 0))
        self.signed = bool(feat & self.features & FEAT_MSG_AUTH)

    def send_msg(self, typ, front, tid=0, version=1):
        self.seq += 1
        h = struct.pack("<QQHHHIIIHBQHH", self.seq, tid, typ, 127, version,
                        len(front), 0, 0, 0, ENTITY_CLIENT,
                        (1 << 64) - 1, 1, 0)
        h += struct.pack("<I", crc32c(h))
        foot = struct.pack("<III", crc32c(front), 0, 0)
        if self.signed:
            foot += b"\0" * 8
        self.sock.sendall(bytes([TAG_MSG]) + h + front + foot + b"\1")

    def read(self):
        """Next message or tag: ('msg', dict) / ('ack', seq) / ..."""
        tag = self.recv_exact(1)[0]
        if tag == TAG_ACK:
            return ("ack", struct.unpack("<Q", self.recv_exact(8))[0])
        if tag == TAG_KEEPALIVE2_ACK:
            return ("ka2ack", self.recv_exact(8))
        if tag != TAG_MSG:
            return ("tag", tag)
        h = self.recv_exact(HDR_LEN)
        f = struct.unpack("<QQHHHIIIHBQHHI", h)
        hcrc_ok = crc32c(h[:HDR_CRC_OFF]) == f[13]
        m = {"seq": f[0], "tid": f[1], "type": f[2], "version": f[4],
             "front_len": f[5], "middle_len": f[6], "data_len": f[7],
             "compat": f[11], "hdr_crc_ok": hcrc_ok}
        if not hcrc_ok or f[5] > 1 << 20 or f[6] or f[7]:
            m["front"] = None
            return ("msg", m)
        m["front"] = self.recv_exact(f[5])
        foot = self.recv_exact(21 if self.signed else 13)
        m["front_crc_ok"] = struct.unpack_from("<I", foot)[0] == \
            crc32c(m["front"])
        m["flags"] = foot[-1]
        return ("msg", m)

    def read_msg(self, want=None):
        while True:
            kind, v = self.read()
            if kind == "msg" and (want is None or v["type"] == want or
                                  not v["hdr_crc_ok"]):
                return v
            if kind == "tag":
                return {"type": None, "tag": v}

    def close(self):
        self.sock.close()


def mini_auth_front():
    return bytes.fromhex(
        "0000000000000000ffff000000000000000000001e000000010100000001000000"
        "080000000500000061646d696e0000000000000000000000")[:60]


def mini_subscribe_front():
    e = Enc()
    e.u32(2)
    for n in ("monmap", "osdmap"):
        e.string(n)
        e.u64(0)
        e.u8(0)
    e.string("selftest")
    return e.bytes()


def mini_statfs_front(fsid):
    # paxos {le64 version, le16 session_mon -1, le64 tid}, fsid, no pool.
    return struct.pack("<QhQ", 0, -1, 0) + fsid + b"\0"


def decode_monmap(front):
    """Strict decoder for our own encoding (selftest only)."""
    bl_len = struct.unpack_from("<I", front, 0)[0]
    if bl_len != len(front) - 4:
        raise ValueError("bl_len")
    p = 4
    v, c, ln = struct.unpack_from("<BBI", front, p)
    p += 6
    if p + ln != len(front):
        raise ValueError("struct len")
    fsid = front[p:p + 16]
    p += 16
    epoch = struct.unpack_from("<I", front, p)[0]
    p += 4 + 16
    for _ in range(2):
        fl = struct.unpack_from("<I", front, p + 2)[0]
        p += 6 + fl
    n = struct.unpack_from("<I", front, p)[0]
    p += 4
    mons = []
    for _ in range(n):
        kl = struct.unpack_from("<I", front, p)[0]
        p += 4 + kl
        ml = struct.unpack_from("<I", front, p + 2)[0]
        q = p + 6
        nl = struct.unpack_from("<I", front, q)[0]
        name = front[q + 4:q + 4 + nl].decode()
        q += 4 + nl
        marker, cnt = struct.unpack_from("<BI", front, q)
        q += 5
        q += 1 + 6          # addr marker + struct hdr
        typ, nonce, sl = struct.unpack_from("<III", front, q)
        q += 12
        port = struct.unpack_from(">H", front, q + 2)[0]
        ip = socket.inet_ntoa(front[q + 4:q + 8])
        mons.append((name, ip, port, typ))
        p += 6 + ml
    return {"v": v, "compat": c, "fsid": fsid, "epoch": epoch, "mons": mons}


def selftest_known_answers():
    fails = 0

    def check(name, got, want):
        nonlocal fails
        ok = got == want
        if not ok:
            fails += 1
        print("%s - kat %s%s" % ("ok" if ok else "not ok", name,
                                 "" if ok else " (got %r want %r)" %
                                 (got, want)))

    check("crc32c-123456789",
          crc32c(b"123456789", 0xffffffff) ^ 0xffffffff, 0xe3069283)
    # raw-v1-client-statfs.txt stream 0: MAuth from the client.
    mauth = bytes.fromhex(
        "00000000 00000000 ffff0000 00000000 00000000 00001e00 00000101"
        " 00000001 00000008 00000005 00000061 646d696e 00000000 00000000"
        " 00000000".replace(" ", ""))
    check("mauth-front-crc", crc32c(mauth), 0x35a7635b)
    h = struct.pack("<QQHHHIIIHBQHH", 1, 0, MSG_AUTH, 127, 1, 60, 0, 0, 0,
                    ENTITY_CLIENT, (1 << 64) - 1, 1, 0)
    check("mauth-header-crc", crc32c(h), 0xe2ab4b69)
    # MAuthReply and its header (seq 1, src mon.0, prio 196).
    ar = auth_reply_front(global_id=24119).bytes()
    check("mauthreply-front",
          ar.hex(), "010000000000000037" "5e0000000000000000000000000000")
    check("mauthreply-front-crc", crc32c(ar), 0xc02174a4)
    check("mauthreply-header-crc",
          struct.unpack_from("<I", msg_header(MSG_AUTH_REPLY, 24, 1), 49)[0],
          0xf8a0f371)
    # The captured v9 monmap, byte for byte.
    cap = bytes.fromhex(
        "a6000000 0906a000 00001111 11112222 33334444 55555555 55550100"
        " 000063d6 046b04bb d53463d6 046b04bb d5340101 08000000 ff000000"
        " 00000000 01010800 00000000 00000000 00000100 00000100 00006105"
        " 01350000 00010000 00610201 00000001 01011c00 00000100 00000000"
        " 00001000 00000200 1a857f00 00010000 00000000 00000000 00000000"
        " 00000100 00000100 00006110 00000000 01000000 00000000 00000000"
        " 0000".replace(" ", ""))
    mm = monmap_front(CAPTURE_FSID, 1, [("a", "127.0.0.1", 6789)]).bytes()
    check("monmap-v9-bytes", mm.hex(), cap.hex())
    check("monmap-front-crc", crc32c(mm), 0x1531c21d)
    check("monmap-header-crc",
          struct.unpack_from("<I", msg_header(MSG_MON_MAP, 170, 2), 49)[0],
          0xe21f77c1)
    sa = subscribe_ack_front(CAPTURE_FSID).bytes()
    check("suback-front-crc", crc32c(sa), 0xc33f8d2c)
    sr = statfs_reply_front(CAPTURE_FSID).bytes()
    check("statfsreply-front-crc", crc32c(sr), 0x55daaf7b)
    vr = version_reply_front(1).bytes()
    check("versionreply-front-crc", crc32c(vr), 0x35771342)
    check("versionreply-header-crc",
          struct.unpack_from("<I", msg_header(
              MSG_MON_GET_VERSION_REPLY, 24, 7, 0, 2, 2), 49)[0], 0xc4b7b42b)
    om = captured_osdmap(CAPTURE_FSID)
    check("osdmap-front-crc", (len(om), crc32c(om)), (1506, 0x27c4af0a))
    return fails


def selftest_session(srv, cases):
    """Drive every case with MiniClient; check the fault arrives intact."""
    fails = 0
    n = 0
    for case in cases:
        case.reset()
        if not case.must_reject_auth:
            case.grace = 0.0
        srv.case = case
        n += 1
        err = None
        try:
            err = mini_run(srv, case)
        except Exception as e:  # noqa: BLE001 - report any failure
            err = "exception %r" % (e,)
        t_end = time.monotonic() + 1.0
        while not case.exercised and time.monotonic() < t_end:
            time.sleep(0.01)
        if err is None and case.errors:
            err = "; ".join(case.errors)
        if err is None and case.must_reject_auth and case.exercised and \
                MSG_MON_SUBSCRIBE not in case.after_fault:
            # The mini client plays a monc that took the bogus reply.
            err = "the accepted-bogus-auth detector missed a subscribe"
        if err is None and not case.exercised:
            err = "fault never sent: %s" % "; ".join(case.notes)
        if err:
            fails += 1
            print("not ok %d - selftest %s: %s" % (n, case.name, err))
        else:
            print("ok %d - selftest %s" % (n, case.name))
    srv.case = None
    return n, fails


def mini_run(srv, case):
    """Walk a MiniClient up to the case's stage; check what arrives."""
    c = MiniClient(srv.port, timeout=case.io_timeout if case.family in
                   ("slow",) else 5.0)
    try:
        if case.stage == "accept":
            try:
                c.handshake()
            except (EOFError, ValueError, OSError):
                pass
            return None
        if case.stage == "connect":
            try:
                c.handshake()
            except (EOFError, ValueError, OSError, struct.error):
                pass
            return None
        c.handshake()
        if case.cx:
            err = mini_cephx(srv, case, c)
        else:
            c.send_msg(MSG_AUTH, mini_auth_front())
            err = None
            if case.stage == "auth":
                err = expect_fault(c, case, MSG_AUTH_REPLY)
        if case.stage in ("auth", "cx-challenge", "cx-reply") or err:
            if case.must_reject_auth and not err:
                # Act like a client that took it: the fake must notice.
                try:
                    c.send_msg(MSG_MON_SUBSCRIBE, mini_subscribe_front(),
                               version=3)
                except OSError:
                    pass
                time.sleep(0.4)
            return err
        if not case.cx:
            m = c.read_msg(MSG_AUTH_REPLY)
            if m.get("front") is None or struct.unpack_from(
                    "<Ii", m["front"]) != (1, 0):
                return "bad auth reply"
        if case.stage == "monmap":
            return expect_fault(c, case, MSG_MON_MAP)
        m = c.read_msg(MSG_MON_MAP)
        mm = decode_monmap(m["front"])
        if mm["fsid"] != srv.fsid or len(mm["mons"]) != len(srv.mons()):
            return "bad monmap %r" % (mm,)
        c.send_msg(MSG_MON_SUBSCRIBE, mini_subscribe_front(), version=3)
        if case.stage == "subscribe":
            return expect_fault(c, case, None)
        c.read_msg(MSG_MON_MAP)
        m = c.read_msg(MSG_OSD_MAP)
        if m["front"][:16] != srv.fsid:
            return "osdmap fsid"
        if case.stage == "suback":
            return expect_fault(c, case, MSG_MON_SUBSCRIBE_ACK)
        if not c.features & FEAT_MON_STATEFUL_SUB:
            m = c.read_msg(MSG_MON_SUBSCRIBE_ACK)
            if m["front"][4:] != srv.fsid:
                return "suback fsid"
        if case.stage == "session":
            return expect_fault(c, case, None)
        # keepalive2 round trip
        c.sock.sendall(bytes([TAG_KEEPALIVE2]) + struct.pack("<II", 7, 9))
        if case.stage == "keepalive":
            return expect_fault(c, case, None)
        while True:
            kind, v = c.read()
            if kind == "ka2ack":
                if v != struct.pack("<II", 7, 9):
                    return "keepalive2 ack stamp"
                break
        c.send_msg(MSG_STATFS, mini_statfs_front(srv.fsid), tid=5,
                   version=2)
        if case.stage == "statfs":
            return expect_fault(c, case, MSG_STATFS_REPLY, tid=5)
        m = c.read_msg(MSG_STATFS_REPLY)
        if m["tid"] != 5 or m["front"] != \
                statfs_reply_front(srv.fsid).bytes():
            return "statfs reply"
        e = Enc()
        e.u64(9)
        e.string("osdmap")
        c.send_msg(MSG_MON_GET_VERSION, e.bytes(), tid=9)
        if case.stage == "version":
            return expect_fault(c, case, MSG_MON_GET_VERSION_REPLY)
        m = c.read_msg(MSG_MON_GET_VERSION_REPLY)
        if struct.unpack("<QQQ", m["front"])[0] != 9:
            return "version handle"
        return "stage %s never reached" % case.stage
    finally:
        c.close()


def expect_fault(c, case, typ, tid=None):
    """Read what the fault sent; for truncation/field cases check that the
    frame is intact (good CRCs) and carries the crafted front."""
    try:
        m = c.read_msg(typ)
    except (EOFError, OSError, socket.timeout):
        return None     # close / cut cases end here
    if case.family.startswith("truncate-") and \
            case.family != "truncate-monmap-blob":
        k = int(case.name.rsplit("-", 1)[1].split("/")[0])
        if not (m.get("hdr_crc_ok") and m.get("front_crc_ok")):
            return "truncated frame has bad crc"
        if m["front_len"] != k or len(m["front"]) != k:
            return "front_len %d != %d" % (m["front_len"], k)
        if tid is not None and m["tid"] != tid:
            return "tid %d" % m["tid"]
    if case.family.startswith("field-") and not (
            m.get("hdr_crc_ok") and m.get("front_crc_ok")):
        return "field case has bad crc"
    return None


def c_arrays(path):
    """{name: bytes} of the "static const u8 NAME[] = { 0x.., };" arrays
    of a C file."""
    out = {}
    text = open(path).read()
    for m in re.finditer(r"static const u8 (\w+)\[\] = \{([^}]*)\};", text):
        out[m.group(1)] = bytes(int(x, 16) for x in
                                re.findall(r"0x([0-9a-f]{2})", m.group(2)))
    return out


def selftest_cephx_known_answers():
    """The fake's cephx against the known answers: its replies, built with
    the generator's key, are byte for byte tests/auth_test.c's vectors
    (the ones KUnit checks monc against, with the verdicts the harness
    expects); its proof check accepts the real Tentacle exchange of
    tests/cephx-capture-tentacle.txt and refuses a proof one bit off."""
    g = cx_gen()
    tests = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    kat = c_arrays(os.path.join(tests, "auth_test.c"))
    fails = 0

    def check(name, ok, detail=""):
        nonlocal fails
        fails += not ok
        print("%s - kat cephx %s%s" % ("ok" if ok else "not ok", name,
                                        "" if ok else " (%s)" % detail))

    for cipher, prefix in (("aes", "kat_aes"), ("aes256k", "kat_k5")):
        with _GEN_LOCK:
            g.use(cx_cipher_of(cipher))
            secret = g.SECRET
        good, bad = cx_material(cipher, secret)
        check("%s good reply = %s_reply_1" % (cipher, prefix),
              good == kat.get(prefix + "_reply_1"))
        for name, payload, err in bad:
            want = kat.get("%s_bad_%s" % (prefix, name))
            check("%s %s (%s) = auth_test.c's" % (cipher, name, err),
                  payload == want, "differs" if want else "not in auth_test.c")
        key = kat[prefix + "_secret"]
        want = cx_proof(cipher, key, g.SERVER_CHALLENGE, g.CLIENT_CHALLENGE_1)
        req = kat[prefix + "_request_1"]
        check("%s proof = %s_request_1's" % (cipher, prefix),
              struct.unpack_from("<Q", req, 11)[0] == want)
    cap = {}
    with open(os.path.join(tests, "cephx-capture-tentacle.txt")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                k, v = line.split(" ", 1)
                cap[k] = v.strip()
    cipher, key = cx_parse_key(cap["key"])
    req = bytes.fromhex(cap["request"])
    server = struct.unpack_from("<Q", bytes.fromhex(cap["challenge"]), 1)[0]
    _op, _v, client, proof, _bl, _o = cx_parse_authenticate(req)
    check("%s proof of the real Tentacle exchange" % cipher,
          cx_proof(cipher, key, server, client) == proof)
    check("a proof one bit off is refused",
          cx_proof(cipher, key, server, client ^ 1) != proof)
    return fails


def mini_mauth(proto, payload):
    """An MAuth front: paxos header, protocol, payload, monmap epoch."""
    return (struct.pack("<QhQ", 0, -1, 0) + struct.pack("<II", proto,
                                                        len(payload)) +
            payload + struct.pack("<I", 0))


def mini_cephx(srv, case, c):
    """The MiniClient through a cephx exchange with the fake (the
    generator's client side): checks that the fault carries the case's
    payload and the good path the good reply; returns an error or None,
    and the MiniClient at the monmap if the exchange went through."""
    g = cx_gen()
    cx = case.cx
    hello = (struct.pack("<BIII", 1, 1, MONC_AUTH_CEPHX, ENTITY_CLIENT) +
             struct.pack("<I", 5) + b"admin" + struct.pack("<Q", 0))
    c.send_msg(MSG_AUTH, mini_mauth(0, hello))
    m = c.read_msg(MSG_AUTH_REPLY)
    proto, res, _gid, n = struct.unpack_from("<IiQI", m["front"])
    got = m["front"][20:20 + n]
    if case.stage == "cx-challenge":
        return None if got == cx.payload else "challenge fault %s" % got.hex()
    if (proto, res, len(got), got[:1]) != (MONC_AUTH_CEPHX, 0, 9, b"\1"):
        return "bad challenge %r %s" % ((proto, res), got.hex())
    server = struct.unpack_from("<Q", got, 1)[0]
    client = int.from_bytes(os.urandom(8), "little")
    with _GEN_LOCK:
        g.CIPHER = cx_cipher_of(cx.cipher)
        req = g.authenticate(cx.secret, server, client, 0, b"", 0x37)
        g.CIPHER = g.AES
    c.send_msg(MSG_AUTH, mini_mauth(MONC_AUTH_CEPHX, req))
    m = c.read_msg(MSG_AUTH_REPLY)
    n = struct.unpack_from("<I", m["front"], 16)[0]
    got = m["front"][20:20 + n]
    if case.stage == "cx-reply":
        return None if got == cx.payload else "reply fault differs"
    if got != cx.good:
        return "the good reply differs"
    return None


def selftest(args):
    fsid = uuid.UUID("2f0b7f6e-8f43-4a55-9d0a-3c1e7b6a5d21").bytes
    fails = selftest_known_answers()
    srv = Srv(fsid, 0, ("127.0.0.1", 6789))
    srv.listen()
    cases = gen_cases(fsid, srv.mons(), with_slow=not args.quick,
                      flood_n=1000 if args.quick else 10000)
    # cephx: aes with the generator's key as the real one, aes256k with a
    # key the real cluster does not know (both kinds of control)
    fails += selftest_cephx_known_answers()
    g = cx_gen()
    cx = gen_cephx_cases({"aes": (g.SECRET, True),
                          "aes256k": (CX_FOREIGN["aes256k"], False)})
    cases += cx_sample(cx) if args.quick else cx
    if args.filter:
        cases = [c for c in cases if args.filter in c.name]
    names = [c.name for c in cases]
    if len(set(names)) != len(names):
        dups = sorted({x for x in names if names.count(x) > 1})
        print("not ok - duplicate case names: %s" % dups[:5])
        fails += 1
    n, f = selftest_session(srv, cases)
    fails += f
    print("# selftest: %d cases, %d known answers/session failures" %
          (n, fails))
    return 1 if fails else 0


# --------------------------------------------------------------------------
# The harness: drive a real monc client (inside UML) through every case.

def bounded(fn, timeout):
    """Run fn() in a thread; (True, result) or (False, None) on timeout."""
    box = {}

    def run():
        try:
            box["r"] = fn()
        except BaseException as e:  # noqa: BLE001 - carried to caller
            box["e"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive():
        return False, None
    if "e" in box:
        raise box["e"]
    return True, box.get("r")


class Kmsg:
    """Reads new kernel log lines (monc's errors) between cases."""

    def __init__(self):
        try:
            self.fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
            os.lseek(self.fd, 0, os.SEEK_END)
        except OSError:
            self.fd = None

    def read(self):
        out = []
        if self.fd is None:
            return out
        while True:
            try:
                rec = os.read(self.fd, 8192)
            except BlockingIOError:
                break
            except OSError as e:
                if e.errno == errno.EPIPE:
                    continue
                break
            if not rec:
                break
            line = rec.decode(errors="replace")
            head, _, msg = line.partition(";")
            try:
                prio = int(head.split(",")[0]) & 7
            except ValueError:
                prio = 6
            out.append((prio, msg.split("\n")[0]))
        return out


class Relay:
    """A TCP relay standing in front of the real monitor.

    While a case runs, the relay holds every new connection (buffering
    what the client sends) until the fake has sent its fault; then it
    connects to the real monitor and relays both ways. So monc, hunting
    both monitors in parallel, always meets the fake first, and the real
    cluster is never disturbed.
    """

    def __init__(self, upstream, port=0):
        self.upstream = upstream
        self.release = threading.Event()
        self.release.set()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.port = self.sock.getsockname()[1]
        self.sock.listen(64)
        self.held = 0
        self.accepted = []      # monotonic time of every connection
        threading.Thread(target=self._accept, daemon=True).start()

    def accepted_since(self, t):
        return sum(1 for a in list(self.accepted) if a >= t)

    def _accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(time.monotonic())
            threading.Thread(target=self._relay, args=(c,),
                             daemon=True).start()

    def _relay(self, c):
        u = None
        try:
            buf = bytearray()
            if not self.release.is_set():
                self.held += 1
            while not self.release.is_set():
                r, _, _ = select.select([c], [], [], 0.05)
                if r:
                    d = c.recv(65536)
                    if not d:
                        return
                    buf += d
            u = socket.create_connection(self.upstream, 10)
            u.settimeout(None)
            if buf:
                u.sendall(buf)
            for s in (c, u):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            peer = {c: u, u: c}
            while True:
                r, _, _ = select.select([c, u], [], [])
                for s in r:
                    d = s.recv(65536)
                    if not d:
                        return
                    peer[s].sendall(d)
        except OSError:
            return
        finally:
            for s in (c, u):
                if s:
                    try:
                        s.close()
                    except OSError:
                        pass


class TestclientDriver:
    """tests/client's monc_testclient.ko, through its debugfs files."""

    def __init__(self, d="/sys/kernel/debug/monc_testclient"):
        self.d = d

    def available(self):
        return os.path.exists(os.path.join(self.d, "create"))

    def _w(self, name, text):
        fd = os.open(os.path.join(self.d, name), os.O_WRONLY)
        try:
            os.write(fd, text.encode())
        finally:
            os.close(fd)

    def _r(self, name):
        with open(os.path.join(self.d, name)) as f:
            line = f.read().strip()
        out = {}
        for w in line.split():
            k, _, v = w.partition("=")
            out[k] = v
        return out

    def mount(self, opts):
        self._w("create", opts)

    def statfs(self):
        r = self._r("statfs")
        if int(r.get("err", "-1")):
            raise OSError(-int(r["err"]), "statfs: %s" % r.get("err"))
        return tuple(int(r[k]) for k in ("kb", "kb_used", "kb_avail",
                                          "objects"))

    def monmap_epoch(self):
        return int(self._r("maps").get("monmap", "-1"))

    def version(self):
        self._w("get_version", "osdmap")
        r = self._r("get_version")
        if int(r.get("err", "-1")):
            raise OSError(-int(r["err"]), "get_version: %s" % r.get("err"))
        return (int(r["newest"]), int(r["oldest"]))

    def umount(self):
        self._w("destroy", "1")


class Harness:
    def __init__(self, args, srv, relay, driver):
        self.args = args
        self.srv = srv
        self.relay = relay
        self.drv = driver
        self.kmsg = Kmsg()
        self.baseline = None
        self.base_version = None
        self.mounted = False
        self.wedged = False
        self.kmsg_lines = []

    def take_kmsg(self):
        lines = self.kmsg_lines + self.kmsg.read()
        self.kmsg_lines = []
        return lines

    def run_flap(self, case):
        """A mount against the flapping fake alone: it must fail within
        its timeout, with few connections and a reason that says why."""
        self.srv.on_fault = None
        self.srv.case = case
        opts = re.sub(r"mount_timeout_ms=\d+",
                      "mount_timeout_ms=%d" % case.flap_mount_ms,
                      self.opts([("127.0.0.1", self.srv.port)]))
        t0 = time.monotonic()
        try:
            try:
                self.call(lambda: self.drv.mount(opts), case.bound, "mount")
                self.mounted = True
                return False, "mounted against a monitor that drops " \
                    "every session"
            except OSError as e:
                err = e
            dt = time.monotonic() - t0
            n = case.connections
            self.kmsg_lines += self.kmsg.read()
            why = [m for _, m in self.kmsg_lines if "no mount within" in m]
            if not case.exercised:
                return None, "fault not reached (%s)" % (
                    "; ".join(case.notes[-2:]) or "fake never contacted")
            if err.errno != errno.ETIMEDOUT:
                return False, "mount failed with %s, not ETIMEDOUT" % err
            if n > case.flap_max_conns:
                return False, "%d connections in %.1fs (at most %d)" % (
                    n, dt, case.flap_max_conns)
            if not why or case.flap_reason not in why[-1]:
                return False, "logged reason %r lacks %r" % (
                    why[-1] if why else None, case.flap_reason)
            return True, "%d connections in %.1fs; %s" % (n, dt,
                                                         why[-1][:160])
        except TimeoutError as e:
            return False, str(e)
        finally:
            self.end_case()

    def end_case(self, watchdog=None):
        """Forget the case, close the fake's connections, destroy the
        client if it mounted; stop start_case()'s @watchdog and release
        the relay."""
        if watchdog:
            watchdog.cancel()
            self.relay.release.set()
        self.srv.case = None
        self.srv.close_all()
        if self.mounted and not self.wedged:
            try:
                self.call(self.drv.umount, 60, "destroy")
                self.mounted = False
            except (OSError, TimeoutError):
                pass

    def opts(self, addrs, case=None):
        o = self.args.mount_opts.format(
            addrs="/".join("%s:%d" % a for a in addrs))
        key = self.args.cephx_key
        if case is not None and case.cx:
            key = case.cx.secret_b64()
        if key:
            o += ",name=%s,secret=%s" % (self.args.cephx_name, key)
        return o

    def call(self, fn, timeout, what):
        ok, r = bounded(fn, timeout)
        if not ok:
            self.wedged = True
            raise TimeoutError("%s hung > %.0fs" % (what, timeout))
        return r

    def setup(self):
        # Baseline: the real monitor alone.
        try:
            self.call(lambda: self.drv.mount(self.opts([self.args.real])),
                      90, "baseline mount")
            self.mounted = True
            self.baseline = self.call(self.drv.statfs, 60, "baseline statfs")
            self.base_version = self.call(self.drv.version, 60,
                                          "baseline get_version")
        except (OSError, TimeoutError) as e:
            return "baseline: %s" % e
        finally:
            if self.mounted and not self.wedged:
                self.call(self.drv.umount, 60, "baseline umount")
                self.mounted = False
        return None

    def start_case(self, case, on_fault):
        """Serve @case (the relay is held, @on_fault releases it): the
        mount's addresses (fake, relay), the start time, left() (seconds
        of the case's bound) and the watchdog that releases the relay
        half way through anyway."""
        relay = self.relay
        relay.release.clear()
        self.srv.on_fault = on_fault
        self.srv.case = case
        addrs = [("127.0.0.1", self.srv.port), ("127.0.0.1", relay.port)]
        t0 = time.monotonic()
        deadline = t0 + case.bound
        watchdog = threading.Timer(min(case.bound / 2, 15),
                                   relay.release.set)
        watchdog.daemon = True
        watchdog.start()

        def left():
            return max(1.0, deadline - time.monotonic())

        return addrs, t0, left, watchdog

    def run_case(self, case):
        """Returns (True|False|None for skip, detail)."""
        case.reset()
        if case.family == "flap":
            return self.run_flap(case)
        if case.cx:
            return self.run_cephx(case)
        relay = self.relay

        def on_fault(c):
            if c.release_delay:
                t = threading.Timer(c.release_delay, relay.release.set)
                t.daemon = True
                t.start()
            else:
                relay.release.set()

        addrs, t0, left, watchdog = self.start_case(case, on_fault)
        try:
            try:
                self.call(lambda: self.drv.mount(self.opts(addrs)), left(),
                          "mount")
                self.mounted = True
            except OSError as e:
                if case.expect == "any" and case.exercised:
                    return True, "mount failed cleanly (%s)" % e
                return False, "mount failed: %s" % e
            # Faults sent while the session lives: give them time.
            if case.stage in ("keepalive", "session", "subscribe",
                              "suback"):
                t_end = time.monotonic() + 5
                while not case.exercised and time.monotonic() < t_end:
                    time.sleep(0.02)
            if case.stage == "version":
                try:
                    v = self.call(self.drv.version, left(), "get_version")
                except OSError as e:
                    return False, "get_version failed: %s" % e
                if v != self.base_version and v != case.accept_version:
                    return False, "get_version %r != baseline %r" % (
                        v, self.base_version)
            try:
                st = self.call(self.drv.statfs, left(), "statfs")
            except OSError as e:
                return False, "statfs failed: %s" % e
            if st != self.baseline:
                return False, "statfs %r != baseline %r" % (st,
                                                            self.baseline)
            if case.family.startswith("truncate-monmap"):
                ep = self.call(self.drv.monmap_epoch, 10, "maps")
                if ep == POISON_EPOCH:
                    return False, "a truncated monmap was installed"
            if case.must_reject_auth and \
                    MSG_MON_SUBSCRIBE in case.after_fault:
                return False, "monc took the bogus auth reply (it " \
                    "subscribed on that session)"
            if case.family == "slow" and case.exercised and \
                    case.gave_up is None:
                return False, "monc waited out the whole slow peer"
            if not case.exercised:
                return None, "fault not reached (%s)" % (
                    "; ".join(case.notes[-2:]) or "fake never contacted")
            extra = ""
            if case.gave_up is not None:
                extra = ", monc left the slow fake after %.1fs" % \
                    case.gave_up
            return True, "%.2fs%s" % (time.monotonic() - t0, extra)
        except TimeoutError as e:
            return False, str(e)
        finally:
            self.end_case(watchdog)

    def run_cephx(self, case):
        """A cephx case. The verdicts (gen_cephx_vectors.malformed()'s,
        the ones tests/auth_test.c checks): a reply whose status refuses
        fails the mount with EACCES at once; one that does not open with
        the client's key (-EBADMSG: no monitor that accepted our proof
        sends it) or is malformed fails that monitor only, and monc hunts
        on to the real one. Either way monc must never subscribe on the
        fake's session after the fault."""
        cx = case.cx
        relay = self.relay
        addrs, t0, left, watchdog = self.start_case(
            case, lambda c: relay.release.set())
        opts = self.opts(addrs, case)

        try:
            err = None
            try:
                self.call(lambda: self.drv.mount(opts), left(), "mount")
                self.mounted = True
            except OSError as e:
                err = e
            dt = time.monotonic() - t0
            st = None
            if cx.err is None and err is None:
                # the control: its statfs reaches the fault
                try:
                    st = self.call(self.drv.statfs, left(), "statfs")
                except OSError as e:
                    err = e
            if not case.exercised:
                return None, "fault not reached (%s)" % (
                    "; ".join(case.notes[-2:]) or "fake never contacted")
            ok, why = self.cephx_verdict(case, err, st)
            if not ok:
                why += " [fake: %s]" % "; ".join(case.notes[-4:])
            return ok, "%s, %.2fs" % (why, dt)
        except TimeoutError as e:
            return False, str(e)
        finally:
            self.end_case(watchdog)


    def cephx_verdict(self, case, err, st):
        """run_cephx()'s verdict: (ok, why). @err: the mount's or the
        control's statfs error; @st: the control's statfs."""
        cx = case.cx
        if MSG_MON_SUBSCRIBE in case.after_fault:
            return False, "monc took the %s reply (it subscribed on that " \
                "session)" % cx.cipher
        key = "the real %s key" % cx.cipher if cx.real else \
            "a %s key the cluster does not know" % cx.cipher
        hunted = self.relay.accepted_since(case.fault_at)
        if cx.err is None:
            # the control: monc takes the fake's good exchange
            if err is not None:
                return False, "after the fake's good exchange: %s" % err
            if not case.subs:
                return False, "no subscribe after the fake's good exchange"
            return True, "%s: the fake's exchange taken, statfs %r" % (key,
                                                                       st)
        if cx.err == "-EACCES":
            # the reply's status refuses: the mount fails at once
            if err is None:
                return False, "mounted; a refusal must fail the mount " \
                    "with EACCES"
            if err.errno != errno.EACCES or hunted:
                return False, "mount failed with %s after %d connection(s) " \
                    "to the real monitor (want EACCES from the fake's " \
                    "reply)" % (err, hunted)
            return True, "%s: EACCES" % key
        # malformed or does not open: monc drops the fake and hunts on to
        # the real monitor
        if cx.real:
            if err is not None:
                return False, "mount failed: %s" % err
            st = self.call(self.drv.statfs, 60, "statfs")
            if st != self.baseline:
                return False, "statfs %r != baseline %r" % (st,
                                                            self.baseline)
            return True, "%s: hunted on" % key
        if err is None:
            return False, "mounted with a key the cluster does not know"
        if err.errno != errno.EACCES or not hunted:
            return False, "mount failed with %s after %d connection(s) to " \
                "the real monitor (want EACCES from it)" % (err, hunted)
        return True, "%s: hunted on, the real monitor said EACCES" % key


def harness(args):
    fsid = uuid.UUID(args.fsid).bytes
    host, port = args.real.rsplit(":", 1)
    args.real = (host, int(port))
    drv = TestclientDriver(args.tc_dir)
    if not drv.available():
        print("not ok 1 - fakemon: no test client at %s" % args.tc_dir)
        print("1..1")
        return 1
    relay = Relay(args.real, args.relay_port)
    srv = Srv(fsid, args.port, ("127.0.0.1", relay.port),
              real_name=args.real_name)
    srv.listen()
    if args.cephx_key:
        cases = gen_cephx_cases(cx_ciphers(args.cephx_key))
        if args.sample:
            cases = cx_sample(cases)
    else:
        cases = gen_cases(fsid, srv.mons(), with_slow=not args.quick,
                          flood_n=args.flood)
    if args.filter:
        cases = [c for c in cases if any(f in c.name for f in
                                         args.filter.split(","))]
    if args.skip_stage:
        cases = [c for c in cases if c.stage not in
                 args.skip_stage.split(",")]
    if args.stride > 1:
        keep = []
        fam_n = {}
        for c in cases:
            i = fam_n.get(c.family, 0)
            fam_n[c.family] = i + 1
            if i % args.stride == 0:
                keep.append(c)
        cases = keep
    if args.max_cases:
        cases = cases[:args.max_cases]
    h = Harness(args, srv, relay, drv)
    err = h.setup()
    if err:
        print("not ok 1 - fakemon setup: %s" % err)
        print("1..1")
        return 1
    print("# fakemon: %d cases; fake 127.0.0.1:%d, real %s:%d behind relay "
          "127.0.0.1:%d; baseline statfs %r version %r" %
          (len(cases), srv.port, args.real[0], args.real[1], relay.port,
           h.baseline, h.base_version))
    sys.stdout.flush()
    n = passed = failed = skipped = logged = 0
    fam = {}
    t_start = time.monotonic()
    budget_end = t_start + args.budget if args.budget else None
    for case in cases:
        if budget_end and time.monotonic() > budget_end:
            print("# fakemon: time budget of %ds used up; %d cases not run"
                  % (args.budget, len(cases) - n))
            break
        n += 1
        h.kmsg.read()
        for attempt in range(3):
            try:
                ok, detail = h.run_case(case)
            except Exception as e:  # noqa: BLE001 - one must not end all
                ok, detail = False, "harness exception %r" % (e,)
            # A case whose fault was never reached (monc went elsewhere
            # first) is tried again.
            if ok is not None or h.wedged:
                break
        if attempt and ok is not None:
            detail += ", attempt %d" % (attempt + 1)
        if case.errors:
            ok, detail = False, "; ".join(case.errors)
        lines = h.take_kmsg()
        errs = [m for p, m in lines if p <= 4 and "monc" in m]
        if errs:
            logged += 1
        f = fam.setdefault(case.family, [0, 0, 0, 0])
        f[0] += 1
        if ok is None:
            skipped += 1
            f[2] += 1
            print("ok %d - %s # SKIP %s" % (n, case.name, detail))
        elif ok:
            passed += 1
            f[1] += 1
            print("ok %d - %s (%s%s)" % (n, case.name, detail,
                                         "; " + errs[0][:80] if errs
                                         else ""))
        else:
            failed += 1
            f[3] += 1
            print("not ok %d - %s: %s" % (n, case.name, detail))
            for p, m in lines[-10:]:
                print("#   kmsg: %s" % m)
        sys.stdout.flush()
        if h.wedged:
            print("# fakemon: the client is wedged after %s; stopping" %
                  case.name)
            break
    dt = time.monotonic() - t_start
    for name in sorted(fam):
        c = fam[name]
        print("# fakemon family %-24s run %4d passed %4d skipped %3d "
              "failed %3d" % (name, c[0], c[1], c[2], c[3]))
    print("# fakemon: cases run %d, passed %d, skipped %d, failed %d, "
          "with a monc log line %d, in %.0fs" % (n, passed, skipped, failed,
                                                 logged, dt))
    print("1..%d" % n)
    sys.stdout.flush()
    # The wedged client thread may never return: do not wait for it.
    os._exit(1 if failed or h.wedged else 0)


def serve(args):
    fsid = uuid.UUID(args.fsid).bytes
    host, port = args.real.rsplit(":", 1)
    srv = Srv(fsid, args.port, (host, int(port)), real_name=args.real_name)
    srv.listen()
    cases = {c.name: c for c in gen_cases(fsid, srv.mons())}
    case = cases[args.case] if args.case else Case("none", "none", "never",
                                                   lambda c, x: "close")
    print("fakemon: serving %s on 127.0.0.1:%d" % (case.name, srv.port))
    sys.stdout.flush()
    while True:
        if case.done:
            case.reset()
        srv.case = case
        time.sleep(0.5)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--selftest", action="store_true")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--quick", action="store_true",
                    help="no slow-peer cases, small floods")
    ap.add_argument("--filter", default="")
    ap.add_argument("mode", nargs="?", choices=("run", "serve"))
    ap.add_argument("--fsid", default="2f0b7f6e-8f43-4a55-9d0a-3c1e7b6a5d21")
    ap.add_argument("--port", type=int, default=6800)
    ap.add_argument("--real", default="127.0.0.1:6789")
    ap.add_argument("--real-name", default="a")
    ap.add_argument("--relay-port", type=int, default=0)
    ap.add_argument("--tc-dir", default="/sys/kernel/debug/monc_testclient")
    ap.add_argument("--mount-opts",
                    default="mon_addr={addrs},hunt_parallel=2,"
                    "hunt_interval_ms=1000,keepalive_interval_ms=500,"
                    "keepalive_timeout_ms=3000,mount_timeout_ms=30000")
    ap.add_argument("--budget", type=int, default=0,
                    help="stop starting cases after this many seconds")
    ap.add_argument("--skip-stage", default="")
    ap.add_argument("--stride", type=int, default=1)
    ap.add_argument("--max-cases", type=int, default=0)
    ap.add_argument("--flood", type=int, default=10000)
    ap.add_argument("--case", default="")
    ap.add_argument("--cephx-key", default="",
                    help="run the cephx cases; the real cluster's key "
                    "(keyring base64)")
    ap.add_argument("--cephx-name", default="admin")
    ap.add_argument("--sample", action="store_true",
                    help="cephx: make check's sample (CX_SAMPLE)")
    args = ap.parse_args()
    if args.selftest:
        return selftest(args)
    if args.list:
        fsid = uuid.UUID(args.fsid).bytes
        mons = [("a", "127.0.0.1", 6789), ("fake", "127.0.0.1", args.port)]
        cases = gen_cases(fsid, mons)
        # the cephx cases, as with an aes256k cluster key
        cases += gen_cephx_cases(cx_ciphers(cx_key_b64(bytes(32))))
        fams = {}
        for c in cases:
            print("%-28s %-10s %s" % (c.family, c.stage, c.name))
            fams[c.family] = fams.get(c.family, 0) + 1
        for k in sorted(fams):
            print("# %-28s %d" % (k, fams[k]))
        print("# total %d" % len(cases))
        return 0
    if args.mode == "run":
        return harness(args)
    if args.mode == "serve":
        return serve(args)
    ap.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
