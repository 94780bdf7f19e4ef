# SPDX-License-Identifier: GPL-2.0
"""RTDM GPIO (drivers/gpio/): the core, its bindings, the loopback chip,
gpiobench and gpiotest.

x86_64 generic and PREEMPT_RT: the loopback gpiochip (gpio_loopback.ko,
lines 2k and 2k+1 wired) exported by label through rtdm_gpio_generic, so
that the whole path runs: write -> loopback chip -> interrupt raised in
hard interrupt context -> RTDM handler (timestamp) -> event -> reader.

armhf and armhf-rt (sabrelite): rtdm_gpio_mxc exports the seven emulated
i.MX6Q GPIO banks; RTDM writes and direction changes are read back
through Linux's gpiolib. QEMU's i.MX GPIO model has nothing driving the
inputs: edges and their timestamps are proven on the x86 loopback only.

Host side: the modules cross-build for arm64 with -Werror, and the J1003
overlay applies to Debian's imx8mm-evk.dtb.

Latency figures printed here are emulator figures (QEMU TCG, no KVM, a
shared machine): they show the path works, not what hardware achieves.
"""

import json
import re
import shutil
import subprocess

import pytest

from rig import BUILD, get_target
from rig.build import build_modules
from rig.targets import REPO, RigSetupError, load_env

MODS = "/rtdm/modules"
CHIP = "gpio-loopback"
DEVDIR = f"/dev/rtdm/{CHIP}"
PLAT = "/sys/bus/platform/drivers/gpio-loopback"
GPIO_MODS = ("rtdm_gpio.ko", "rtdm_gpio_mxc.ko", "rtdm_gpio_generic.ko", "gpio_loopback.ko")


# --------------------------------------------------------------------------
# guest helpers

def _need_modules(g):
    for ko in ("rtdm.ko",) + GPIO_MODS:
        if not g.build.has_module(ko):
            pytest.fail(f"{ko} missing from the {g.name} build:\n{g.build.failure(40)}")


def loopback_base(g):
    out = g.run_ok("for c in /sys/class/gpio/gpiochip*; do "
                   "echo $(cat $c/label) $(cat $c/base) $(cat $c/ngpio); done")
    for line in out.splitlines():
        w = line.split()
        if len(w) == 3 and w[0] == CHIP:
            return int(w[1]), int(w[2])
    raise AssertionError(f"no {CHIP} gpiochip:\n{out}")


def load_loopback(g):
    """rtdm, rtdm_gpio, the loopback chip and its export by label
    (idempotent). Returns the chip's base GPIO number."""
    _need_modules(g)
    g.run_ok(f"""
set -e
grep -q '^rtdm ' /proc/modules || insmod {MODS}/rtdm.ko
grep -q '^rtdm_gpio ' /proc/modules || insmod {MODS}/rtdm_gpio.ko
grep -q '^gpio_loopback ' /proc/modules || insmod {MODS}/gpio_loopback.ko
[ -e {PLAT}/gpio-loopback ] || echo gpio-loopback > {PLAT}/bind
grep -q '^rtdm_gpio_generic ' /proc/modules || insmod {MODS}/rtdm_gpio_generic.ko labels={CHIP}
""")
    base, ngpio = loopback_base(g)
    assert ngpio == 8
    return base


@pytest.fixture
def lb(guest):
    """(guest, base): the loopback chip exported; dev(n) is line base+n."""
    return guest, load_loopback(guest)


def dev(base, n):
    return f"{DEVDIR}/gpio{base + n}"


def checks(result):
    """{name: check} of a gpio-check result, asserting they all passed."""
    by_name = {c["name"]: c for c in result["checks"]}
    failed = [c for c in result["checks"] if not c["ok"]]
    assert not failed, f"failed checks: {failed}\nfull result: {result}"
    return by_name


def gpio_check(g, *args, fifo=False, timeout=120):
    cmd = "gpio-check " + ("-f " if fifo else "") + " ".join(str(a) for a in args)
    return checks(g.run_json(cmd, timeout=timeout))


