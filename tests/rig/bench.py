#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench: RTDM against what a user would use instead, side by side,
idle and under stress-ng load, in the same guest and the same run.

    tests/rig/bench.py                 wall-clock mode (make bench)
    RTDM_BENCH_ICOUNT=1 bench.py       repeatable mode: QEMU -icount, two runs
    bench.py --script evk-run.sh       the same commands as a shell script for a board
    bench.py --from DIR --name evk     a report from the raw files such a script wrote

Writes build/bench/report.md (every mode measured so far, each section
saying which it is), build/bench/<mode>/<target>/ (raw guest output,
histogram data, PNG plots, results.json). Nothing is gated on a figure.

Environment: RTDM_BENCH_TARGETS (default x86-rt,armhf-rt),
RTDM_BENCH_SECONDS (per latency run; default 6, icount 5),
RTDM_BENCH_ICOUNT_SHIFT (default 3: 8 ns of guest time per instruction).
"""

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))

from rig import Guest, get_target  # noqa: E402
from rig.benchlib import (Dist, ParseError, parse_cyclictest, parse_gpiobench,  # noqa: E402
                          parse_latency, parse_rtipc, parse_udd)
from rig.targets import BUILD, RigSetupError  # noqa: E402

OUT = BUILD / "bench"
MODS = "/rtdm/modules"
TOLERANCE = 0.15          # repeatable mode: two runs within 15 % (avg, p99)

# Reference hardware figures (published measurements users compare with)
REFERENCE = """\
| system | load | min | avg | worst |
|---|---|---|---|---|
| Xenomai 4 (EVL), i.MX8M Mini, isolated CPU | stress-ng | 2.4 us | 2.7 us | 62 us |
| Xenomai 4 (EVL), i.MX8M Mini, no isolation | stress-ng | | ~90 us | 139 us |
| Xenomai 3, AM335x, user-task latency | stress | | | 27-29 us |
"""


def bucket_ns(target):
    """latency's histogram has 200 cells: 5 us each on x86, 20 on sabrelite."""
    return 20000 if target.arch == "arm" else 5000


def stress_cmd(cpus):
    return (f"stress-ng --cpu {cpus} --vm 2 --vm-bytes 32M --hdd 1 --hdd-bytes 8M "
            f"--fork 8 --temp-path /tmp --timeout 3600 --quiet")


def steps(target, seconds, gpio=(None, True)):
    """[(name, command)] of one load state: the same list runs idle and
    under load, on the emulator and (bench.py --script) on a board."""
    b = bucket_ns(target)
    top_us = 200 * b // 1000
    s = [
        ("latency-t2", f"latency -t2 -p 1000 -P 99 -T {seconds} -l {seconds + 1} -h -B {b}"),
        ("latency-t1", f"latency -t1 -p 1000 -P 99 -T {seconds} -l {seconds + 1} -h -B {b}"),
        ("latency-t0", f"latency -t0 -p 1000 -P 99 -T {seconds} -l {seconds + 1} -h -B {b}"),
        ("cyclictest", f"cyclictest -m -q -t 1 -p 99 --policy=fifo -i 1000 -D {seconds} "
                       f"-h {top_us}"),
        ("rtipc", f"rtipc-bench -n {seconds * 100} -j"),
        ("udd-fifo", f"uddtest -f sim-irq read -n {seconds * 50} -d 200"),
        ("udd-other", f"uddtest sim-irq read -n {seconds * 50} -d 200"),
    ]
    base, gpiod = gpio
    if base is not None:
        s.append(("gpiobench", f"gpiobench -o {base} -i {base + 1} -c gpio-loopback "
                               f"-l {seconds * 50} -w 1000 -h 1000 -b 1000000 -q "
                               f"{'-g ' if gpiod else ''}-j"))
    return s


