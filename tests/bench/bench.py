#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""monc's bench driver: monc, libceph and librados on the same monitors.

Two sub-commands:

  bench.py run --cluster DIR --out RESULTS.json [--smoke] [--clients LIST]
      Runs inside UML (tests/bench/uml-init.sh starts it), after the
      3-monitor cluster is up (tests/cluster/start.sh) and the bench modules
      are loaded. It drives monc_bench.ko and libceph_bench.ko through their
      debugfs ctl files (see bench_core.h) and librados through python3-rados,
      kills/stops/restarts monitors itself, and writes raw figures to JSON.

  bench.py render RESULTS.json [--out results.md]
      Turns the JSON into the markdown table (median, min, max per figure,
      ratios monc/libceph and monc/librados, environment); prints it.

Every figure is the median over several repetitions, shown with the min and
max. Nothing here asserts on a time: a figure that could not be measured is
recorded with the reason, and the run goes on.
"""
import argparse
import base64
import datetime
import importlib.util
import json
import math
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
IDS = "abc"
DEAD_PORTS = (6795, 6796)       # never used by the cluster (6789..6791)

FULL = dict(mount_reps=12, lat_reps=10, lat_count=200, tput_reps=6,
            tput_ms=2000, tput_threads=(1, 4, 16), kill_reps=6, stop_reps=3,
            dead_reps=4, mem_reps=4, mem_clients=100, prof_count=300,
            op_timeout=120)
SMOKE = dict(mount_reps=2, lat_reps=2, lat_count=20, tput_reps=2,
             tput_ms=300, tput_threads=(1, 4), kill_reps=1, stop_reps=1,
             dead_reps=1, mem_reps=1, mem_clients=3, prof_count=20,
             op_timeout=90)

# monc's tuned keepalive for the SIGSTOP figure (its defaults: 2 s / 10 s).
MONC_TUNED = dict(ka_interval_ms=250, ka_timeout_ms=1000)


def now_ns():
    return time.monotonic_ns()      # CLOCK_MONOTONIC == ktime_get_ns()


def log(*a):
    print("bench:", *a, flush=True)


class NotMeasured(Exception):
    """A figure cannot be measured for this client; the text says why."""


# ---------------------------------------------------------------- cluster

def load_asok():
    """asok_command() from tests/cluster/wait-ready.py (one fork less)."""
    path = os.path.join(HERE, "..", "cluster", "wait-ready.py")
    spec = importlib.util.spec_from_file_location("wait_ready", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.asok_command


class Cluster:
    """The 3 monitors of tests/cluster/start.sh, driven from here."""

    def __init__(self, d):
        self.dir = d
        env = {}
        for line in open(os.path.join(d, "env")):
            if line.startswith("export "):
                k, v = line[7:].strip().split("=", 1)
                env[k] = v
        self.conf = env["CEPH_CONF"]
        # cephx: client.admin's base64 CryptoKey (the bench's cephx phase)
        self.key = env.get("MONC_ADMIN_KEY", "") \
            if env.get("MONC_AUTH") == "cephx" else ""
        # msgr2 (the bench's v2 phases): a cluster bound to msgr2 only
        # says crc; BENCH_MS_MODE picks the mode the clients ask for.
        self.ms_mode = os.environ.get("BENCH_MS_MODE") or \
            env.get("MONC_MS_MODE", "")
        self.addrs = env["MONC_MON_ADDRS"].split(",")
        self.ports = [int(a.rsplit(":", 1)[1]) for a in self.addrs]
        self.asok = load_asok()
        self.children = {}
        # Reef and Tentacle run from a Debian chroot (tests/cluster/
        # release.sh) that the UML init has bound /proc, /dev, /sys and
        # /tmp into; "chroot ROOT ceph-mon" execs, so the pid is the mon's.
        self.release = env.get("MONC_CEPH", "pacific") or "pacific"
        root = env.get("MONC_CEPH_ROOT", "")
        self.prefix = ["chroot", root] if root and root not in ("/", "/.") \
            else []

    def pidfile(self, r):
        return os.path.join(self.dir, "run", "mon.%s.pid" % IDS[r])

    def pid(self, r):
        try:
            return int(open(self.pidfile(r)).read().strip())
        except (OSError, ValueError):
            return None

    def alive(self, r):
        p = self.pid(r)
        if p is None:
            return False
        try:
            st = open("/proc/%d/stat" % p).read()
        except OSError:
            return False
        return st.rsplit(")", 1)[1].split()[0] != "Z"

    def signal(self, r, sig):
        os.kill(self.pid(r), sig)

    def kill(self, r):
        p = self.pid(r)
        if p is None:
            return
        try:
            os.kill(p, signal.SIGCONT)
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.reap(r)
        os.unlink(self.pidfile(r))

    def reap(self, r):
        p = self.pid(r)
        child = self.children.pop(r, None)
        if child is not None:
            child.wait()
            return
        while p is not None and self.alive(r):
            time.sleep(0.01)

    def start(self, r):
        i = IDS[r]
        out = open(os.path.join(self.dir, "log", "mon.%s.stdout" % i), "ab")
        c = subprocess.Popen(self.prefix + ["ceph-mon", "-f", "-c",
                                           self.conf, "-i", i],
                             stdin=subprocess.DEVNULL, stdout=out,
                             stderr=subprocess.STDOUT)
        out.close()
        self.children[r] = c
        with open(self.pidfile(r), "w") as f:
            f.write("%d\n" % c.pid)

    def mon_pids(self):
        return [p for p in (self.pid(r) for r in range(3)) if p]

    def wait_ready(self, timeout=120):
        """Every live monitor leader or peon with all live ones in quorum."""
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            live = [r for r in range(3) if self.alive(r)]
            ok = bool(live)
            states = []
            for r in live:
                path = os.path.join(self.dir, "run",
                                    "ceph-mon.%s.asok" % IDS[r])
                try:
                    st = self.asok(path, "mon_status")
                except (OSError, ValueError) as e:
                    states.append("%s:%s" % (IDS[r], type(e).__name__))
                    ok = False
                    continue
                states.append("%s:%s" % (IDS[r], st.get("state")))
                if st.get("state") not in ("leader", "peon") or \
                        not set(live) <= set(st.get("quorum", [])):
                    ok = False
            last = " ".join(states)
            if ok:
                return
            time.sleep(0.1)
        raise RuntimeError("cluster not ready after %d s: %s" % (timeout, last))

    def leader(self):
        """Rank of the leader (after wait_ready), or 0 if none says so."""
        for r in range(3):
            path = os.path.join(self.dir, "run", "ceph-mon.%s.asok" % IDS[r])
            try:
                if self.asok(path, "mon_status").get("state") == "leader":
                    return r
            except (OSError, ValueError):
                pass
        return 0

    def restore(self):
        """Bring every monitor back (cont the stopped, start the dead)."""
        for r in range(3):
            if self.alive(r):
                try:
                    self.signal(r, signal.SIGCONT)
                except ProcessLookupError:
                    pass
            else:
                if self.pid(r) is not None:
                    self.reap(r)
                self.start(r)
        self.wait_ready()


def socket_inodes(pids):
    inos = set()
    for p in pids:
        try:
            fds = os.listdir("/proc/%d/fd" % p)
        except OSError:
            continue
        for fd in fds:
            try:
                t = os.readlink("/proc/%d/fd/%s" % (p, fd))
            except OSError:
                continue
            if t.startswith("socket:["):
                inos.add(int(t[8:-1]))
    return inos


def mon_connections(ports):
    """(remote port, socket inode) of every ESTABLISHED tcp socket to a mon."""
    res = []
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            fl = line.split()
            rport = int(fl[2].split(":")[1], 16)
            if fl[3] == "01" and rport in ports:
                res.append((rport, int(fl[9])))
    return res


def current_mon(cluster, kind, timeout=10.0):
    """Rank of the monitor the client under test has its session with.

    Kernel clients' sockets belong to no process; librados' belong to us.
    Monitors' sockets to each other are excluded by their owners' fds.
    """
    deadline = time.monotonic() + timeout
    while True:
        conns = mon_connections(cluster.ports)
        mine = socket_inodes([os.getpid()])
        mons = socket_inodes(cluster.mon_pids())
        if kind == "librados":
            cand = [p for p, i in conns if i in mine]
        else:
            cand = [p for p, i in conns if i not in mine and i not in mons]
        cand = sorted(set(cand))
        if len(cand) == 1:
            return cluster.ports.index(cand[0])
        if time.monotonic() > deadline:
            raise RuntimeError("cannot tell %s's monitor: candidates %s"
                               % (kind, cand))
        time.sleep(0.05)


# ---------------------------------------------------------------- clients

class KernelClient:
    """monc_bench.ko or libceph_bench.ko through its debugfs ctl file."""

    def __init__(self, kind, modname, has_ka, key="", ms_mode=""):
        self.kind = kind
        self.ctl = "/sys/kernel/debug/%s/ctl" % modname
        self.has_ka = has_ka        # keepalive/hunt tunables exist
        # cephx as client.admin when @key (a base64 CryptoKey) is given;
        # monc takes the raw key in hex, libceph the CryptoKey as is.
        self.cred = ""
        if key:
            blob = base64.b64decode(key)
            raw = blob[12:12 + int.from_bytes(blob[10:12], "little")]
            self.cred = " name=admin secret=%s" % (
                raw.hex() if kind == "monc" else key)
        # BENCH_MONC_SET: more "set" tokens for monc (an experiment such
        # as hunt_parallel=1; make bench leaves it empty)
        if kind == "monc" and os.environ.get("BENCH_MONC_SET"):
            self.cred += " " + os.environ["BENCH_MONC_SET"]
        if ms_mode:
            self.cred += " ms_mode=" + ms_mode
        if not os.path.exists(self.ctl):
            raise NotMeasured("%s not loaded (no %s)" % (modname, self.ctl))

    def cmd(self, line):
        fd = os.open(self.ctl, os.O_RDWR)
        try:
            os.write(fd, line.encode())
            out = b""
            while True:
                b = os.read(fd, 65536)
                if not b:
                    break
                out += b
        finally:
            os.close(fd)
        out = out.decode()
        if out.startswith("err"):
            raise RuntimeError("%s: %r -> %s" % (self.kind, line, out.strip()))
        return out

    @staticmethod
    def field(out, key):
        for tok in out.split():
            if tok.startswith(key + "="):
                return tok[len(key) + 1:]
        raise RuntimeError("no %s in %r" % (key, out))

    def set(self, addrs, ka_interval_ms=0, ka_timeout_ms=0,
            mount_timeout_ms=0):
        self.cmd("set addrs=%s ka_interval_ms=%d ka_timeout_ms=%d "
                 "mount_timeout_ms=%d%s" % (",".join(addrs), ka_interval_ms,
                                            ka_timeout_ms, mount_timeout_ms,
                                            self.cred))

    def mount(self, n):
        out = self.cmd("mount %d" % n)
        return [int(x) for x in self.field(out, "ns").split(",")]

    def umount(self):
        self.cmd("umount")

    def lat(self, op, n):
        out = self.cmd("lat %s %d" % (op, n))
        return [int(x) for x in self.field(out, "ns").split(",")]

    def tput(self, op, threads, ms):
        out = self.cmd("tput %s %d %d" % (op, threads, ms))
        return int(self.field(out, "ops")), int(self.field(out, "errs"))

    def loop_start(self, op):
        self.cmd("loop_start %s" % op)

    def loop_records(self, since):
        out = self.cmd("loop_dump %d" % since)
        return [tuple(int(x) for x in line.split())
                for line in out.splitlines() if line.strip()]

    def loop_stop(self):
        self.cmd("loop_stop")


class RadosClient:
    """librados, through python3-rados, in this process."""

    kind = "librados"
    has_ka = False

    def __init__(self, conffile, key="", ms_mode=""):
        self.key = key
        self.ms_mode = ms_mode
        try:
            import rados
        except ImportError as e:
            raise NotMeasured("python3-rados: %s" % e)
        self.rados = rados
        self.conffile = conffile
        self.handles = []
        self.conf = {}
        self.timeout = 60
        self.loop_thread = None
        self.loop_log = []
        self.loop_run = False

    def set(self, addrs, ka_interval_ms=0, ka_timeout_ms=0,
            mount_timeout_ms=0):
        # rados_mon_op_timeout bounds statfs so that a stuck call fails
        # instead of hanging the bench; it is far above any failover.
        proto = "v2:" if self.ms_mode else "v1:"
        self.conf = {"mon_host": ",".join(proto + a for a in addrs),
                     "admin_socket": "", "log_file": "",
                     "log_to_stderr": "false", "err_to_stderr": "false",
                     "rados_mon_op_timeout": "100"}
        if self.key:
            self.conf.update({"key": self.key,
                              "auth_client_required": "cephx"})
        if self.ms_mode:
            self.conf["ms_mon_client_mode"] = self.ms_mode
        self.timeout = (mount_timeout_ms or 60000) // 1000

    def mount(self, n):
        res = []
        for _ in range(n):
            t0 = now_ns()
            r = self.rados.Rados(conffile=self.conffile, conf=self.conf)
            try:
                r.connect(timeout=self.timeout)
            except Exception:
                r.shutdown()
                raise
            res.append(now_ns() - t0)
            self.handles.append(r)
        return res

    def umount(self):
        while self.handles:
            self.handles.pop().shutdown()

    def op(self, op):
        r = self.handles[0]
        if op == "statfs":
            r.get_cluster_stats()
        else:
            # MMonGetVersion("osdmap"), then a no-op wait: we have it.
            r.wait_for_latest_osdmap()

    def lat(self, op, n):
        res = []
        for _ in range(n):
            t0 = now_ns()
            self.op(op)
            res.append(now_ns() - t0)
        return res

    def tput(self, op, threads, ms):
        deadline = now_ns() + ms * 1000000
        counts = [[0, 0] for _ in range(threads)]

        def worker(c):
            while True:
                try:
                    self.op(op)
                    err = 0
                except Exception:
                    err = 1
                if now_ns() > deadline:
                    return
                c[err] += 1

        ts = [threading.Thread(target=worker, args=(c,)) for c in counts]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        return sum(c[0] for c in counts), sum(c[1] for c in counts)

    def loop_start(self, op):
        self.loop_log = []
        self.loop_run = True

        def loop():
            while self.loop_run:
                t0 = now_ns()
                try:
                    self.op(op)
                    err = 0
                except Exception:
                    err = -1
                self.loop_log.append((t0, now_ns(), err))
                if err:
                    time.sleep(0.01)

        self.loop_thread = threading.Thread(target=loop, daemon=True)
        self.loop_thread.start()

    def loop_records(self, since):
        return [r for r in list(self.loop_log) if r[1] >= since]

    def loop_stop(self):
        self.loop_run = False
        self.loop_thread.join()


# ---------------------------------------------------------------- figures

def pct(xs, p):
    xs = sorted(xs)
    k = max(0, min(len(xs) - 1, int(round(p / 100.0 * len(xs) + 0.5)) - 1))
    return xs[k]


def summary(xs):
    """Median, min, max of @xs; "values" keeps every repetition in order,
    None where that repetition failed, so that ratios can be paired."""
    vals = [None if x is None else float(x) for x in xs]
    xs = [x for x in vals if x is not None]
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs),
            "n": len(xs), "values": vals}


def rep_order(clients, rep):
    """The clients in the order repetition @rep runs them: as listed on
    even repetitions, reversed on odd ones (A B C, C B A, A B C...), so each
    client runs as often right after another client as before it, and
    whatever one client leaves behind (monitor work, cold caches) is not
    always billed to the same neighbour."""
    return list(clients) if rep % 2 == 0 else list(reversed(clients))


def cpu_ticks(mon_pids):
    """Busy ticks of the (one-CPU) UML machine, and ticks of the monitors.

    UML books every tick as system time (user is always 0 here), so only
    busy = total - idle is meaningful machine-wide; per-process utime+stime
    separates ceph-mon's share from the rest (the client under test, its
    kernel threads and softirqs, and for librados this Python process)."""
    v = [int(x) for x in open("/proc/stat").readline().split()[1:9]]
    mon = 0
    for p in mon_pids:
        try:
            f = open("/proc/%d/stat" % p).read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        mon += int(f[11]) + int(f[12])
    return {"busy": sum(v) - v[3] - v[4], "mon": mon}


def meminfo():
    m = {}
    for line in open("/proc/meminfo"):
        k, v = line.split(":")
        m[k] = int(v.split()[0])
    return m


def drop_caches():
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3\n")


class Bench:
    def __init__(self, args, cluster):
        self.cfg = SMOKE if args.smoke else FULL
        self.cluster = cluster
        self.addrs = cluster.addrs
        self.res = {}
        self.hz = os.sysconf("SC_CLK_TCK")
        self.profile = {}

    def record(self, client, fig, value):
        self.res.setdefault(client, {})[fig] = value
        if isinstance(value, dict) and "median" in value:
            log("%s %s: median %.3f min %.3f max %.3f (n=%d)" % (
                client, fig, value["median"], value["min"], value["max"],
                value["n"]))
        else:
            log("%s %s: %s" % (client, fig, value))

    def skip(self, client, fig, why):
        self.record(client, fig, {"not_measured": why})

    def fresh(self, c, **kw):
        """One mounted client on the healthy cluster (failover_once waits
        until the machine settles)."""
        self.cluster.restore()
        c.set(self.addrs, **kw)
        c.mount(1)

    # 1. mount, 2. latency, 3. throughput (with CPU per op).
    # These are the figures most exposed to a drifting host load, so they
    # are paired: every repetition runs each client in turn.
    def paired(self, clients, name, fn, rep=0):
        """Run fn(c) for each client, in repetition @rep's order; a client
        that fails drops out of the rest of this figure (removed from
        @clients) and gets the reason recorded."""
        for c in rep_order(clients, rep):
            try:
                fn(c)
            except Exception as e:
                traceback.print_exc()
                self.skip(c.kind, name, "failed: %s" % e)
                clients.remove(c)
                try:
                    c.umount()
                except Exception:
                    pass

    def fig_mount(self, clients):
        # On the cephx cluster (the second phase of make bench) the same
        # figure is the cephx mount row; on the msgr2 one, the mode's.
        name = "mount_cephx_ms" if self.cluster.key else "mount_ms"
        if self.cluster.ms_mode:
            name = "mount_%s_ms" % self.cluster.ms_mode
        clients = list(clients)
        ms = {c.kind: [] for c in clients}
        for c in clients:
            c.set(self.addrs)

        def one(c):
            ms[c.kind] += [x / 1e6 for x in c.mount(1)]
            c.umount()

        # One unrecorded mount per client first. Whoever mounts first on a
        # fresh cluster pays alone for what every later mount reuses: the
        # kernel instantiating and self-testing cbc(aes) or gcm(aes), the
        # monitors' first rotating keys. That was always monc (it opens
        # repetition 0): 5.7 s and 1.2 s first cephx and secure mounts
        # against 12-40 ms for the rest. The cold figure stays in the
        # JSON as first_<figure>.
        cold = {c.kind: [] for c in clients}

        def warm(c):
            cold[c.kind] += [x / 1e6 for x in c.mount(1)]
            c.umount()

        self.paired(clients, name, warm)
        for c in clients:
            if not cold[c.kind]:
                continue
            self.record(c.kind, "first_" + name, summary(cold[c.kind]))
            log("%s %s: first (unrecorded) mount %s ms" %
                (c.kind, name, ["%.1f" % x for x in cold[c.kind]]))
        for i in range(self.cfg["mount_reps"]):
            self.paired(clients, name, one, i)
        for c in clients:
            self.record(c.kind, name, summary(ms[c.kind]))

    def fig_statfs(self, clients):
        clients = list(clients)
        self.cluster.restore()
        self.cluster.wait_ready()
        # Every client on the same monitor, the leader: a peon forwards
        # statfs to the leader, so a client that happened to land on a
        # peon paid a hop the other did not (run-to-run swings of 10%).
        lead = self.cluster.leader()
        log("statfs figures: every client on mon.%s, the leader" % IDS[lead])
        for c in clients:
            c.set([self.addrs[lead]])
        self.paired(clients, "statfs", lambda c: c.mount(1))
        self.settle()
        try:
            p50 = {c.kind: [] for c in clients}
            p99 = {c.kind: [] for c in clients}
            n = self.cfg["lat_count"]
            self.paired(clients, "statfs", lambda c: c.lat("statfs",
                                                         min(20, n)))

            def lat(c):
                x = c.lat("statfs", n)
                p50[c.kind].append(pct(x, 50) / 1e6)
                p99[c.kind].append(pct(x, 99) / 1e6)

            for i in range(self.cfg["lat_reps"]):
                self.paired(clients, "statfs", lat, i)
            mode = self.cluster.ms_mode
            for c in clients:
                if mode:
                    # msgr2 phases: the latency over that mode, no more
                    self.record(c.kind, "statfs_p50_%s_ms" % mode,
                                summary(p50[c.kind]))
                    continue
                self.record(c.kind, "statfs_p50_ms", summary(p50[c.kind]))
                self.record(c.kind, "statfs_p99_ms", summary(p99[c.kind]))
            if mode:
                return

            def version(c):
                v = c.lat("version", min(50, n))
                self.record(c.kind, "version_p50_ms",
                            summary([pct(v, 50) / 1e6]))

            self.paired(clients, "version", version)
            pids = self.cluster.mon_pids()
            for t in self.cfg["tput_threads"]:
                rates = {c.kind: [] for c in clients}
                busy = {c.kind: [] for c in clients}
                own = {c.kind: [] for c in clients}

                def tput(c):
                    a = cpu_ticks(pids)
                    ops, errs = c.tput("statfs", t, self.cfg["tput_ms"])
                    b = cpu_ticks(pids)
                    if errs:
                        log("%s tput %d: %d errors" % (c.kind, t, errs))
                    rates[c.kind].append(ops * 1000.0 / self.cfg["tput_ms"])
                    db = b["busy"] - a["busy"]
                    dm = b["mon"] - a["mon"]
                    busy[c.kind].append(db * 1e6 / self.hz / ops
                                        if ops else None)
                    own[c.kind].append((db - dm) * 1e6 / self.hz / ops
                                       if ops else None)

                for i in range(self.cfg["tput_reps"]):
                    self.paired(clients, "tput_%d" % t, tput, i)
                for c in clients:
                    self.record(c.kind, "tput_%d" % t, summary(rates[c.kind]))
                    if any(x is not None for x in busy[c.kind]):
                        self.record(c.kind, "cpu_busy_us_%d" % t,
                                    summary(busy[c.kind]))
                        self.record(c.kind, "cpu_client_us_%d" % t,
                                    summary(own[c.kind]))
        finally:
            for c in clients:
                c.umount()

    # 4. and 5. failover
    @staticmethod
    def recovery(recs, t0, grace_ns):
        """First success after t0 that the stopped/killed monitor cannot
        have answered: issued after t0, or done more than grace after t0
        (a reply already on the wire at t0 lands within microseconds)."""
        done = [d for (i, d, e) in recs
                if e == 0 and d >= t0 and (i >= t0 or d - t0 > grace_ns)]
        return (min(done) - t0) if done else None

    def failover_once(self, c, how):
        cl = self.cluster
        self.settle()
        c.loop_start("statfs")
        try:
            time.sleep(0.5)
            r = current_mon(cl, c.kind)
            pid = cl.pid(r)
            # t0 is taken right after kill() returns: UML may run the
            # client and the monitor for several round trips between any
            # two of our syscalls, so a t0 taken before kill() would let
            # replies the monitor sent before it stopped count as recovery.
            if how == "kill":
                # Freeze first so a statfs is surely in flight and no reply
                # is on its way, then kill.
                os.kill(pid, signal.SIGSTOP)
                time.sleep(0.05)
                os.kill(pid, signal.SIGKILL)
                t0 = now_ns()
                grace = 0
            else:
                os.kill(pid, signal.SIGSTOP)
                t0 = now_ns()
                grace = 50 * 1000000
            try:
                st = open("/proc/%d/stat" % pid).read()
                state = st.rsplit(")", 1)[1].split()[0]
            except OSError:
                state = "gone"
            deadline = time.monotonic() + self.cfg["op_timeout"]
            rec = None
            while time.monotonic() < deadline:
                recs = c.loop_records(t0)
                rec = self.recovery(recs, t0, grace)
                if rec is not None:
                    break
                time.sleep(0.02)
            log("%s %s mon.%s (state %s after the signal): first calls "
                "done after it (issue-t0, done-t0 ms, err): %s" % (
                    c.kind, how, IDS[r], state,
                    [((i - t0) / 1e6, (d - t0) / 1e6, e)
                     for (i, d, e) in recs[:4]]))
        except BaseException:
            cl.restore()
            c.loop_stop()
            raise
        # Let the stuck monitor go before stopping the loop, so that a
        # client that never failed over still finishes its call.
        if how == "kill":
            cl.reap(r)
        cl.restore()
        c.loop_stop()
        if rec is None:
            raise RuntimeError("no statfs succeeded within %d s"
                               % self.cfg["op_timeout"])
        return rec / 1e6, IDS[r]

    def failover_rep(self, c, how, **kw):
        """One failover repetition on a freshly mounted client."""
        self.fresh(c, **kw)
        try:
            v, m = self.failover_once(c, how)
        finally:
            c.umount()
        log("%s failover %s%s: %.1f ms (mon.%s)" % (
            c.kind, how, " tuned" if kw else "", v, m))
        return v

    # 6. mount with the first two listed monitors dead
    def dead_first_rep(self, c, how):
        addrs = ["127.0.0.1:%d" % p for p in DEAD_PORTS] + [self.addrs[0]]
        self.cluster.restore()
        self.settle()
        holder = hung_listeners(DEAD_PORTS) if how == "hung" else None
        try:
            c.set(addrs)
            v = c.mount(1)[0] / 1e6
            c.umount()
        finally:
            if holder:
                os.kill(holder, signal.SIGKILL)
                os.waitpid(holder, 0)
        return v

    # 7. slab per client
    def memory_rep(self, c):
        self.cluster.restore()
        c.set(self.addrs)
        c.mount(1)
        c.umount()
        n = self.cfg["mem_clients"]
        drop_caches()
        time.sleep(0.5)
        a = meminfo()
        c.mount(n)
        time.sleep(1)
        drop_caches()
        b = meminfo()
        c.umount()
        return {"slab_kib_per_client": (b["Slab"] - a["Slab"]) / n,
                "sunreclaim_kib_per_client":
                (b["SUnreclaim"] - a["SUnreclaim"]) / n,
                "memfree_drop_kib_per_client":
                (a["MemFree"] - b["MemFree"]) / n}

    def interleaved(self, clients, reps, one, figs):
        """Repetition by repetition, each client in turn (rep_order):
        one(c) gives {figure: value} for one repetition of client @c.
        A failed repetition is recorded as None; a client that fails twice
        sits out the rest of the figure."""
        vals = {c.kind: {f: [] for f in figs} for c in clients}
        fails = {c.kind: 0 for c in clients}
        why = {}
        for rep in range(reps):
            for c in rep_order(clients, rep):
                r = {}
                if fails[c.kind] < 2:
                    t = time.monotonic()
                    try:
                        r = one(c)
                    except Exception as e:
                        traceback.print_exc()
                        fails[c.kind] += 1
                        why[c.kind] = str(e)
                        try:
                            self.cluster.restore()
                            c.umount()
                        except Exception:
                            traceback.print_exc()
                    log("%s %s rep %d took %.0f s" % (
                        c.kind, figs[0], rep, time.monotonic() - t))
                if not isinstance(r, dict):
                    r = {figs[0]: r}
                for f in figs:
                    vals[c.kind][f].append(r.get(f))
        for c in clients:
            for f in figs:
                xs = vals[c.kind][f]
                if any(x is not None for x in xs):
                    self.record(c.kind, f, summary(xs))
                else:
                    self.skip(c.kind, f, "failed: %s" % why.get(c.kind, "?"))

    def plan(self, clients):
        """(figures, repetitions, clients, one) of the interleaved figures."""
        kern = [c for c in clients if c.kind != "librados"]
        stop = clients if self.cfg is not SMOKE else \
            [c for c in clients if c.kind == "monc"]
        monc = [c for c in clients if c.kind == "monc"]
        cfg = self.cfg
        return [
            (["failover_kill_ms"], cfg["kill_reps"], clients,
             lambda c: self.failover_rep(c, "kill")),
            # Defaults mean 30-40 s per rep for libceph and librados.
            (["failover_stop_ms"], cfg["stop_reps"], stop,
             lambda c: self.failover_rep(c, "stop")),
            (["failover_stop_tuned_ms"], cfg["stop_reps"], monc,
             lambda c: self.failover_rep(c, "stop", **MONC_TUNED)),
            (["dead_first_refused_ms"], cfg["dead_reps"], clients,
             lambda c: self.dead_first_rep(c, "refused")),
            (["dead_first_hung_ms"], cfg["dead_reps"], clients,
             lambda c: self.dead_first_rep(c, "hung")),
            (["slab_kib_per_client", "sunreclaim_kib_per_client",
              "memfree_drop_kib_per_client"], cfg["mem_reps"], kern,
             self.memory_rep),
        ]

    # 8. the profile: kernel events per statfs, from tracepoints
    def fig_profile(self, clients):
        """Count, per synchronous statfs of one caller, the kernel events
        that the suspects of monc's per-request cost would show: work items
        queued and run (and the time spent in each work function), wakeups
        and context switches, slab allocations by the module that made
        them, loopback packets (pure TCP ACKs apart) and lock contention.
        The same window is then traced with the client idle, and that
        background (the monitors' own ticks) is subtracted."""
        tr = trace_dir()
        if tr is None:
            raise NotMeasured("no tracefs (the bench kernel has it)")
        n = self.cfg["prof_count"]
        for c in clients:
            self.cluster.restore()
            c.set(self.addrs)
            c.mount(1)
            try:
                c.lat("statfs", 20)
                self.settle()
                busy = trace_window(tr, lambda: c.lat("statfs", n))
                dur = busy["seconds"]
                idle = trace_window(tr, lambda: time.sleep(dur))
            finally:
                c.umount()
            prof = {"count": n, "seconds": dur, "lost": busy["lost"],
                    "per_statfs": {}}
            for k in set(busy["ev"]) | set(idle["ev"]):
                prof["per_statfs"][k] = (busy["ev"].get(k, 0) -
                                         idle["ev"].get(k, 0)) / n
            self.profile[c.kind] = prof
            log("%s profile: %s" % (c.kind, json.dumps(prof, sort_keys=True)))

    def settle(self, limit=0.15, window=0.5, timeout=10.0):
        """Wait until the UML machine is nearly idle (busy < @limit over
        @window s), so that work left behind by the previous figure (the
        monitors' paxos and rocksdb after hundreds of sessions, elections)
        is not billed to the next client. Gives up after @timeout s."""
        deadline = time.monotonic() + timeout
        while True:
            a = [int(x) for x in open("/proc/stat").readline().split()[1:9]]
            time.sleep(window)
            b = [int(x) for x in open("/proc/stat").readline().split()[1:9]]
            d = [y - x for x, y in zip(a, b)]
            tot = sum(d)
            busy = (tot - d[3] - d[4]) / tot if tot else 0.0
            if busy < limit:
                return busy
            if time.monotonic() > deadline:
                log("machine still %.0f%% busy after %.0f s; going on"
                    % (busy * 100, timeout))
                return busy


TRACE_EVENTS = ("workqueue/workqueue_queue_work",
                "workqueue/workqueue_execute_start",
                "workqueue/workqueue_execute_end",
                "sched/sched_wakeup", "sched/sched_switch",
                "kmem/kmalloc", "kmem/kmem_cache_alloc", "kmem/kmalloc_node",
                "kmem/kmem_cache_alloc_node", "net/net_dev_xmit",
                "lock/contention_begin")
TRACE_LINE = re.compile(r"^\s*(.+?)-(\d+)\s+\[\d+\]\s+(?:\S+\s+)?"
                        r"(\d+\.\d+):\s+(\w+):\s*(.*)$")
CALL_SITE = re.compile(r"call_site=(\S+?)\+0x[0-9a-f]+/0x[0-9a-f]+"
                       r"(?:\s+\[(\w+)\])?")
# The module that allocated, by its functions' prefixes (the call site of a
# kmalloc in a module prints as "func+off/len [module]").
PROFILED = ("monc", "libceph")


def trace_dir():
    for d in ("/sys/kernel/tracing", "/sys/kernel/debug/tracing"):
        if os.path.exists(os.path.join(d, "trace")):
            return d
    return None


def trace_write(tr, path, val):
    with open(os.path.join(tr, path), "w") as f:
        f.write(val)


def trace_window(tr, fn):
    """Run fn() with TRACE_EVENTS on; return the events counted by kind
    (see parse_trace), the window's length and the events lost."""
    trace_write(tr, "tracing_on", "0")
    trace_write(tr, "buffer_size_kb", "32768")
    # The default clock ("local", sched_clock) ticks in jiffies on UML;
    # "mono" reads the clocksource, so work items can be timed.
    try:
        trace_write(tr, "trace_clock", "mono")
    except OSError:
        pass
    trace_write(tr, "trace", "")
    for e in TRACE_EVENTS:
        if os.path.exists(os.path.join(tr, "events", e, "enable")):
            trace_write(tr, "events/%s/enable" % e, "1")
    trace_write(tr, "tracing_on", "1")
    t0 = time.monotonic()
    try:
        fn()
    finally:
        secs = time.monotonic() - t0
        trace_write(tr, "tracing_on", "0")
        for e in TRACE_EVENTS:
            if os.path.exists(os.path.join(tr, "events", e, "enable")):
                trace_write(tr, "events/%s/enable" % e, "0")
    lost = 0
    for line in open(os.path.join(tr, "per_cpu", "cpu0", "stats")):
        if line.startswith("overrun:") or line.startswith("dropped events:"):
            lost += int(line.split(":")[1])
    with open(os.path.join(tr, "trace")) as f:
        ev = parse_trace(f)
    trace_write(tr, "trace", "")
    return {"ev": ev, "seconds": secs, "lost": lost}


def parse_trace(lines):
    """Count events by kind. Work items by function (queued, run, and the
    microseconds between execute_start and execute_end); allocations by
    the allocating module (monc, libceph, other); loopback packets, the
    pure ACKs (66 bytes: Ethernet, IPv4 and TCP with timestamps) apart;
    wakeups by the woken task's name."""
    ev = {}
    running = {}

    def add(k, v=1):
        ev[k] = ev.get(k, 0) + v

    for line in lines:
        m = TRACE_LINE.match(line)
        if not m:
            continue
        comm, ts, name, rest = m.group(1).strip(), float(m.group(3)), \
            m.group(4), m.group(5)
        if name == "workqueue_queue_work":
            fn = re.search(r"function=(\S+)", rest)
            add("work queued: %s" % (fn.group(1) if fn else "?"))
        elif name == "workqueue_execute_start":
            w = re.search(r"work struct (\S+): function (\S+)", rest)
            if w:
                add("work run: %s" % w.group(2))
                running[w.group(1)] = (w.group(2), ts)
        elif name == "workqueue_execute_end":
            w = re.search(r"work struct (\S+):", rest)
            if w and w.group(1) in running:
                fn, t = running.pop(w.group(1))
                add("work us: %s" % fn, (ts - t) * 1e6)
        elif name == "sched_wakeup":
            w = re.search(r"comm=(\S+)", rest)
            who = w.group(1) if w else "?"
            if who.startswith("kworker"):
                who = "kworker"
            add("wakeups")
            add("wakeup of: %s" % who)
        elif name == "sched_switch":
            add("context switches")
        elif name.startswith("kmalloc") or name.startswith("kmem_cache"):
            cs = CALL_SITE.search(rest)
            mod = cs.group(2) if cs and cs.group(2) else "kernel"
            if mod in PROFILED:
                add("allocs: %s" % mod)
                add("alloc site (%s): %s" % (mod, cs.group(1)))
            else:
                add("allocs: kernel")
                if cs:
                    add("alloc site (kernel): %s" % cs.group(1))
            b = re.search(r"bytes_alloc=(\d+)", rest)
            if b:
                add("alloc bytes: %s" % (mod if mod in PROFILED
                                         else "kernel"), int(b.group(1)))
        elif name == "net_dev_xmit":
            b = re.search(r"len=(\d+)", rest)
            n = int(b.group(1)) if b else 0
            add("packets")
            add("packets: pure TCP ACK" if n <= 66 else
                "packets: data, at most 80 bytes" if n <= 80 else
                "packets: data, more than 80 bytes")
        elif name == "contention_begin":
            add("lock contentions")
    return ev


def hung_listeners(ports):
    """A SIGSTOPped child holding listening sockets on @ports: TCP connects
    complete (the kernel answers the handshake) and then nothing, exactly
    what a SIGSTOPped ceph-mon looks like to a client."""
    rd, wr = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            socks = []
            for p in ports:
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("127.0.0.1", p))
                s.listen(128)
                socks.append(s)
            os.write(wr, b"x")
            os.kill(os.getpid(), signal.SIGSTOP)
            time.sleep(3600)
        finally:
            os._exit(0)
    os.read(rd, 1)
    os.close(rd)
    os.close(wr)
    return pid