FIFO = pytest.mark.parametrize("fifo", [False, True], ids=["sched_other", "sched_fifo"])


# --------------------------------------------------------------------------
# the loopback chip and its export

def test_loopback_exported_by_label(lb):
    g, base = lb
    out = g.run_ok(f"ls {DEVDIR}")
    assert out.split() == sorted(f"gpio{base + n}" for n in range(8)), out
    devices = g.run_ok("cat /proc/rtdm/devices")
    for n in range(8):
        assert f"{CHIP}/gpio{base + n}" in devices, devices
    assert f"rtdm_gpio: {CHIP}: /dev/rtdm/{CHIP}/gpio{base}..gpio{base + 7}" in g.run_ok("dmesg")


def test_abi(lb):
    g, base = lb
    r = g.run_json(f"gpio-check abi {dev(base, 0)}")
    c = checks(r)
    assert r["sizes"] == {"readout": 16, "value_offset": 8}
    assert r["ioctls"] == {"DIR_OUT": "0x40040b00", "DIR_IN": "0xb01", "IRQEN": "0x40040b02",
                           "IRQDIS": "0xb03", "REQS": "0xb04", "RELS": "0xb05",
                           "TS_MONO": "0x80040b07", "TS_REAL": "0x80040b08"}
    info = c["device_info"]
    assert (info["class"], info["subclass"], info["version"]) == (11, 0, 0), info
    assert c["second_open"]["errno"] == "EBUSY"


# --------------------------------------------------------------------------
# gpiobench

_bench = {}
_libgpiod = {}


def with_libgpiod(g, base):
    """Whether the guest's gpiobench has the libgpiod comparison (-g): it is
    built where the target's static libgpiod is (Debian's for the host
    build); a cross build without it (arm64-evl) refuses -g."""
    if g.name not in _libgpiod:
        # refused at once either way: -g needs loop mode, or no libgpiod
        rc, out = g.run(f"gpiobench -o {base} -i {base + 1} -c {CHIP} -g -m 1")
        _libgpiod[g.name] = "built without libgpiod" not in out
    return _libgpiod[g.name]


def gpiobench_run(g, base):
    """One 1000-cycle gpiobench loop run, with the libgpiod comparison where
    gpiobench has it, per guest."""
    if g.name not in _bench:
        gd = " -g" if with_libgpiod(g, base) else ""
        _bench[g.name] = g.run_json(
            f"gpiobench -o {base} -i {base + 1} -c {CHIP} -l 1000 -b 1000000{gd} -j",
            timeout=600)
    return _bench[g.name]


def _fig(run, part):
    return f"{run[part]['min_ns'] / 1e3:.1f}/{run[part]['avg_ns'] / 1e3:.1f}/{run[part]['max_ns'] / 1e3:.1f}"


def test_gpiobench_loop_1000_cycles(lb):
    """Every one of the 1000 cycles sees its edge with the value written,
    timestamped (in the interrupt handler) between the write and the
    read's return; the figures come back."""
    g, base = lb
    r = gpiobench_run(g, base)
    rt = r["rtdm"]
    assert rt["cycles"] == 1000 and not rt["interrupted"], rt
    assert rt["bad_value"] == 0 and rt["bad_order"] == 0 and rt["missed"] == 0, rt
    assert 0 < rt["inner"]["min_ns"] <= rt["inner"]["avg_ns"] <= rt["inner"]["max_ns"]
    assert rt["inner"]["min_ns"] < rt["outer"]["min_ns"]
    assert sum(rt["inner"]["hist"]) + rt["inner"]["overflow"] == 1000
    print(f"\n[gpiobench {g.name}, emulated, 1000 cycles] RTDM inner {_fig(rt, 'inner')} us, "
          f"outer {_fig(rt, 'outer')} us (min/avg/max)")