# (title, RTDM side, alternative side); a side is (step, key or None)
COMPARISONS = [
    ("timer: RTDM timer handler (latency -t2) vs cyclictest", ("latency-t2", None),
     ("cyclictest", None)),
    ("timer: RTDM kernel task (latency -t1) vs cyclictest", ("latency-t1", None),
     ("cyclictest", None)),
    ("timer: user thread (latency -t0) vs cyclictest", ("latency-t0", None),
     ("cyclictest", None)),
    ("IPC: IDDP vs unix datagram, 16 B round trip", ("rtipc", "iddp-16"), ("rtipc", "unix-dgram-16")),
    ("IPC: XDDP vs pipe, 16 B round trip", ("rtipc", "xddp-16"), ("rtipc", "pipe-16")),
    ("IPC: BUFP vs unix stream, 16 B round trip", ("rtipc", "bufp-16"), ("rtipc", "unix-stream-16")),
    ("IPC: IDDP vs unix datagram, 4 KiB round trip", ("rtipc", "iddp-4096"),
     ("rtipc", "unix-dgram-4096")),
    ("IPC: XDDP vs pipe, 4 KiB round trip", ("rtipc", "xddp-4096"), ("rtipc", "pipe-4096")),
    ("IPC: BUFP vs unix stream, 4 KiB round trip", ("rtipc", "bufp-4096"),
     ("rtipc", "unix-stream-4096")),
    ("GPIO: gpiobench RTDM vs libgpiod line events (write -> event)", ("gpiobench", "rtdm"),
     ("gpiobench", "libgpiod")),
    ("UDD: interrupt -> read() wake-up, SCHED_FIFO vs SCHED_OTHER waiter", ("udd-fifo", None),
     ("udd-other", None)),
]
ALT_NAMES = {"cyclictest": "cyclictest", "udd-other": "SCHED_OTHER"}


def slug(title):
    return "".join(c if c.isalnum() else "-" for c in title.split("(")[0].lower()).strip("-")[:60]


# ---------------------------------------------------------------------------
# running


def load_modules(g):
    """rtdm, rtdmtest, rtipc; udd + udd_sim; the GPIO loopback where it is
    built. Returns (notes, gpio base or None)."""
    notes = []
    g.run_ok(f"insmod {MODS}/rtdm.ko && insmod {MODS}/rtdmtest.ko && insmod {MODS}/rtipc.ko")
    rc, out = g.run(f"insmod {MODS}/udd.ko && insmod {MODS}/udd_sim.ko && "
                    "{ [ -e /sys/bus/platform/drivers/udd-sim/udd-sim ] || "
                    "echo udd-sim > /sys/bus/platform/drivers/udd-sim/bind; } && "
                    "test -e /dev/rtdm/uddsim")
    if rc:
        notes.append(f"UDD simulated device not available: {out.strip()[-200:]}")
    base = None
    if g.build.has_module("gpio_loopback.ko"):
        rc, out = g.run(f"insmod {MODS}/rtdm_gpio.ko && insmod {MODS}/gpio_loopback.ko && "
                        "{ [ -e /sys/bus/platform/drivers/gpio-loopback/gpio-loopback ] || "
                        "echo gpio-loopback > /sys/bus/platform/drivers/gpio-loopback/bind; }; "
                        f"insmod {MODS}/rtdm_gpio_generic.ko labels=gpio-loopback && "
                        "for c in /sys/class/gpio/gpiochip*; do "
                        "[ \"$(cat $c/label)\" = gpio-loopback ] && cat $c/base; done; "
                        "test -e /dev/rtdm/gpio-loopback")
        words = out.split()
        if rc == 0 and words and words[-1].isdigit():
            base = int(words[-1])
        else:
            notes.append(f"GPIO loopback chip not available: {out.strip()[-200:]}")
    else:
        notes.append("GPIO: no loopback gpiochip in this kernel (gpiobench needs an input "
                     "wired to an output)")
    rc, out = g.run("gpiobench --help 2>&1 | grep -c 'not built in'")
    gpiod = out.strip() == "0"
    if base is not None and not gpiod:
        notes.append("gpiobench built without libgpiod (no static libgpiod for this "
                     "architecture on the host): RTDM side only, no comparison")
    return notes, (base, gpiod)


