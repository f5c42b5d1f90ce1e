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
import datetime
import importlib.util
import json
import os
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

FULL = dict(mount_reps=10, lat_reps=5, lat_count=400, tput_reps=3,
            tput_ms=3000, tput_threads=(1, 4, 16), kill_reps=5, stop_reps=3,
            dead_reps=5, mem_reps=3, mem_clients=100, op_timeout=120)
SMOKE = dict(mount_reps=1, lat_reps=1, lat_count=20, tput_reps=1,
             tput_ms=300, tput_threads=(1, 4), kill_reps=1, stop_reps=1,
             dead_reps=1, mem_reps=1, mem_clients=3, op_timeout=90)

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
        self.addrs = env["MONC_MON_ADDRS"].split(",")
        self.ports = [int(a.rsplit(":", 1)[1]) for a in self.addrs]
        self.asok = load_asok()
        self.children = {}

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
        c = subprocess.Popen(["ceph-mon", "-f", "-c", self.conf, "-i", i],
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

    def __init__(self, kind, modname, has_ka):
        self.kind = kind
        self.ctl = "/sys/kernel/debug/%s/ctl" % modname
        self.has_ka = has_ka        # keepalive/hunt tunables exist
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
                 "mount_timeout_ms=%d" % (",".join(addrs), ka_interval_ms,
                                          ka_timeout_ms, mount_timeout_ms))

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

    def __init__(self, conffile):
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
        self.conf = {"mon_host": ",".join("v1:" + a for a in addrs),
                     "admin_socket": "", "log_file": "",
                     "log_to_stderr": "false", "err_to_stderr": "false",
                     "rados_mon_op_timeout": "100"}
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
    xs = [float(x) for x in xs]
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs),
            "n": len(xs), "values": xs}


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
        """One mounted client on the healthy cluster, machine settled."""
        self.cluster.restore()
        c.set(self.addrs, **kw)
        c.mount(1)
        self.settle()

    # 1. mount, 2. latency, 3. throughput (with CPU per op).
    # These are the figures most exposed to a drifting host load, so they
    # are paired: every repetition runs each client in turn.
    def paired(self, clients, name, fn):
        """Run fn(c) for each client; a client that fails drops out of the
        rest of this figure and gets the reason recorded."""
        for c in list(clients):
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
        clients = list(clients)
        ms = {c.kind: [] for c in clients}
        for c in clients:
            c.set(self.addrs)

        def one(c):
            ms[c.kind] += [x / 1e6 for x in c.mount(1)]
            c.umount()

        for _ in range(self.cfg["mount_reps"]):
            self.paired(clients, "mount_ms", one)
        for c in clients:
            self.record(c.kind, "mount_ms", summary(ms[c.kind]))

    def fig_statfs(self, clients):
        clients = list(clients)
        self.cluster.restore()
        for c in clients:
            c.set(self.addrs)
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

            for _ in range(self.cfg["lat_reps"]):
                self.paired(clients, "statfs", lat)
            for c in clients:
                self.record(c.kind, "statfs_p50_ms", summary(p50[c.kind]))
                self.record(c.kind, "statfs_p99_ms", summary(p99[c.kind]))

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
                    if ops:
                        db = b["busy"] - a["busy"]
                        dm = b["mon"] - a["mon"]
                        busy[c.kind].append(db * 1e6 / self.hz / ops)
                        own[c.kind].append((db - dm) * 1e6 / self.hz / ops)

                for _ in range(self.cfg["tput_reps"]):
                    self.paired(clients, "tput_%d" % t, tput)
                for c in clients:
                    self.record(c.kind, "tput_%d" % t, summary(rates[c.kind]))
                    if busy[c.kind]:
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

    def fig_failover(self, c, how, fig, reps, **kw):
        self.fresh(c, **kw)
        try:
            vals, mons = [], []
            for _ in range(reps):
                v, m = self.failover_once(c, how)
                vals.append(v)
                mons.append(m)
                log("%s %s: %.1f ms (mon.%s)" % (c.kind, fig, v, m))
            s = summary(vals)
            s["mons"] = mons
            if kw:
                s["settings"] = kw
            self.record(c.kind, fig, s)
        finally:
            c.umount()

    # 6. mount with the first two listed monitors dead
    def fig_dead_first(self, c, how):
        addrs = ["127.0.0.1:%d" % p for p in DEAD_PORTS] + [self.addrs[0]]
        vals, holder = [], None
        for _ in range(self.cfg["dead_reps"]):
            self.cluster.restore()
            self.settle()
            if how == "hung":
                holder = hung_listeners(DEAD_PORTS)
            try:
                c.set(addrs)
                vals += [x / 1e6 for x in c.mount(1)]
                c.umount()
            finally:
                if holder:
                    os.kill(holder, signal.SIGKILL)
                    os.waitpid(holder, 0)
                    holder = None
        self.record(c.kind, "dead_first_%s_ms" % how, summary(vals))

    # 7. slab per client
    def fig_memory(self, c):
        self.cluster.restore()
        c.set(self.addrs)
        c.mount(1)
        c.umount()
        n = self.cfg["mem_clients"]
        slab, unrecl, free = [], [], []
        for _ in range(self.cfg["mem_reps"]):
            drop_caches()
            time.sleep(0.5)
            a = meminfo()
            c.mount(n)
            time.sleep(1)
            drop_caches()
            b = meminfo()
            c.umount()
            slab.append((b["Slab"] - a["Slab"]) / n)
            unrecl.append((b["SUnreclaim"] - a["SUnreclaim"]) / n)
            free.append((a["MemFree"] - b["MemFree"]) / n)
        self.record(c.kind, "slab_kib_per_client", summary(slab))
        self.record(c.kind, "sunreclaim_kib_per_client", summary(unrecl))
        self.record(c.kind, "memfree_drop_kib_per_client", summary(free))

    def figures(self, c):
        """(name, thunk) of every figure that applies to client @c."""
        figs = [
            ("failover_kill_ms", lambda: self.fig_failover(
                c, "kill", "failover_kill_ms", self.cfg["kill_reps"])),
        ]
        if not (self.cfg is SMOKE and c.kind != "monc"):
            # Defaults mean 30-40 s per rep for libceph and librados.
            figs.append(("failover_stop_ms", lambda: self.fig_failover(
                c, "stop", "failover_stop_ms", self.cfg["stop_reps"])))
        if c.kind == "monc":
            figs.append(("failover_stop_tuned_ms", lambda: self.fig_failover(
                c, "stop", "failover_stop_tuned_ms", self.cfg["stop_reps"],
                **MONC_TUNED)))
        figs += [
            ("dead_first_refused_ms", lambda: self.fig_dead_first(c, "refused")),
            ("dead_first_hung_ms", lambda: self.fig_dead_first(c, "hung")),
        ]
        if c.kind != "librados":
            figs.append(("slab", lambda: self.fig_memory(c)))
        return figs

    def settle(self, limit=0.15, window=0.5, timeout=20.0):
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

    def run_figure(self, c, name, fn):
        try:
            self.cluster.restore()
        except Exception:
            traceback.print_exc()
        self.settle()
        t = time.monotonic()
        try:
            fn()
        except Exception as e:
            traceback.print_exc()
            self.skip(c.kind, name, "failed: %s" % e)
            try:
                self.cluster.restore()
                c.umount()
            except Exception:
                traceback.print_exc()
        log("%s %s took %.0f s" % (c.kind, name, time.monotonic() - t))


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
        env["ceph"] = subprocess.run(["ceph-mon", "--version"],
                                     capture_output=True, text=True,
                                     timeout=60).stdout.strip()
    except Exception as e:
        env["ceph"] = "unknown (%s)" % e
    for k in ("BENCH_HOST_KERNEL", "BENCH_HOST_CPUS", "BENCH_HOST_CPU_MODEL",
              "BENCH_MONC_REV", "BENCH_HOST_LOADAVG_AT_START"):
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

    def save():
        with open(args.out + ".tmp", "w") as f:
            json.dump(out, f, indent=1)
        os.replace(args.out + ".tmp", args.out)

    makers = {
        "libceph": lambda: KernelClient("libceph", "libceph_bench", False),
        "monc": lambda: KernelClient("monc", "monc_bench", True),
        "librados": lambda: RadosClient(cluster.conf),
    }
    clients = []
    for name in args.clients.split(","):
        try:
            clients.append(makers[name]())
        except NotMeasured as e:
            out["unavailable"][name] = str(e)
            log("%s: not measured: %s" % (name, e))
    # Figure by figure, each client in turn: the host may be shared, and
    # its load drifts; interleaving spreads the drift over all clients.
    for name, fn in (("mount", b.fig_mount), ("statfs", b.fig_statfs)):
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
    plan = [(c, b.figures(c)) for c in clients]
    order = []
    for _, figs in plan:
        for name, _ in figs:
            if name not in order:
                order.append(name)
    for fig in order:
        for c, figs in plan:
            for name, fn in figs:
                if name == fig:
                    b.run_figure(c, name, fn)
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
    ("statfs_p50_ms", "statfs latency p50, one caller", "ms", "low",
     "monc/libceph <= 1.0"),
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