def environment(cluster):
    env = {"date": datetime.datetime.now(datetime.timezone.utc)
           .strftime("%Y-%m-%d %H:%M UTC"),
           "uml_kernel": os.uname().release,
           "uml_cpus": os.cpu_count(),
           "uml_mem_mib": meminfo()["MemTotal"] // 1024}
    try:
        env["ceph"] = subprocess.run(cluster.prefix +
                                     ["ceph-mon", "--version"],
                                     capture_output=True, text=True,
                                     timeout=60).stdout.strip()
    except Exception as e:
        env["ceph"] = "unknown (%s)" % e
    env["ceph_release"] = cluster.release.capitalize()
    for k in ("BENCH_HOST_KERNEL", "BENCH_HOST_CPUS", "BENCH_HOST_CPU_MODEL",
              "BENCH_MONC_REV", "BENCH_HOST_LOADAVG_AT_START",
              "BENCH_KERNEL_FLAVOUR", "BENCH_UML_TREE", "BENCH_MONC_SET"):
        if k in os.environ:
            env[k[6:].lower()] = os.environ[k]
    return env


def cmd_run(args):
    cluster = Cluster(args.cluster)
    cluster.wait_ready()
    b = Bench(args, cluster)
    out = {"mode": "smoke" if args.smoke else "full", "hz": b.hz, "config":
           {k: v for k, v in b.cfg.items()}, "monc_tuned": MONC_TUNED,
           "dead_ports": DEAD_PORTS, "env": environment(cluster),
           "results": b.res, "unavailable": {}}
    if args.merge and os.path.exists(args.merge):
        # a later phase (the cephx cluster) adds its figures to the first's
        with open(args.merge) as f:
            old = json.load(f)
        for k, v in old.items():
            if k not in ("results", "unavailable"):
                out[k] = v
        for client, figs in old.get("results", {}).items():
            b.res.setdefault(client, {}).update(
                {k: v for k, v in figs.items()
                 if k not in b.res.get(client, {})})
        for k, v in old.get("unavailable", {}).items():
            out["unavailable"].setdefault(k, v)

    def save():
        with open(args.out + ".tmp", "w") as f:
            json.dump(out, f, indent=1)
        os.replace(args.out + ".tmp", args.out)

    makers = {
        "libceph": lambda: KernelClient("libceph", "libceph_bench", False,
                                        cluster.key, cluster.ms_mode),
        "monc": lambda: KernelClient("monc", "monc_bench", True,
                                     cluster.key, cluster.ms_mode),
        "librados": lambda: RadosClient(cluster.conf, cluster.key,
                                        cluster.ms_mode),
    }
    clients = []
    for name in args.clients.split(","):
        try:
            clients.append(makers[name]())
        except NotMeasured as e:
            out["unavailable"][name] = str(e)
            log("%s: not measured: %s" % (name, e))
    # Figure by figure, repetition by repetition, each client in turn: the
    # host is shared and its load drifts; interleaving puts each client's
    # repetition next to the others', so that paired ratios cancel it.
    only = set(args.only.split(",")) if args.only else None
    for name, fn in (("mount", b.fig_mount), ("statfs", b.fig_statfs)):
        if only is not None and name not in only:
            continue
        t = time.monotonic()
        try:
            b.cluster.restore()
            b.settle()
            fn(clients)
        except Exception as e:
            traceback.print_exc()
            for c in clients:
                b.skip(c.kind, name, "failed: %s" % e)
        log("paired %s took %.0f s" % (name, time.monotonic() - t))
        save()
    for figs, reps, cs, one in b.plan(clients):
        if not cs or (only is not None and figs[0] not in only):
            continue
        t = time.monotonic()
        try:
            b.cluster.restore()
        except Exception:
            traceback.print_exc()
        b.settle()
        b.interleaved(cs, reps, one, figs)
        log("interleaved %s took %.0f s" % (figs[0], time.monotonic() - t))
        save()
    if args.profile and (only is None or "profile" in only):
        t = time.monotonic()
        try:
            b.fig_profile([c for c in clients if c.kind != "librados"])
        except Exception as e:
            traceback.print_exc()
            out["profile_error"] = str(e)
        out["profile"] = b.profile
        log("profile took %.0f s" % (time.monotonic() - t))
        save()
    cluster.restore()       # leave every monitor up, as we found them
    save()
    log("results in %s" % args.out)
    if args.md:
        md = render(out)
        with open(args.md, "w") as f:
            f.write(md)
        print(md, flush=True)
    if args.tap:
        n = 1
        print("ok %d - bench (%s) ran to its end; figures are reported, "
              "never asserted" % (n, out["mode"]))
        for name in args.clients.split(","):
            n += 1
            figs = b.res.get(name, {})
            bad = sorted(k for k, v in figs.items() if "not_measured" in v)
            if name in out["unavailable"]:
                print("ok %d - bench: %s # SKIP not measured: %s"
                      % (n, name, out["unavailable"][name]))
            elif bad:
                print("ok %d - bench: %s # SKIP not measured: %s"
                      % (n, name, ", ".join(bad)))
            else:
                print("ok %d - bench: %s: %d figures" % (n, name, len(figs)))
        print("1..%d" % n, flush=True)
    return 0


# ---------------------------------------------------------------- render

ROWS = [
    # key, label, unit, better ("low"/"high"), goal text
    ("mount_ms", "Mount: create to maps received", "ms", "low",
     "monc/libceph <= 1.0"),
    ("mount_cephx_ms", "Mount, cephx with an aes key", "ms", "low",
     "monc/libceph <= 1.0"),
    ("mount_crc_ms", "Mount over msgr2, crc mode (cephx, aes key)", "ms",
     "low", ""),
    ("mount_secure_ms", "Mount over msgr2, secure mode (cephx, aes key)",
     "ms", "low", ""),
    ("statfs_p50_ms", "statfs latency p50, one caller", "ms", "low",
     "monc/libceph <= 1.0"),
    ("statfs_p50_crc_ms", "statfs latency p50 over msgr2 crc mode", "ms",
     "low", ""),
    ("statfs_p50_secure_ms", "statfs latency p50 over msgr2 secure mode",
     "ms", "low", ""),
    ("statfs_p99_ms", "statfs latency p99, one caller", "ms", "low", ""),
    ("version_p50_ms", "get_version(osdmap) p50, one caller", "ms", "low",
     ""),
    ("tput_1", "statfs throughput, 1 caller", "ops/s", "high", ""),
    ("tput_4", "statfs throughput, 4 callers", "ops/s", "high", ""),
    ("tput_16", "statfs throughput, 16 callers", "ops/s", "high",
     "monc/libceph >= 1.0"),
    ("failover_kill_ms", "Failover after SIGKILL of the session's monitor",
     "ms", "low", ""),
    ("failover_stop_ms", "Failover after SIGSTOP, default settings", "ms",
     "low", "monc/libceph <= 1/3"),
    ("failover_stop_tuned_ms", "Failover after SIGSTOP, monc tuned "
     "keepalive", "ms", "low", ""),
    ("dead_first_refused_ms", "Mount, first two listed mons refuse", "ms",
     "low", "monc < 500 ms"),
    ("dead_first_hung_ms", "Mount, first two listed mons hung (SIGSTOP)",
     "ms", "low", "monc/libceph <= 1/3"),
    ("slab_kib_per_client", "Slab per client (100 clients)", "KiB", "low",
     "monc/libceph <= 1.0"),
    ("sunreclaim_kib_per_client", "SUnreclaim per client (100 clients)",
     "KiB", "low", ""),
    ("cpu_client_us_1", "CPU per statfs outside ceph-mon, 1 caller", "us",
     "low", ""),
    ("cpu_client_us_16", "CPU per statfs outside ceph-mon, 16 callers",
     "us", "low", ""),
    ("cpu_busy_us_1", "CPU per statfs, whole UML machine, 1 caller", "us",
     "low", ""),
    ("cpu_busy_us_16", "CPU per statfs, whole UML machine, 16 callers",
     "us", "low", ""),
]
CLIENTS = ("monc", "libceph", "librados")

# Issue #15's goals, monc / libceph unless said otherwise: (kind, bound).
# Shown, never asserted. A goal is judged on the 95% interval of the
# ratio: met if the whole interval is on the goal's side, not met if the
# whole interval is on the other side, "not shown" if it crosses the bound.
GOALS = {
    "mount_ms": ("<=", 0.8),
    "mount_cephx_ms": ("<=", 0.8),
    "statfs_p50_ms": ("<=", 0.8),
    "tput_16": (">=", 1.25),
    "cpu_client_us_1": ("<=", 0.8),
    "cpu_client_us_16": ("<=", 0.8),
    "failover_kill_ms": ("<=", 0.8),
    "failover_stop_ms": ("<=", 0.33),
    "dead_first_refused_ms": ("abs<", 50.0),
    "slab_kib_per_client": ("<=", 0.35),
}

# Two-sided 95% quantiles of Student's t, by degrees of freedom.
T975 = (None, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
        2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110,
        2.101, 2.093, 2.086)


def log_t_interval(xs):
    """(geometric mean, low, high) of positive @xs: a 95% t-interval on
    the mean of log(x), mapped back. None where it cannot be had."""
    ls = [math.log(x) for x in xs if x is not None and x > 0]
    if not ls:
        return None
    m = statistics.mean(ls)
    if len(ls) < 2:
        return (math.exp(m), None, None, 1)
    df = len(ls) - 1
    t = T975[df] if df < len(T975) else 1.96 + 2.5 / df
    h = t * statistics.stdev(ls) / math.sqrt(len(ls))
    return (math.exp(m), math.exp(m - h), math.exp(m + h), len(ls))


def paired_ratio(a, b):
    """The ratio a/b over paired repetitions (the same repetition index
    ran both clients one right after the other): log-ratio t-interval."""
    if not a or not b or "values" not in a or "values" not in b:
        return None
    rs = [x / y for x, y in zip(a["values"], b["values"])
          if x is not None and y is not None and x > 0 and y > 0]
    return log_t_interval(rs)


def verdict(key, m, l):
    """"met", "not met" or "not shown" for goal @key."""
    kind, bound = GOALS[key]
    if kind == "abs<":
        ci = log_t_interval(m["values"]) if m and "values" in m else None
    else:
        ci = paired_ratio(m, l)
    if ci is None or ci[1] is None:
        return "not shown (no interval)"
    _, lo, hi, _ = ci
    if kind in ("<=", "abs<"):
        ok, bad = hi <= bound, lo > bound
    else:
        ok, bad = lo >= bound, hi < bound
    return "met" if ok else "not met" if bad else "not shown"


def goal_text(key):
    kind, bound = GOALS[key]
    if kind == "abs<":
        return "monc < %g ms" % bound
    return "monc/libceph %s %g" % ("≤" if kind == "<=" else "≥", bound)


def goal_cell(key, m, l):
    if key not in GOALS:
        return ""
    if not m or "values" not in m or (GOALS[key][0] != "abs<" and
                                      (not l or "values" not in l)):
        return "%s: –" % goal_text(key)
    return "%s: **%s**" % (goal_text(key), verdict(key, m, l))


def fmt_num(v):
    if v >= 1000:
        return "%.0f" % v
    if v >= 100:
        return "%.1f" % v
    if v >= 10:
        return "%.2f" % v
    return "%.3f" % v


def cell(r):
    if r is None:
        return "n/a"
    if "not_measured" in r:
        return "not measured¹"
    if r["n"] == 1:
        return fmt_num(r["median"])
    return "%s (%s–%s)" % (fmt_num(r["median"]), fmt_num(r["min"]),
                           fmt_num(r["max"]))


def ratio(a, b):
    """Geometric mean of the paired ratios [95% interval] (pairs)."""
    ci = paired_ratio(a, b)
    if ci is None:
        return "–"
    if ci[1] is None:
        return "%.2f (1 pair)" % ci[0]
    return "%.2f [%.2f–%.2f] (%d)" % ci


def render(data):
    res = data["results"]
    env = data["env"]
    lines = []
    lines.append("# monc bench: monc vs libceph vs librados (UML)\n")
    lines.append("Produced by `make bench` (`tests/bench/run.sh`), mode "
                 "**%s**, on the **%s** kernel (%s). All clients ran in one "
                 "UML boot against the same 3-monitor %s cluster (auth "
                 "none, msgr v1, loopback). These are UML measurements: "
                 "compare the ratios, not the absolute times.\n" % (
                     data["mode"], env.get("kernel_flavour", "test"),
                     "no sanitisers or debug options"
                     if env.get("kernel_flavour") == "bench" else
                     "KASAN, lockdep, kmemleak, debug objects",
                     env.get("ceph_release", "Pacific")))
    if data.get("partial"):
        lines.append("**Partial run**: %s. Figures missing below were not "
                     "reached.\n" % data["partial"])
    lines.append("Each client cell: median (min–max) over the repetitions. "
                 "Each ratio: the geometric mean of the per-repetition "
                 "ratios, [its 95% confidence interval] (number of paired "
                 "repetitions); see *Method* below.\n")
    lines.append("| figure | unit | monc | libceph | librados | "
                 "monc/libceph | monc/librados | goal |")
    lines.append("|---|---|---|---|---|---|---|---|")
    notes = []
    for key, label, unit, _better, _goal in ROWS:
        cells = [res.get(c, {}).get(key) for c in CLIENTS]
        if all(x is None for x in cells):
            continue
        for c, x in zip(CLIENTS, cells):
            if x is not None and "not_measured" in x:
                notes.append("%s, %s: %s" % (c, label, x["not_measured"]))
        label = label.replace("(100 clients)",
                              "(%d clients)" % data["config"]["mem_clients"])
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            label, unit, cell(cells[0]), cell(cells[1]), cell(cells[2]),
            ratio(cells[0], cells[1]), ratio(cells[0], cells[2]),
            goal_cell(key, cells[0], cells[1])))
    lines.append("")
    lines.append("Goals are issue #15's. A goal is **met** when the whole "
                 "95% interval of the ratio is on its side of the bound, "
                 "**not met** when the whole interval is on the other side, "
                 "and **not shown** when the interval crosses the bound "
                 "(this run cannot tell).\n")
    lines += render_profile(data)
    known = set(r[0] for r in ROWS)
    for c in CLIENTS:
        for k, v in sorted(res.get(c, {}).items()):
            if k not in known and isinstance(v, dict) and "not_measured" in v:
                notes.append("%s, %s: %s" % (c, k, v["not_measured"]))
    un = data.get("unavailable", {})
    for c in CLIENTS:
        if c in un:
            notes.append("%s: nothing measured: %s" % (c, un[c]))
    if notes:
        lines.append("¹ Not measured:\n")
        for n in notes:
            lines.append("- %s" % n)
        lines.append("")
    cfg = data["config"]
    lines.append("## Method\n")
    lines.append(
        "- **Interleaving.** Every figure runs repetition by repetition, "
        "and each repetition runs every client once, one right after the "
        "other, in the order monc, libceph, librados on even repetitions "
        "and the reverse on odd ones. A drift of the host's load (the host "
        "is shared by other jobs) then hits both members of a pair alike.")
    lines.append(
        "- **Intervals.** For each repetition i, r_i = monc_i / libceph_i. "
        "The ratio shown is exp(mean(log r_i)) with a 95% Student t "
        "interval on mean(log r_i) (n-1 degrees of freedom), mapped back. "
        "Why this and not a bootstrap: the repetitions are few (3 to 12), "
        "where a percentile bootstrap is known to give too narrow "
        "intervals; ratios of times are multiplicative and skewed, and "
        "their logs are close to symmetric; pairing removes the load that "
        "both members of a pair share, which a comparison of two "
        "independent medians would leave in. Its assumption (the log "
        "ratios roughly normal and independent between repetitions) is "
        "weakest for the failover figures, whose repetitions depend on "
        "which monitor held the session.")
    lines.append("")
    lines.append("## How each figure was taken\n")
    lines.append(
        "- **Mount**: create, open and wait until the client has a monmap "
        "and an osdmap (`ceph_create_client`+`ceph_open_session`; "
        "`monc_create`+`monc_open_session`+`monc_wait_mount`+first osdmap; "
        "`rados.Rados()`+`connect()`), %d reps, after one unrecorded "
        "mount per client (the first mount on a fresh cluster pays for the "
        "kernel's cipher instances and the monitors' first rotating keys; "
        "its time is first_<figure> in the JSON)." % cfg["mount_reps"])
    lines.append(
        "- **statfs latency**: %d reps of %d back-to-back synchronous "
        "statfs on one client; p50 and p99 per rep. Mount, latency and "
        "throughput are paired: all three clients are mounted at once and "
        "every repetition runs each client in turn, so a drifting host "
        "load (the host is shared) hits them alike. Before every figure "
        "the driver waits until the UML machine is idle." %
        (cfg["lat_reps"], cfg["lat_count"]))
    lines.append(
        "- **Throughput**: N kernel threads (librados: N Python threads on "
        "one handle) issue statfs back to back on one client for %d ms; "
        "%d reps. Only calls completed inside the window count." %
        (cfg["tput_ms"], cfg["tput_reps"]))
    lines.append(
        "- **Failover after SIGKILL**: a thread issues statfs back to back; "
        "the monitor holding the client's session (found from /proc/net/tcp "
        "and socket ownership) is SIGSTOPped, 50 ms later SIGKILLed (so a "
        "statfs is surely in flight and no reply is on the wire); the figure "
        "is the time from the SIGKILL to the first statfs that succeeds. "
        "The monitor is restarted and quorum awaited between reps (%d reps)."
        % cfg["kill_reps"])
    lines.append(
        "- **Failover after SIGSTOP**: as above, but the monitor is only "
        "SIGSTOPped; the figure is the time until a statfs the frozen "
        "monitor cannot have answered succeeds (issued after the stop, or "
        "finished more than 50 ms after it). Defaults: libceph pings every "
        "10 s and gives up after 30 s (compile-time constants); librados "
        "`mon_client_ping_interval` 10 s, `mon_client_ping_timeout` 30 s; "
        "monc keepalive %d ms / timeout %d ms. Tuned monc: keepalive "
        "interval %d ms, timeout %d ms. %d reps each. Monitors run with "
        "`mon_lease = 1`, `mon_election_timeout = 1` (same for everyone); "
        "every failover includes the monitors' own re-election." % (
            2000, 10000, data["monc_tuned"]["ka_interval_ms"],
            data["monc_tuned"]["ka_timeout_ms"], cfg["stop_reps"]))
    lines.append(
        "- **Mount with dead monitors first**: the client is given three "
        "addresses, 127.0.0.1:%d and :%d first, then a live monitor. "
        "*Refused*: nothing listens there. *Hung*: a SIGSTOPped process "
        "holds listening sockets there (TCP handshakes complete, no byte is "
        "ever answered: what a SIGSTOPped ceph-mon looks like; a real "
        "quorum member cannot be used because two of three down means no "
        "quorum). %d reps each." % (data["dead_ports"][0],
                                    data["dead_ports"][1],
                                    cfg["dead_reps"]))
    lines.append(
        "- **Memory**: `/proc/meminfo` before and after creating %d mounted "
        "clients (caches dropped before each reading), divided by %d; "
        "%d reps. libceph's figure is a whole `ceph_client` (monitor and "
        "OSD client, messenger), which is what a libceph user pays.%s" % (
            cfg["mem_clients"], cfg["mem_clients"], cfg["mem_reps"],
            "" if env.get("kernel_flavour") == "bench" else
            " This kernel has KASAN (redzones, quarantine), which inflates "
            "and blurs all slab figures alike."))
    lines.append(
        "- **CPU per statfs** (in place of instructions): perf does not "
        "work in UML and UML has no kprobes, so neither instructions nor "
        "ktime around libceph's send and dispatch paths can be had without "
        "patching libceph, and timing only monc's would compare nothing. "
        "Instead: CPU time during the throughput runs divided by the "
        "statfs completed. *Whole UML machine* is busy time from "
        "`/proc/stat` (one CPU, so it includes ceph-mon). *Outside "
        "ceph-mon* subtracts the monitors' own utime+stime "
        "(`/proc/<pid>/stat`): what is left is the client under test, its "
        "kernel threads, workqueues and softirqs (loopback TCP both ways "
        "as far as it runs outside the monitors' syscalls), and for "
        "librados the Python process. Tick-sampled at %d Hz, so only the "
        "long runs mean much." % data.get("hz", 100))
    lines.append("")
    lines.append("## Environment\n")
    for k in sorted(env):
        lines.append("- %s: %s" % (k, env[k]))
    lines.append("")
    return "\n".join(lines)