def run_target(name, mode, seconds, icount):
    """One guest: every step idle, then every step under stress-ng."""
    target = get_target(name)
    if icount:
        target.icount = icount
    d = OUT / mode / name
    (d / "raw").mkdir(parents=True, exist_ok=True)
    g = Guest(target, name=f"bench-{name}")
    t0 = time.monotonic()
    res = {"host_load": "%.1f %.1f %.1f" % os.getloadavg(),
           "bucket_ns": bucket_ns(target), "target": name, "kernel": target.krel, "version": target.version, "mode": mode,
           "icount": icount, "seconds": seconds, "notes": [], "steps": {}}
    try:
        g.boot(timeout=target.boot_timeout * (4 if icount else 1))
        if not g.build.ok:
            raise RuntimeError(g.build.failure(60))
        notes, gpio = load_modules(g)
        res["notes"] += notes
        res["backend"] = g.run_ok("cat /proc/rtdm/backend").strip()
        tools = g.run("for p in cyclictest stress-ng; do command -v $p; done")[1].split()
        if len(tools) < 2:
            res["notes"].append("cyclictest/stress-ng missing from the guest (setup.sh with "
                                "RTDM_BENCH=1 stages them): no comparison with them, no load")
        cpus = int(g.run_ok("grep -c ^processor /proc/cpuinfo").strip() or 1)
        res["stress"] = stress_cmd(cpus)
        for load in ("idle", "stress"):
            if load == "stress":
                if "stress-ng" not in " ".join(tools):
                    break
                g.run_ok(f"cd /tmp && {{ {res['stress']} >/tmp/stress.log 2>&1 & echo $! "
                         f">/tmp/stress.pid; }} && sleep 3 && kill -0 $(cat /tmp/stress.pid)",
                         timeout=120)
            for step, cmd in steps(target, seconds, gpio):
                if step == "cyclictest" and "cyclictest" not in " ".join(tools):
                    continue
                if step.startswith("udd") and any("UDD" in n for n in res["notes"]):
                    continue
                ts = time.monotonic()
                print(f"[bench] {name} {mode} {load}: {cmd}", flush=True)
                try:
                    rc, out = g.run(cmd, timeout=60 + seconds * 60)
                except AssertionError as e:
                    rc, out = -1, f"bench: {e}"
                (d / "raw" / f"{step}-{load}.txt").write_text(f"$ {cmd}\n{out}")
                res["steps"][f"{step}-{load}"] = {"cmd": cmd, "rc": rc,
                                                   "wall_s": round(time.monotonic() - ts, 1)}
                if g.dead:
                    g.boot()
                    load_modules(g)
            if load == "stress":
                g.run("kill $(cat /tmp/stress.pid); sleep 1; rm -f /tmp/stress-ng-* 2>/dev/null")
    except (AssertionError, RuntimeError, RigSetupError) as e:
        res["notes"].append(f"bench stopped: {str(e)[:3000]}")
    finally:
        g.shutdown()
    res["wall_s"] = round(time.monotonic() - t0, 1)
    (d / "run.json").write_text(json.dumps(res, indent=1) + "\n")
    return d


# ---------------------------------------------------------------------------
# analysis


def raw(d, step, load):
    p = d / "raw" / f"{step}-{load}.txt"
    return p.read_text() if p.exists() else None


def dist_of(d, side, load, arch_bucket):
    step, key = side
    out = raw(d, step, load)
    if out is None:
        return None
    if step.startswith("latency"):
        return parse_latency(out, arch_bucket)
    if step == "cyclictest":
        return parse_cyclictest(out)
    if step == "rtipc":
        return parse_rtipc(out).get(key)
    if step == "gpiobench":
        return parse_gpiobench(out).get(key)
    if step.startswith("udd"):
        return parse_udd(out)
    raise ValueError(step)