# Issue #8's goals, judged on medians. Shown, never asserted.
GOALS = {
    "mount_ms": lambda m, l: m <= 1.0 * l,
    "statfs_p50_ms": lambda m, l: m <= 1.0 * l,
    "tput_16": lambda m, l: m >= 1.0 * l,
    "failover_stop_ms": lambda m, l: m <= l / 3.0,
    "dead_first_refused_ms": lambda m, l: m < 500.0,
    "dead_first_hung_ms": lambda m, l: m <= l / 3.0,
    "slab_kib_per_client": lambda m, l: m <= 1.0 * l,
}


def goal_cell(key, text, m, l):
    if key not in GOALS:
        return text
    if not m or not l or "median" not in m or "median" not in l:
        return "%s: –" % text
    met = GOALS[key](m["median"], l["median"])
    note = ""
    if key != "dead_first_refused_ms" and m["n"] > 1 and l["n"] > 1 and \
            m["min"] <= l["max"] and l["min"] <= m["max"]:
        note = " (min–max ranges overlap)"
    return "%s: **%s**%s" % (text, "met" if met else "not met", note)


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
    if not a or not b or "median" not in a or "median" not in b:
        return "–"
    if b["median"] == 0:
        return "–"
    return "%.2f" % (a["median"] / b["median"])


