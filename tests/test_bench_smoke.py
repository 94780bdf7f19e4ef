# SPDX-License-Identifier: GPL-2.0
"""make bench's programs, run briefly: each runs and its output parses with
the parsers make bench uses (tests/rig/benchlib.py). No figure is gated
on: the figures belong to make bench's report (tests/rig/bench.py), and
an emulator's timing proves nothing. What is asserted is what the parsers
must find for the report to be right: sample counts that match what was
asked for, histograms that add up to them, min <= avg <= max.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from rig.benchlib import parse_gpiobench, parse_latency, parse_rtipc, parse_udd

MODS = "/rtdm/modules"


def _insmod(g, *names):
    for n in names:
        if not g.build.has_module(f"{n}.ko"):
            pytest.fail(f"{n}.ko was not built", pytrace=False)
    g.run_ok("; ".join(f"grep -q '^{n} ' /proc/modules || insmod {MODS}/{n}.ko" for n in names))


def _sane(d, n=None):
    s = d.summary()
    assert s["min"] <= s["avg"] <= s["max"], s
    if n is not None:
        assert d.n == n, (d.n, n)
    return s


@pytest.mark.parametrize("mode", [2, 1, 0])
def test_latency(guest, mode):
    """latency -t0/-t1/-t2 for 1 s at 1 kHz with its histogram: the RTS
    line and 1000 samples in the histogram (cells plus overflow)."""
    _insmod(guest, "rtdm", "rtdmtest")
    out = guest.run_ok(f"latency -t{mode} -p 1000 -T 1 -l 2 -h -B 5000", timeout=60)
    d = parse_latency(out, 5000)
    assert any(line.startswith("RTH|") for line in d.lines), out
    assert any(line.startswith("RTD|") for line in d.lines), out
    # -t1/-t2 measure exactly one second's worth; the user thread may
    # count missed release points as overruns instead
    _sane(d, 1000 if mode else None)
    assert 900 <= d.n <= 1000, d.n


def test_rtipc_bench(guest):
    """rtipc-bench -j: the six cases of both sizes, each histogram holding
    every round trip, the percentiles within min..max."""
    _insmod(guest, "rtdm", "rtipc")
    cases = parse_rtipc(guest.run_ok("rtipc-bench -n 200 -j", timeout=120))
    want = {f"{k}-{s}" for k in ("iddp", "unix-dgram", "xddp", "pipe", "bufp", "unix-stream")
            for s in (16, 4096)}
    assert set(cases) == want, sorted(cases)
    for name, d in cases.items():
        s = _sane(d, 200)
        assert d.min <= s["p99"] <= d.max + 1, (name, s)


def test_gpiobench(guest):
    """gpiobench -j -g on the loopback chip: both runs, 50 cycles each (the
    RTDM run alone where gpiobench is built without libgpiod, as make
    bench does: the arm64 cross build)."""
    _insmod(guest, "rtdm", "rtdm_gpio", "gpio_loopback")
    out = guest.run_ok(
        "[ -e /sys/bus/platform/drivers/gpio-loopback/gpio-loopback ] || "
        "echo gpio-loopback > /sys/bus/platform/drivers/gpio-loopback/bind; "
        "grep -q '^rtdm_gpio_generic ' /proc/modules || "
        f"insmod {MODS}/rtdm_gpio_generic.ko labels=gpio-loopback; "
        "for c in /sys/class/gpio/gpiochip*; do "
        "[ \"$(cat $c/label)\" = gpio-loopback ] && cat $c/base; done")
    base = int(out.split()[-1])
    gd = guest.run("gpiobench --help 2>&1 | grep -c 'not built in'")[1].strip() == "0"
    runs = parse_gpiobench(guest.run_ok(
        f"gpiobench -o {base} -i {base + 1} -c gpio-loopback -l 50 -w 1000 -h 1000 "
        "-b 1000000 -q" + (" -g" if gd else "") + " -j", timeout=120))
    assert set(runs) == ({"rtdm", "libgpiod"} if gd else {"rtdm"}), runs.keys()
    for d in runs.values():
        _sane(d, 50)


@pytest.mark.parametrize("fifo", ["-f", ""], ids=["sched_fifo", "sched_other"])
def test_udd_wakeup(guest, fifo):
    """uddtest sim-irq read: the wake-up histogram holds every interrupt."""
    _insmod(guest, "rtdm", "udd", "udd_sim")
    guest.run_ok("[ -e /sys/bus/platform/drivers/udd-sim/udd-sim ] || "
                 "echo udd-sim > /sys/bus/platform/drivers/udd-sim/bind")
    d = parse_udd(guest.run_ok(f"uddtest {fifo} sim-irq read -n 100 -d 200", timeout=120))
    _sane(d, 100)


def test_board_script(tmp_path):
    """bench.py --script: the board's script is valid sh and runs the
    same steps as the guests, idle and under load."""
    script = tmp_path / "evk-run.sh"
    subprocess.run([sys.executable, str(Path(__file__).parent / "rig" / "bench.py"),
                    "--script", str(script), "--seconds", "5", "--cpus", "4"], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run(["sh", "-n", str(script)], check=True)
    text = script.read_text()
    for step in ("latency-t2", "latency-t1", "latency-t0", "cyclictest", "rtipc", "udd-fifo"):
        for load in ("idle", "stress"):
            assert f"run {step}-{load} " in text, (step, load)
    assert "stress-ng --cpu 4 --vm 2" in text