def gnuplot(png, dat, title, names, width):
    script = f"""set terminal png size 900,520
set output '{png}'
set title {json.dumps(title)} noenhanced
set logscale y
set yrange [0.8:*]
set xlabel 'latency (us, {width:g} us cells)'
set ylabel 'samples (log)'
set grid
set key top right noenhanced
plot '{dat}' using 1:($2 > 0 ? $2 : 1/0) with steps lw 2 title {json.dumps(names[0])}, \\
     '{dat}' using 1:($3 > 0 ? $3 : 1/0) with steps lw 2 title {json.dumps(names[1])}
"""
    try:
        subprocess.run(["gnuplot"], input=script.encode(), check=True, timeout=60,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return True
    except (OSError, subprocess.SubprocessError):
        return False


def analyse(d):
    """results.json + .dat + .png of one target directory; returns the results."""
    run = json.loads((d / "run.json").read_text())
    arch_bucket = 20000 if run["target"].startswith("armhf") else 5000
    arch_bucket = run.get("bucket_ns", arch_bucket)
    rows = []
    for title, rt_side, alt_side in COMPARISONS:
        for load in ("idle", "stress"):
            try:
                a = dist_of(d, rt_side, load, arch_bucket)
                b = dist_of(d, alt_side, load, arch_bucket)
            except ParseError as e:
                rows.append({"title": title, "load": load, "error": str(e)[:300]})
                continue
            if a is None or b is None:
                continue
            # a common cell width and range for the plot
            width = max(a.width, b.width)
            a2, b2 = a.rebin(width), b.rebin(width)
            top = min(a2.top or 1e9, b2.top or 1e9)
            a2, b2 = a2.clip(top), b2.clip(top)
            sa, sb = a.summary(), b.summary()
            name = f"{slug(title)}-{load}"
            dat = d / f"{name}.dat"
            cells = sorted(set(a2.hist) | set(b2.hist))
            with open(dat, "w") as f:
                f.write(f"# {title}, {load}; cell start (us), RTDM count, alternative count\n")
                for c in cells:
                    f.write(f"{c:g} {a2.hist.get(c, 0)} {b2.hist.get(c, 0)}\n")
                if cells:
                    f.write(f"{cells[-1] + width:g} 0 0\n")
            names = ["RTDM " + (rt_side[1] or rt_side[0]),
                     ALT_NAMES.get(alt_side[0], alt_side[1] or alt_side[0])]
            legend = [f"{n} ({x.overflow} past {top:g} us)" if x.overflow else n
                      for n, x in zip(names, (a2, b2))]
            png = d / f"{name}.png"
            ok = gnuplot(png, dat, f"{run['target']} ({run['mode']}), {load}: {title}",
                         legend, width)
            failed = [f"`{run['steps'][k]['cmd']}` exited {run['steps'][k]['rc']}"
                      for k in (f"{rt_side[0]}-{load}", f"{alt_side[0]}-{load}")
                      if run["steps"].get(k, {}).get("rc")]
            rows.append({"title": title, "load": load, "rtdm": sa, "alt": sb, "names": names,
                         "failed": failed,
                         "png": str(png.relative_to(OUT)) if ok else None,
                         "dat": str(dat.relative_to(OUT)),
                         "lines": a.lines[:3] + a.lines[-2:] if a.lines else []})
    run["rows"] = rows
    (d / "results.json").write_text(json.dumps(run, indent=1) + "\n")
    return run


# ---------------------------------------------------------------------------
# report


def fmt(v):
    if v is None:
        return "-"
    return f"{v:.1f}" if v < 1000 else f"{v:.0f}"


def q(s, k):
    """A percentile, '>range' when it lies above the histogram."""
    v = s.get(k)
    return fmt(v) if v is not None else f">{fmt(s.get('top'))}"


def ratio(a, b):
    if a is None or b is None or not b:
        return "-"
    return f"{a / b:.2f}"


def section(run):
    t = run
    hdr = (f"### {t['target']}: {t.get('kernel', '')} (Debian {t.get('version', '')}), "
           f"backend {t.get('backend', '?')}\n\n")
    if t["mode"].startswith("icount"):
        hdr += (f"Repeatable mode: QEMU `-icount {t['icount']}` - guest time counts "
                "instructions, figures are in guest microseconds"
                + (" (x86: one vCPU, see tests/rig/targets.py).\n"
                   if not t["target"].startswith("armhf") else ".\n"))
    elif t["mode"] == "wall":
        hdr += "Wall-clock mode: QEMU TCG, guest time follows the (shared, loaded) host.\n"
    else:
        hdr += f"Imported from `{t.get('source', '?')}`.\n"
    hdr += f"Load: `{t.get('stress', '-')}`; latency runs {t['seconds']} s each; " \
           f"guest run {t.get('wall_s', '?')} s wall; host load average at its start " \
           f"{t.get('host_load', '?')} (2 host cores).\n\n"
    for n in t["notes"]:
        hdr += f"- note: {n.splitlines()[0][:300]}\n"
    hdr += ("\n| comparison | load | RTDM min / avg / p99 / p99.9 / max (us) | "
            "alternative min / avg / p99 / p99.9 / max (us) | ratio avg | ratio p99.9 | "
            "ratio max | histogram |\n|---|---|---|---|---|---|---|---|\n")
    body = ""
    for r in t["rows"]:
        if "error" in r:
            hdr += f"| {r['title']} | {r['load']} | parse error: {r['error'][:80]} | | | | | |\n"
            continue
        a, b = r["rtdm"], r["alt"]
        hdr += (f"| {r['title']} | {r['load']} | {fmt(a['min'])} / {fmt(a['avg'])} / "
                f"{q(a, 'p99')} / {q(a, 'p999')} / {fmt(a['max'])} | {fmt(b['min'])} / "
                f"{fmt(b['avg'])} / {q(b, 'p99')} / {q(b, 'p999')} / {fmt(b['max'])} | "
                f"{ratio(a['avg'], b['avg'])} | {ratio(a['p999'], b['p999'])} | "
                f"{ratio(a['max'], b['max'])} | "
                + (f"[png]({r['png']}) [data]({r['dat']})" if r["png"] else f"[data]({r['dat']})")
                + " |\n")
        for f in r.get("failed", []):
            body += f"\n- {r['title']}, {r['load']}: {f} (figures of the part it measured)\n"
        if r["lines"] and r["load"] == "stress":
            body += f"\n`{r['title']}`, under load:\n\n```\n" + "\n".join(r["lines"]) + "\n```\n"
    return hdr + body + "\n"


def spread_table(runs1, runs2):
    """Two repeatable runs: per figure the two values and their spread."""
    out = ("| target | comparison | load | figure | run 1 | run 2 | spread |\n"
           "|---|---|---|---|---|---|---|\n")
    worst = {}
    over = []
    for t1 in runs1:
        t2 = next((t for t in runs2 if t["target"] == t1["target"]), None)
        if not t2:
            continue
        rows2 = {(r["title"], r["load"]): r for r in t2["rows"] if "error" not in r}
        for r1 in t1["rows"]:
            r2 = rows2.get((r1["title"], r1["load"]))
            if "error" in r1 or not r2:
                continue
            for side in ("rtdm", "alt"):
                for k in ("avg", "p99", "max"):
                    v1, v2 = r1[side][k], r2[side][k]
                    if v1 is None or v2 is None:
                        continue
                    sp = abs(v1 - v2) / max(1e-9, (v1 + v2) / 2)
                    worst.setdefault(k, []).append(sp)
                    label = r1["names"][0 if side == "rtdm" else 1]
                    if sp > TOLERANCE and k != "max":
                        over.append(f"{t1['target']} {r1['title']} ({label}), {r1['load']}, "
                                    f"{k}: {fmt(v1)} / {fmt(v2)}")
                    out += (f"| {t1['target']} | {r1['title']} ({label}) | {r1['load']} | {k} | "
                            f"{fmt(v1)} | {fmt(v2)} | {sp * 100:.1f} % |\n")
    summ = ""
    for k, v in worst.items():
        within = sum(1 for x in v if x <= TOLERANCE)
        summ += (f"- {k}: median spread {statistics.median(v) * 100:.1f} %, worst "
                 f"{max(v) * 100:.1f} %; {within} of {len(v)} figures within "
                 f"{TOLERANCE * 100:.0f} %\n")
    if over:
        summ += "\nOutside the tolerance (avg, p99):\n\n" + "".join(f"- {o}\n" for o in over)
    return summ, out


def ratio_table(runs):
    out = ("| target | mode | comparison | load | RTDM avg | alt avg | ratio avg | "
           "ratio p99.9 | ratio max |\n|---|---|---|---|---|---|---|---|---|\n")
    for t in runs:
        for r in t["rows"]:
            if "error" in r:
                continue
            a, b = r["rtdm"], r["alt"]
            out += (f"| {t['target']} | {t['mode']} | {r['title']} | {r['load']} | "
                    f"{fmt(a['avg'])} | {fmt(b['avg'])} | {ratio(a['avg'], b['avg'])} | "
                    f"{ratio(a['p999'], b['p999'])} | {ratio(a['max'], b['max'])} |\n")
    return out


def evk_commands():
    """The command lines a user runs on an i.MX8M Mini EVK for the same report."""
    return """\
On the board (modules and programs installed with `make install`, see
"Installing"; 4 cores, so `--cpu 4`), from this tree on the host:

```
tests/rig/bench.py --script build/bench/evk-run.sh --seconds 60 --cpus 4
scp build/bench/evk-run.sh root@evk:/tmp/
ssh root@evk 'sh /tmp/evk-run.sh /tmp/bench'     # about 20 min with 60 s runs
scp -r root@evk:/tmp/bench build/bench/evk-raw
tests/rig/bench.py --from build/bench/evk-raw --name evk
```

`evk-run.sh` loads `rtdm rtdmtest rtipc udd udd_sim` with modprobe and runs,
idle and then under the stress-ng load, exactly the commands of the guest
runs (`latency -t2/-t1/-t0`, `cyclictest`, `rtipc-bench -j`, `uddtest`), each
writing `raw/<step>-<load>.txt`; `--from` then draws the same tables and
histograms under `build/bench/import/evk/`. For the isolated-CPU figure add
`isolcpus=3` to the kernel command line and `-c 3` (latency) / `-a 3`
(cyclictest) to the commands of the script.
"""


def write_script(path, seconds, cpus, bucket):
    class Evk:
        arch = "arm64"
    steps_list = steps(Evk, seconds)
    b = bucket
    lines = ["#!/bin/sh", "# make bench on a board: sh evk-run.sh OUTDIR (bench.py --script)",
             "set -u", 'out=${1:-/tmp/bench}; mkdir -p "$out/raw"',
             "for m in rtdm rtdmtest rtipc udd udd_sim; do modprobe $m; done",
             "echo udd-sim > /sys/bus/platform/drivers/udd-sim/bind 2>/dev/null",
             "run() { echo \"\\$ $2\" > \"$out/raw/$1.txt\"; sh -c \"$2\" >> \"$out/raw/$1.txt\" 2>&1; }"]
    for load in ("idle", "stress"):
        if load == "stress":
            lines.append(f"cd /tmp && {{ {stress_cmd(cpus)} >/tmp/stress.log 2>&1 & "
                         "echo $! > /tmp/stress.pid; }; sleep 3")
        for step, cmd in steps_list:
            cmd = cmd.replace(f"-B {bucket_ns(Evk)}", f"-B {b}")
            lines.append(f"run {step}-{load} {shlex.quote(cmd)}")
        if load == "stress":
            lines.append("kill $(cat /tmp/stress.pid)")
    lines.append(f"echo '{{\"target\": \"evk\", \"mode\": \"import\", \"seconds\": {seconds}, "
                 f"\"bucket_ns\": {b}, \"stress\": \"{stress_cmd(cpus)}\", \"notes\": [], "
                 "\"steps\": {}}' > \"$out/run.json\"")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text("\n".join(lines) + "\n")
    os.chmod(path, 0o755)


def report(extra_runs=()):
    """build/bench/report.md from every mode measured so far."""
    modes = {}
    for m in ("wall", "icount-1", "icount-2"):
        runs = []
        for d in sorted((OUT / m).glob("*/results.json")) if (OUT / m).is_dir() else ():
            runs.append(json.loads(d.read_text()))
        if runs:
            modes[m] = runs
    imported = [json.loads(p.read_text()) for p in sorted((OUT / "import").glob("*/results.json"))] \
        if (OUT / "import").is_dir() else []
    md = ["# make bench: RTDM against the stock Linux paths\n",
          "**Emulator figures show relative cost, not hardware latency.** The guests are "
          "QEMU TCG (software emulation, no KVM) on a shared 2-core build machine: compare "
          "the RTDM column with the alternative measured beside it in the same guest and run "
          "(the ratio columns), never with a board. On hardware, users compare with:\n",
          REFERENCE,
          "\n*Ratios* are RTDM / alternative: below 1 RTDM is faster. Percentiles come from "
          "the tools' histograms (upper edge of the cell; '>N' past the histogram's range); "
          "min/avg/max are the tools' exact figures.\n",
          "- **wall**: wall-clock mode (`make bench`): guest time follows the host; "
          "figures move with the host's load.\n"
          "- **icount-1/2**: repeatable mode (`RTDM_BENCH_ICOUNT=1 make bench`): QEMU "
          "`-icount shift=N,sleep=off`, guest time counts instructions; two runs, their "
          f"spread below (tolerance stated: {TOLERANCE * 100:.0f} % on avg and p99).\n"]
    allruns = [r for m in modes.values() for r in m] + imported
    md.append("\n## Ratio table\n\n" + ratio_table(allruns))
    if "icount-1" in modes and "icount-2" in modes:
        summ, table = spread_table(modes["icount-1"], modes["icount-2"])
        md.append("\n## Repeatable mode: spread of two runs\n\n" + summ + "\n" + table)
    for m, runs in modes.items():
        stamp = time.strftime("%Y-%m-%d %H:%M UTC",
                              time.gmtime((OUT / m).stat().st_mtime))
        md.append(f"\n## Mode {m} ({stamp})\n\n" + "".join(section(r) for r in runs))
    for r in imported:
        md.append("\n## Imported: " + r["target"] + "\n\n" + section(r))
    md.append("\n## The same report on an i.MX8M Mini EVK\n\n" + evk_commands())
    (OUT / "report.md").write_text("\n".join(md))
    return OUT / "report.md", allruns


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--script", help="write the board script (no guest)")
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--cpus", type=int, default=4)
    ap.add_argument("--bucket-ns", type=int, default=2000)
    ap.add_argument("--from", dest="src", help="a report from a board's raw files")
    ap.add_argument("--name", default="evk")
    ap.add_argument("--report-only", action="store_true", help="redo report.md from the data")
    a = ap.parse_args()
    if a.script:
        write_script(a.script, a.seconds, a.cpus, a.bucket_ns)
        print(a.script)
        return 0
    if a.src:
        d = OUT / "import" / a.name
        d.mkdir(parents=True, exist_ok=True)
        subprocess.run(["cp", "-r", f"{a.src}/raw", f"{a.src}/run.json", str(d)], check=True)
        run = json.loads((d / "run.json").read_text())
        run.update(target=a.name, source=a.src)
        (d / "run.json").write_text(json.dumps(run))
        analyse(d)
        print(report()[0])
        return 0
    if a.report_only:
        for d in sorted(OUT.glob("*/*/run.json")):
            analyse(d.parent)
        print(report()[0])
        return 0

    if not os.environ.get("RTDM_SETUP_DONE"):
        script = TESTS / "rig" / "setup.sh"
        subprocess.run(([] if os.geteuid() == 0 else ["sudo"]) +
                       ["env", "RTDM_BENCH=1", str(script)], check=True)
    os.environ["RTDM_BENCH"] = "1"
    icount = os.environ.get("RTDM_BENCH_ICOUNT") == "1"
    # sabrelite with its two vCPUs printed nothing in 50 s under -icount
    # (one vCPU boots, but one core meets the PREEMPT_RT irq_work livelock
    # of tests/rig/README.md): the repeatable mode runs x86-rt by default
    targets = [t for t in os.environ.get("RTDM_BENCH_TARGETS",
                                         "x86-rt" if icount else "x86-rt,armhf-rt").split(",") if t]
    seconds = int(os.environ.get("RTDM_BENCH_SECONDS", "5" if icount else "6"))
    runs = [("icount-1", f"shift={os.environ.get('RTDM_BENCH_ICOUNT_SHIFT', '3')},sleep=off"),
            ("icount-2", f"shift={os.environ.get('RTDM_BENCH_ICOUNT_SHIFT', '3')},sleep=off")] \
        if icount else [("wall", "")]
    t0 = time.monotonic()
    for mode, ic in runs:
        import shutil
        shutil.rmtree(OUT / mode, ignore_errors=True)
        for name in targets:
            d = run_target(name, mode, seconds, ic)
            analyse(d)
    path, allruns = report()
    print(f"\n[bench] {path} ({time.monotonic() - t0:.0f} s)\n")
    print(ratio_table([r for r in allruns if r["mode"] in {m for m, _ in runs}]))
    if icount:
        modes = {m: [r for r in allruns if r["mode"] == m] for m, _ in runs}
        summ, _ = spread_table(modes["icount-1"], modes["icount-2"])
        print(summ)
    return 0


if __name__ == "__main__":
    sys.exit(main())