def render(data):
    res = data["results"]
    env = data["env"]
    lines = []
    lines.append("# monc bench: monc vs libceph vs librados (UML)\n")
    lines.append("Produced by `make bench` (`tests/bench/run.sh`), mode "
                 "**%s**. All clients ran in one UML boot against the same "
                 "3-monitor Pacific cluster (auth none, msgr v1, loopback). "
                 "These are UML measurements: compare the ratios, not the "
                 "absolute times.\n" % data["mode"])
    if data.get("partial"):
        lines.append("**Partial run**: %s. Figures missing below were not "
                     "reached.\n" % data["partial"])
    lines.append("Each cell: median (min–max) over the repetitions; ratios "
                 "are of medians.\n")
    lines.append("| figure | unit | monc | libceph | librados | "
                 "monc/libceph | monc/librados | goal |")
    lines.append("|---|---|---|---|---|---|---|---|")
    notes = []
    for key, label, unit, _better, goal in ROWS:
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
            goal_cell(key, goal, cells[0], cells[1])))
    lines.append("")
    lines.append("Goals are issue #8's, judged on the medians; where the "
                 "min–max ranges of monc and libceph overlap, the verdict is "
                 "within this run's noise.\n")
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
    lines.append("## How each figure was taken\n")
    lines.append(
        "- **Mount**: create, open and wait until the client has a monmap "
        "and an osdmap (`ceph_create_client`+`ceph_open_session`; "
        "`monc_create`+`monc_open_session`+`monc_wait_mount`+first osdmap; "
        "`rados.Rados()`+`connect()`), %d reps." % cfg["mount_reps"])
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
        "OSD client, messenger), which is what a libceph user pays. The "
        "UML kernel has KASAN (redzones, quarantine), which inflates and "
        "blurs all slab figures alike." % (cfg["mem_clients"],
                                           cfg["mem_clients"],
                                           cfg["mem_reps"]))
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
    r.add_argument("--clients", default="libceph,monc,librados")
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