PROFILE_ORDER = ("work queued", "work run", "work us", "wakeups",
                 "wakeup of", "context switches", "allocs", "alloc bytes",
                 "alloc site", "packets", "lock contentions")


def render_profile(data):
    """The per-statfs event counts of monc and libceph, side by side."""
    prof = data.get("profile") or {}
    if not prof:
        if data.get("profile_error"):
            return ["Profile: not measured (%s).\n" % data["profile_error"]]
        return []
    kinds = [k for k in ("monc", "libceph") if k in prof]
    keys = set()
    for k in kinds:
        keys |= set(prof[k]["per_statfs"])

    def rank(key):
        i = [j for j, h in enumerate(PROFILE_ORDER) if key.startswith(h)]
        return (i[-1] if i else 99, key)

    out = ["## Profile: kernel events per statfs (one caller)\n",
           "Tracepoints (workqueue, sched, kmem, net, lock) on the bench "
           "kernel over %s synchronous statfs of one caller, minus an idle "
           "window of the same length; per statfs. `work us` is the time "
           "between a work item's execute_start and execute_end. "
           "Allocations are attributed to the module of their call site; "
           "`kernel` is everything else (sockets, skbs, the monitors; "
           "only its 8 sites that differ most are listed). "
           "Rows under 0.05 per statfs on both sides are left out.\n"
           % ", ".join("%s: %d" % (k, prof[k]["count"]) for k in kinds),
           "| event | " + " | ".join(kinds) + " |",
           "|---|" + "---|" * len(kinds)]
    # Of the kernel's own allocation sites, only the 8 that differ most.
    ksites = sorted((k for k in keys if k.startswith("alloc site (kernel)")),
                    key=lambda k: -abs(prof[kinds[0]]["per_statfs"].get(k, 0)
                                       - prof[kinds[-1]]["per_statfs"]
                                       .get(k, 0)))
    keys -= set(ksites[8:])
    for key in sorted(keys, key=rank):
        vals = [prof[k]["per_statfs"].get(key, 0.0) for k in kinds]
        if all(abs(v) < 0.05 for v in vals):
            continue
        out.append("| %s | %s |" % (key, " | ".join("%.2f" % v
                                                     for v in vals)))
    lost = {k: prof[k].get("lost", 0) for k in kinds}
    out.append("")
    out.append("Events lost to a full trace buffer: %s.\n" % ", ".join(
        "%s %d" % (k, v) for k, v in lost.items()))
    return out