def test_gpiobench_libgpiod_comparison(lb):
    """The same loop through Linux's GPIO character device (libgpiod line
    events) on the same chip runs and reports; its figures are not gated."""
    g, base = lb
    if not with_libgpiod(g, base):
        pytest.skip(f"gpiobench on {g.name} is built without libgpiod")
    r = gpiobench_run(g, base)
    gd = r["libgpiod"]
    assert gd["cycles"] == 1000 and gd["missed"] == 0 and gd["bad_value"] == 0, gd
    assert gd["bad_order"] == 0, gd
    print(f"\n[gpiobench {g.name}, emulated, 1000 cycles] libgpiod inner {_fig(gd, 'inner')} us, "
          f"outer {_fig(gd, 'outer')} us; RTDM outer {_fig(r['rtdm'], 'outer')} us")


def test_gpiobench_output_format(lb):
    """Xenomai 3's banner, per-cycle lines and histogram blocks, and the
    side-by-side summary of the comparison."""
    g, base = lb
    gd = with_libgpiod(g, base)
    out = g.run_ok(f"gpiobench -o {base} -i {base + 1} -c {CHIP} -l 6 -h 20 -w 1000 -b 1000000"
                   + (" -g" if gd else ""), timeout=120)
    assert "----rt task, gpio loop, test run----" in out, out
    for i in range(6):
        assert re.search(rf"^index: {i}, inner_diff: +\d+, outer_diff: +\d+$", out, re.M), out
    # one inner and one outer histogram per run (RTDM, libgpiod)
    runs = 2 if gd else 1
    assert out.count("# Inner Loop Histogram") == runs and out.count("# Outer Loop Histogram") == runs
    assert "# between gpio_set_value and irq handler" in out
    assert re.search(r"^000019 \d{6}$", out, re.M) and not re.search(r"^000020 ", out, re.M)
    assert out.count("# Total: 000000006") == 2 * runs, out
    assert re.search(r"^# Min Latencies: \d{5}", out, re.M)
    assert re.search(r"^# Avg Latencies: \d+\.\d{6}$", out, re.M)
    assert ("# RTDM vs libgpiod, side by side (us)" in out) == gd, out
    assert "Test is interrupted" not in out
    # missing -o/-i/-c: help text, exit 2
    rc, out = g.run(f"gpiobench -o {base} -c {CHIP}")
    assert rc == 2 and "gpiobench V 0.1" in out and "--pinctrl" in out, out


def test_gpiobench_react_mode(lb):
    """React mode: gpiobench answers each edge on its interrupt line with
    an edge on its output line. Here the loopback stands for the latency
    box: gpiotest drives the pair of the interrupt line and listens on
    the pair of the output line."""
    g, base = lb
    out = g.run_ok(f"""
gpiotest interrupt device={dev(base, 3)} trigger=edge-both count=4 > /tmp/react-box.txt &
box=$!
gpiobench -m 1 -o {base + 2} -i {base + 1} -c {CHIP} -l 4 > /tmp/react.txt &
bench=$!
sleep 1
for v in 1 0 1 0; do gpiotest write_value device={dev(base, 0)} value=$v >/dev/null; sleep 0.3; done
wait $bench; echo bench=$?; wait $box; echo box=$?
cat /tmp/react.txt /tmp/react-box.txt
""", timeout=120)
    assert "----rt task, gpio react, test run----" in out, out
    for i in range(4):
        assert f"idx: {i}, received signal from latency box" in out, out
        assert f"idx: {i}, sent reaction to latency box" in out, out
    # the box saw the four reactions: high, low, high, low
    states = re.findall(r"received irq, GPIO state=(\d)", out)
    assert states == ["1", "0", "1", "0"], out


# --------------------------------------------------------------------------
# triggers, reads, select

