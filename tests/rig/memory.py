# SPDX-License-Identifier: GPL-2.0
"""Slab accounting precise enough to see a driver leak 128 bytes per
operation on the stock kernels (x86, x86-rt). The debug kernel (x86-debug)
has kmemleak, which is exact: tests/rig/kmemleak.py.

A driver's small allocations (kmalloc, kzalloc, kstrdup, kasprintf, ...)
live in the kmalloc-<size> slab caches, whose live objects /proc/slabinfo
counts. Read naively, the counts move by whole slabs (tens of objects) and
by hundreds of objects from one reading to the next, both ways, with
nothing leaking:

  - SLUB counts every object of a slab a CPU holds (its active slab and its
    per-CPU partial slabs) as live. So: per-CPU partial slabs are off for
    the kmalloc caches while measuring (quiet_slabs()), and each reading
    first makes the caches give their CPU slabs back
    (/sys/kernel/slab/*/shrink), then reads the counts with shell builtins
    only (a fork/exec would take CPU slabs again);
  - frees queued by kfree_rcu() stay live for up to 5 s, among them one
    kernfs open node (kmalloc-96 on x86_64) per sysfs file written,
    i.e. per shrink: drop_caches, which runs the kfree_rcu shrinker, then
    a 3 s wait for the grace periods before reading;
  - a reading can still count a few objects too many, never too few: the
    least of three readings.

What is left (tests/test_core_lifecycle.py and tests/test_ipc.py give the
figures) is a few objects of a cache; a leak of one object per operation
adds one object per operation.
"""

import os
import re
import time
from contextlib import contextmanager

_SEP = "@@@meminfo"


def meminfo(guest):
    """/proc/meminfo in kB."""
    return _meminfo(guest.run_ok("cat /proc/meminfo"))


def _meminfo(text):
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+):\s+(\d+) kB", text, re.M)}


@contextmanager
def quiet_slabs(guest):
    """No per-CPU partial slabs in the kmalloc caches while measuring."""
    out = guest.run_ok("for f in /sys/kernel/slab/kmalloc-*/cpu_partial; do "
                       "echo \"$f $(cat $f)\"; done")
    saved = [l.split() for l in out.splitlines() if len(l.split()) == 2]
    guest.run_ok("for f in /sys/kernel/slab/kmalloc-*/cpu_partial; do echo 0 > $f; done; "
                 f"rm -f {_FIFO}; mkfifo {_FIFO}")
    try:
        yield
    finally:
        if not guest.dead:
            guest.run("; ".join(f"echo {v} > {f}" for f, v in saved) or "true")


READINGS = int(os.environ.get('RTDM_SLAB_READINGS', '1'))
# Give every cache's CPU slabs back and drop the page cache, dentries and
# inodes; the second drop_caches also runs the kfree_rcu() shrinker, which
# hands the batched frees (among them one kernfs open node per sysfs file
# just written: kfree_rcu, drained after up to 5 s otherwise) to RCU.
_SETTLE = ("sync; echo 3 > /proc/sys/vm/drop_caches; "
           "for f in /sys/kernel/slab/*/shrink; do echo 1 > $f; done; "
           "echo 3 > /proc/sys/vm/drop_caches")
# One reading: the CPU slabs of the kmalloc caches back (what the command's
# own fork and exec took), the kfree_rcu() batch of that loop handed to RCU
# and waited for (the shell's `read -t` on a FIFO nobody writes: a wait
# without a fork), then the counts, read with the shell's builtins.
_FIFO = "/tmp/.rig-memory-fifo"
_READ = (f"exec 3<>{_FIFO}; "
         "for f in /sys/kernel/slab/kmalloc-*/shrink; do echo 1 > $f; done; "
         "echo 3 > /proc/sys/vm/drop_caches; read -t 3 x <&3; "
         "while IFS= read -r l; do echo \"$l\"; done </proc/slabinfo; "
         f"exec 3<&-; echo {_SEP}; ")


def snapshot(guest, readings=READINGS):
    """Live objects per kmalloc cache and /proc/meminfo (inside
    quiet_slabs()). A reading can only count too many objects (the free
    ones of a slab some CPU took meanwhile, frees still queued), never too
    few: the least of `readings` readings."""
    guest.run_ok(_SETTLE, timeout=120)
    time.sleep(3)              # RCU grace periods for the queued frees
    out = guest.run_ok(_READ * readings + "cat /proc/meminfo", timeout=300)
    *slabs, info = out.split(_SEP)
    caches = {}
    for slab in slabs:
        for line in slab.splitlines():
            w = line.split()
            if len(w) > 5 and w[0].startswith("kmalloc-") and w[1].isdigit():
                # name: (active objects, object size, objects per slab)
                n = (int(w[1]), int(w[3]), int(w[4]))
                caches[w[0]] = min(caches.get(w[0], n), n)
    snap = _meminfo(info)
    snap["caches"] = caches
    return snap


def growth(before, after):
    """What grew between two snapshots: per kmalloc cache (objects, slabs),
    total kmalloc bytes, and meminfo kB (MemAvailable: how much less)."""
    caches = {}
    total = 0
    for name, (n, size, per_slab) in after["caches"].items():
        dn = n - before["caches"].get(name, (0, size, per_slab))[0]
        total += dn * size
        if dn:
            caches[name] = (dn, round(dn / per_slab, 2))
    d = {"kmalloc_bytes": total, "caches": caches}
    for k in ("SUnreclaim", "VmallocUsed", "Percpu"):
        d[k + "_kb"] = after.get(k, 0) - before.get(k, 0)
    d["MemAvailable_kb"] = before["MemAvailable"] - after["MemAvailable"]
    return d


# How many slabs' worth of objects a kmalloc cache may gain over a measured
# run with nothing leaking: the callers' comments give the noise measured
# (up to one slab: the measuring shell's fork/exec taking a fresh slab).
SLAB_SLACK = 1.25


def grown_caches(g, slack=SLAB_SLACK):
    """The caches of growth() `g` that gained more than `slack` slabs."""
    return {name: v for name, v in g["caches"].items() if v[1] > slack}


def measured_growth(guest, run, over_limit):
    """growth() around `run()` (inside quiet_slabs()), confirmed.

    A leak grows with the work done: every run of the same workload adds
    the same number of objects again. The noise does not: a fork, a timer
    or an RCU batch of the guest's own can leave a cache a slab or two
    fuller once (CI saw kmalloc-192 +41 objects, 1.95 slabs, after the
    3,000 IPC sockets; +-14 in the runs measured before). So when the
    first window shows growth (a cache past SLAB_SLACK, or `over_limit(g)`
    true for the meminfo figures), the workload runs once more in a second
    window, and only what grew past the bounds in both windows is growth.

    Returns (g, confirmed, results): g the first window's growth() (the
    second's when one was taken, with both in g["windows"]); confirmed,
    the caches grown in both windows, plus the "meminfo" key when
    over_limit held in both; results, what each run() returned."""
    def window():
        with quiet_slabs(guest):
            before = snapshot(guest)
            result = run()
            after = snapshot(guest)
        return growth(before, after), result

    g1, result = window()
    results = [result]
    grown1 = dict(grown_caches(g1))
    if over_limit(g1):
        grown1["meminfo"] = True
    if not grown1:
        return g1, {}, results
    g2, result = window()
    results.append(result)
    grown2 = dict(grown_caches(g2))
    if over_limit(g2):
        grown2["meminfo"] = True
    confirmed = {k: (grown1[k], grown2[k]) for k in grown1 if k in grown2}
    g2["windows"] = [dict(g1), dict(g2)]
    return g2, confirmed, results