def cmd_render(args):
    data = json.load(open(args.results))
    if args.partial:
        data["partial"] = args.partial
    md = render(data)
    print(md)
    if args.out:
        with open(args.out, "w") as f:
            f.write(md)
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--cluster", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--smoke", action="store_true")
    r.add_argument("--clients", default="monc,libceph,librados")
    r.add_argument("--only", help="comma list of figures to run: mount, "
                   "statfs, failover_kill_ms, failover_stop_ms, "
                   "failover_stop_tuned_ms, dead_first_refused_ms, "
                   "dead_first_hung_ms, slab_kib_per_client, profile")
    r.add_argument("--profile", action="store_true",
                   help="count per-statfs kernel events with tracepoints")
    r.add_argument("--merge", help="keep the figures of this earlier "
                   "results.json (from another phase) that this run does "
                   "not measure")
    r.add_argument("--md", help="also write the markdown table here")
    r.add_argument("--tap", action="store_true",
                   help="print TAP lines (for tests/uml/check.sh)")
    r = sub.add_parser("render")
    r.add_argument("results")
    r.add_argument("--out")
    r.add_argument("--partial", help="mark the table as from a cut run")
    args = ap.parse_args()
    return cmd_run(args) if args.cmd == "run" else cmd_render(args)


if __name__ == "__main__":
    sys.exit(main())