@FIFO
@pytest.mark.parametrize("trigger", ["rising", "falling", "both"])
def test_edge_triggers_deliver_exactly_the_edges_asked_for(lb, trigger, fifo):
    g, base = lb
    c = gpio_check(g, "edges", dev(base, 2), dev(base, 3), trigger, 12, fifo=fifo)
    e = c["edges"]
    want_r = 6 if trigger in ("rising", "both") else 0
    want_f = 6 if trigger in ("falling", "both") else 0
    assert (e["rising"], e["falling"], e["unexpected"], e["missed"]) == (want_r, want_f, 0, 0), e
    assert e["bad_value"] == 0 and e["bad_order"] == 0 and e["trailing"] == 0, e
    # the other direction of the pair works too
    c = gpio_check(g, "edges", dev(base, 3), dev(base, 2), trigger, 4, fifo=fifo)
    assert c["edges"]["unexpected"] == 0


@FIFO
@pytest.mark.parametrize("level", ["high", "low"])
def test_level_triggers(lb, level, fifo):
    """Silent while inactive; while the level holds each read takes one
    interrupt (masked by the handler, unmasked by the next read); silent
    again once inactive."""
    g, base = lb
    c = gpio_check(g, "level", dev(base, 4), dev(base, 5), level, fifo=fifo)
    a = c["active_fires"]
    assert a["write_ns"] <= a["irq_ns"] <= a["read_ns"], a
    assert a["value"] == (1 if level == "high" else 0)


@FIFO
def test_nonblocking_read(lb, fifo):
    """O_NONBLOCK returns the current value at once (4 bytes, or a
    readout timestamped now); a blocking read with no interrupt armed is
    refused (EINVAL) rather than sleeping forever."""
    g, base = lb
    c = gpio_check(g, "nonblock", dev(base, 6), dev(base, 7), fifo=fifo)
    assert c["read_high"]["value"] == 1 and c["read_low"]["value"] == 0
    assert c["read_high"]["elapsed_ns"] < 100e6
    assert c["blocking_read_without_irq"]["errno"] == "EINVAL"


@FIFO
def test_select_and_poll(lb, fifo):
    g, base = lb
    c = gpio_check(g, "select", dev(base, 0), dev(base, 1), fifo=fifo)
    assert c["select_times_out"]["elapsed_ns"] >= 300e6
    assert c["read_after_select"]["value"] == 1 and c["read_after_poll"]["value"] == 0


BAD_INPUT = {
    "write_no_direction": "EAGAIN", "read_no_direction": "EAGAIN",
    "unknown_ioctl": "EINVAL", "foreign_ioctl": "EINVAL",
    "irqen_unknown_bits": "EINVAL", "irqen_edge_and_level": "EINVAL",
    "irqen_both_levels": "EINVAL", "irqen_negative": "EINVAL",
    "irqen_bad_pointer": "EFAULT", "irqen_null": "EFAULT", "dir_out_bad_pointer": "EFAULT",
    "ts_mono_kernel_pointer": "EFAULT", "ts_real_bad_pointer": "EFAULT",
    "irqen_twice": "EBUSY", "dir_out_while_irq": "EBUSY",
    "write_on_input": "EINVAL", "read_on_output": "EINVAL",
    "write_short": "EINVAL", "read_short": "EINVAL", "read_short_timestamped": "EINVAL",
    "write_bad_pointer": "EFAULT", "write_kernel_pointer": "EFAULT",
    "read_bad_pointer": "EFAULT", "read_kernel_pointer": "EFAULT",
    "read_after_irqdis": "EINVAL",
    "write_released": "EPERM", "dir_out_released": "EPERM", "reqs_twice": "EBUSY",
    "write_requested_no_direction": "EAGAIN",
}


@FIFO
def test_bad_input(lb, fifo):
    """Every bad input gets its errno (and the guest console no splat):
    unknown ioctl, bad triggers, write on an input, read on an output,
    short buffers, bad pointers, IRQEN twice, calls on a released line."""
    g, base = lb
    c = gpio_check(g, "badinput", dev(base, 2), dev(base, 3), fifo=fifo)
    got = {name: c[name]["errno"] for name in BAD_INPUT}
    assert got == BAD_INPUT
    for name in ("irqdis", "irqdis_twice", "irqen_again", "rels", "reqs", "write_again"):
        assert c[name]["ok"]


# --------------------------------------------------------------------------
# life cycle

@FIFO
def test_close_wakes_blocked_reader(lb, fifo):
    g, base = lb
    c = gpio_check(g, "close-wake", dev(base, 1), fifo=fifo)
    assert c["reader_woken_by_close"]["errno"] == "EBADF"
    assert c["reader_woken_by_close"]["wake_ns"] < 2e9


def test_rmmod_refused_while_line_open(lb):
    """An open line pins the binding that exported it; the core is pinned
    by the binding."""
    g, base = lb
    out = g.run_ok(f"""
exec 3<>{dev(base, 0)}
rmmod rtdm_gpio_generic; echo rmmod_open=$?
rmmod rtdm_gpio; echo rmmod_core=$?
exec 3<&-
rmmod rtdm_gpio_generic; echo rmmod_closed=$?
[ -e {DEVDIR} ]; echo devdir=$?
""")
    vals = dict(re.findall(r"^(\w+)=(\d+)$", out, re.M))
    assert vals["rmmod_open"] != "0" and vals["rmmod_core"] != "0", out
    assert vals["rmmod_closed"] == "0" and vals["devdir"] == "1", out
    load_loopback(g)


def test_open_close_cycles_do_not_leak(lb):
    """1000 open / IRQEN / TS_MONO / close cycles: each works, nothing is
    left (open fds, RTDM interrupts, gpiolib requests), slab stays put."""
    g, base = lb
    line = dev(base, 5)
    c = gpio_check(g, "cycles", line, 100)           # warm-up
    g.run_ok("sync; echo 3 > /proc/sys/vm/drop_caches")
    before = g.run_ok("grep '^Slab:' /proc/meminfo").split()[1]
    c = gpio_check(g, "cycles", line, 1000, timeout=300)
    assert c["cycles"]["failed"] == 0, c
    g.run_ok("sync; echo 3 > /proc/sys/vm/drop_caches")
    after = g.run_ok("grep '^Slab:' /proc/meminfo").split()[1]
    growth = (int(after) - int(before)) * 1024
    assert growth < 256 << 10, (before, after)
    out = g.run_ok(f"cat /proc/rtdm/fds /proc/rtdm/irq; grep -cw gpio{base + 5} /proc/interrupts; "
                   f"grep 'gpio-{base + 5} ' /sys/kernel/debug/gpio || echo released")
    assert "gpio-loopback/" not in out and "released" in out, out
    assert out.splitlines()[-2].strip() == "0", out
    print(f"\n[gpio {g.name}] 1000 open/close cycles in {c['cycles']['elapsed_ns'] / 1e9:.1f} s, "
          f"slab {growth / 1024:+.0f} KiB")


def test_chip_unbind_revokes_open_lines(lb):
    """Unbinding the loopback chip's driver while a reader is blocked on
    one line and another line is open: the lines' devices go first, the
    reader and later calls get ENODEV, nothing oopses; rebinding and
    re-exporting gives working lines again."""
    g, base = lb
    out = g.run_ok(f"""
gpio-check revoke {dev(base, 3)} > /tmp/revoke.json &
pid=$!
sleep 1
exec 3<>{dev(base, 5)}
echo gpio-loopback > {PLAT}/unbind; echo unbind=$?
wait $pid; echo revoke=$?
ls /dev/rtdm
cat <&3; echo read_revoked=$?
exec 3<&-
cat /tmp/revoke.json
""", timeout=60)
    assert "unbind=0" in out and "revoke=0" in out, out
    assert CHIP not in out.split("revoke=0")[1].split("read_revoked")[0], out
    assert "No such device" in out, out
    r = json.loads([l for l in out.splitlines() if l.startswith("{")][-1])
    c = checks(r)
    assert c["blocked_read_revoked"]["errno"] == "ENODEV"
    assert c["read_after_revoke"]["errno"] == "ENODEV"
    assert f"rtdm_gpio: {CHIP} withdrawn" in g.run_ok("dmesg")
    # back: bind the chip, export it again (the binding reloads)
    g.run_ok(f"echo gpio-loopback > {PLAT}/bind; rmmod rtdm_gpio_generic")
    base = load_loopback(g)
    gpio_check(g, "edges", dev(base, 2), dev(base, 3), "both", 4)


def test_chip_rmmod_with_lines_open(lb):
    """rmmod of the chip's module with a line open (no interrupt) takes
    its devices away and revokes the fd. While an interrupt of the chip
    is requested, gpiolib pins the chip's module: rmmod is refused."""
    g, base = lb
    out = g.run_ok(f"""
gpiotest interrupt device={dev(base, 7)} trigger=edge count=1 > /tmp/irq.txt &
pid=$!
sleep 1
rmmod gpio_loopback; echo rmmod_irq=$?
gpiotest write_value device={dev(base, 6)} value=1; wait $pid
exec 3<>{dev(base, 0)}
rmmod gpio_loopback; echo rmmod_open=$?
ls /dev/rtdm
cat <&3; echo read_revoked=$?
exec 3<&-
cat /tmp/irq.txt
""", timeout=60)
    vals = dict(re.findall(r"^(\w+)=(\d+)$", out, re.M))
    assert vals["rmmod_irq"] != "0", out
    assert vals["rmmod_open"] == "0" and vals["read_revoked"] != "0", out
    assert "received irq, GPIO state=1" in out, out
    g.run_ok("rmmod rtdm_gpio_generic")
    load_loopback(g)


# --------------------------------------------------------------------------
# gpiotest (smokey's GPIO plugins)

def test_gpiotest_plugins(lb):
    g, base = lb
    out = g.run_ok(f"""
gpiotest write_value device={dev(base, 0)} value=0 >/dev/null
gpiotest interrupt device={dev(base, 1)} trigger=edge-both count=2 > /tmp/gt1.txt &
p1=$!
sleep 1
gpiotest write_value device={dev(base, 0)} value=1; sleep 0.3
gpiotest write_value device={dev(base, 0)} value=0; wait $p1; echo p1=$?
gpiotest interrupt device={dev(base, 1)} trigger=edge-rising select timestamp count=1 > /tmp/gt2.txt &
p2=$!
sleep 1
gpiotest write_value device={dev(base, 0)} value=1 >/dev/null; wait $p2; echo p2=$?
gpiotest read_value device={dev(base, 1)}
gpiotest interrupt device={dev(base, 1)} trigger=bogus; echo bad_trigger=$?
cat /tmp/gt1.txt /tmp/gt2.txt
""", timeout=90)
    assert "p1=0" in out and "p2=0" in out, out
    assert re.findall(r"received irq, GPIO state=(\d)", out) == ["1", "0"], out
    assert re.search(r"received irq \d+ us from now, GPIO state=1", out), out
    assert "write_value OK" in out and "value=1" in out and "read_value OK" in out, out
    assert "invalid trigger type bogus" in out and "bad_trigger=1" in out, out


# --------------------------------------------------------------------------
# the i.MX banks on the emulated i.MX6Q (sabrelite)

MXC_BANKS = ["209c000.gpio", "20a0000.gpio", "20a4000.gpio", "20a8000.gpio",
             "20ac000.gpio", "20b0000.gpio", "20b4000.gpio"]


@pytest.fixture
def mxc(arm_guest):
    g = arm_guest
    _need_modules(g)
    g.run_ok(f"""
set -e
grep -q '^rtdm ' /proc/modules || insmod {MODS}/rtdm.ko
grep -q '^rtdm_gpio ' /proc/modules || insmod {MODS}/rtdm_gpio.ko
grep -q '^rtdm_gpio_mxc ' /proc/modules || insmod {MODS}/rtdm_gpio_mxc.ko
""")
    return g


def test_mxc_exports_the_seven_banks(mxc):
    g = mxc
    out = g.run_ok("for c in /sys/class/gpio/gpiochip*; do "
                   "echo $(cat $c/label) $(cat $c/base) $(cat $c/ngpio); done")
    chips = {w[0]: (int(w[1]), int(w[2])) for w in (l.split() for l in out.splitlines())}
    assert sorted(chips) == MXC_BANKS, out
    for n, label in enumerate(MXC_BANKS):
        # gpio-mxc numbers bank GPIO<n+1> from its alias: base 32 * n
        assert chips[label] == (32 * n, 32), chips
        lines = g.run_ok(f"ls /dev/rtdm/{label}").split()
        assert sorted(lines) == sorted(f"gpio{32 * n + k}" for k in range(32)), lines
    assert "rtdm_gpio_mxc: 7 i.MX GPIO banks exported" in g.run_ok("dmesg")
    r = g.run_json(f"gpio-check abi /dev/rtdm/{MXC_BANKS[2]}/gpio70")
    assert checks(r)["device_info"]["subclass"] == 2


@pytest.mark.parametrize("gpio", [70, 100, 161])
def test_mxc_outputs_reach_the_chip(mxc, gpio):
    """RTDM writes and direction changes on a free line of three banks,
    read back through Linux's gpiolib (the gpio-mxc driver's registers).
    QEMU cannot drive the inputs: the interrupt is only armed and
    disarmed, and an input reads whatever the model returns."""
    g = mxc
    label = MXC_BANKS[gpio // 32]
    gpio_check(g, "outputs", f"/dev/rtdm/{label}/gpio{gpio}", gpio)
    gpio_check(g, "outputs", f"/dev/rtdm/{label}/gpio{gpio}", gpio, fifo=True)


def test_mxc_line_held_by_linux_is_busy(mxc):
    """GPIO1_IO02 is held by a regulator of the sabrelite device tree."""
    g = mxc
    rc, out = g.run(f"gpiotest read_value device=/dev/rtdm/{MXC_BANKS[0]}/gpio2")
    assert rc != 0 and "EBUSY" in out, out


def test_mxc_rmmod(mxc):
    g = mxc
    out = g.run_ok(f"""
exec 3<>/dev/rtdm/{MXC_BANKS[3]}/gpio100
rmmod rtdm_gpio_mxc; echo rmmod_open=$?
exec 3<&-
rmmod rtdm_gpio_mxc; echo rmmod_closed=$?
ls /dev/rtdm
""")
    vals = dict(re.findall(r"^(\w+)=(\d+)$", out, re.M))
    assert vals["rmmod_open"] != "0" and vals["rmmod_closed"] == "0", out
    assert not any(b in out for b in MXC_BANKS), out
    # and back
    g.run_ok(f"insmod {MODS}/rtdm_gpio_mxc.ko")
    assert g.run_ok("ls /dev/rtdm").split().count(MXC_BANKS[0]) == 1


# --------------------------------------------------------------------------
# host side: arm64 cross-build, the J1003 overlay

_arm64 = {}


def test_arm64_cross_build():
    """The GPIO modules build for arm64 (i.MX8MM) against Debian's arm64
    headers, with -Werror and W=1."""
    try:
        t = get_target("arm64")
    except RigSetupError as e:
        pytest.fail(str(e))
    if "r" not in _arm64:
        _arm64["r"] = build_modules(t, BUILD / "mod-arm64-gpio")
    rc, log, kos = _arm64["r"]
    assert rc == 0, log[-5000:]
    for name in GPIO_MODS:
        ko = [k for k in kos if k.endswith("/" + name)]
        assert ko, f"{name} not built:\n{log[-3000:]}"
        info = subprocess.run(["file", ko[0]], capture_output=True, text=True).stdout
        assert "aarch64" in info, info


# imx8mm-pinfunc.h (Debian's linux-source 6.1):
#   MX8MM_IOMUXC_SAI5_RXD0_GPIO3_IO21  0x148 0x3B0 0x000 0x5 0x0
#   MX8MM_IOMUXC_SAI5_RXD2_GPIO3_IO23  0x150 0x3B8 0x000 0x5 0x0
# with the pad setting 0x196 (pull-down, Schmitt, fast, X6)
J1003_PINS = [0x148, 0x3B0, 0x000, 0x5, 0x0, 0x196,
              0x150, 0x3B8, 0x000, 0x5, 0x0, 0x196]


def test_j1003_overlay_applies(tmp_path):
    """dts-overlays/imx8mm-evk-j1003-gpio.dtso compiles and applies to
    Debian's imx8mm-evk.dtb (no __symbols__): the iomuxc's default state
    selects a group muxing SAI5_RXD0/SAI5_RXD2 as GPIO3_IO21/GPIO3_IO23,
    and SAI5, which claims those pads, is disabled."""
    for tool in ("dtc", "fdtoverlay", "fdtget"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} missing (device-tree-compiler)")
    base = load_env().get("imx8mm_evk_dtb")
    if not base:
        pytest.fail("env.json has no imx8mm_evk_dtb: re-run tests/rig/setup.sh")
    src = REPO / "dts-overlays" / "imx8mm-evk-j1003-gpio.dtso"
    dtbo, out = tmp_path / "j1003.dtbo", tmp_path / "evk-j1003.dtb"
    subprocess.run(["dtc", "-@", "-I", "dts", "-O", "dtb", "-o", dtbo, src], check=True,
                   capture_output=True)
    r = subprocess.run(["fdtget", base, "/__symbols__", "iomuxc"], capture_output=True)
    assert r.returncode != 0, "Debian's dtb grew __symbols__: target-path is no longer needed"
    subprocess.run(["fdtoverlay", "-i", base, "-o", out, dtbo], check=True, capture_output=True)

    def get(node, prop, fmt=None):
        cmd = ["fdtget"] + (["-t", fmt] if fmt else []) + [str(out), node, prop]
        return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.split()

    iomuxc = "/soc@0/bus@30000000/pinctrl@30330000"
    group = f"{iomuxc}/j1003-gpio-grp"
    pins = [int(v) for v in get(group, "fsl,pins", "u")]
    assert pins == J1003_PINS, [hex(p) for p in pins]
    # the iomuxc's default state selects the group: its phandle is in pinctrl-0
    phandle = int(get(group, "phandle", "u")[0])
    names = get(iomuxc, "pinctrl-names")
    assert names[0] == "default", names
    assert phandle in [int(v) for v in get(iomuxc, "pinctrl-0", "u")]
    # SAI5 and the PDM interface (which mux those pads for their own use) are disabled
    spba = "/soc@0/bus@30000000/spba-bus@30000000"
    assert get(f"{spba}/sai@30050000", "status") == ["disabled"]
    assert get(f"{spba}/audio-controller@30080000", "status") == ["disabled"]
    # and no other group of the tree muxes the two pads
    dts = subprocess.run(["dtc", "-I", "dtb", "-O", "dts", str(out)], check=True,
                         capture_output=True, text=True).stdout
    assert len(re.findall(r"0x148 0x3b0 ", dts)) == 1 and len(re.findall(r"0x150 0x3b8 ", dts)) == 1
    # GPIO3 (30220000.gpio, the bank the rtdm_gpio_mxc binding exports) is on
    gpio3 = "/soc@0/bus@30000000/gpio@30220000"
    assert get(gpio3, "compatible") == ["fsl,imx8mm-gpio", "fsl,imx35-gpio"]
    assert subprocess.run(["fdtget", str(out), gpio3, "status"], capture_output=True,
                          text=True).stdout.strip() in ("", "okay")
    # alias gpio2: gpio-mxc numbers its lines from 64 (GPIO3_IO21 = 85)
    assert get("/aliases", "gpio2") == [gpio3]
