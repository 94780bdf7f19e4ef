# SPDX-License-Identifier: GPL-2.0
"""UDD: user-space device drivers (drivers/udd/: udd.ko, udd_sim.ko,
udd_generic.ko; user side drivers/udd/user/uddtest.c).

x86_64 generic and PREEMPT_RT guests, on the simulated device of
udd_sim.ko (a kernel-written register page and buffers, an interrupt line
raised from a hard timer): the bytes cross the mappings both ways, 1000
interrupts are counted exactly and in order through read(), select() and
UDD_RTIOC_IRQSIG signals, IRQEN/IRQDIS really gate the line, bad input
gets its errno, a blocked read() ends with close() and with the
unregistration of the device, rmmod is refused while a file or a mapping
is open.

sabrelite (armhf, armhf-rt): the device tree the rig builds gives EPIT1
(epit@20d0000, no Linux driver) to udd_generic.ko ("rtdm,udd"); uddtest
programs the timer's registers through the mapping from user space and
counts its interrupts, rate checked against the guest's CLOCK_MONOTONIC.
EPIT2 is handed over at run time through driver_override.

arm64: the three modules cross-build against Debian's arm64 headers, and
the i.MX8MM EVK overlay giving PWM2 to udd_generic applies to Debian's
imx8mm-evk.dtb.

Every time here is measured in an emulator (QEMU TCG): it shows that the
path works, not what the hardware achieves.
"""

import glob
import re
import shutil
import subprocess

import pytest

from rig import BUILD, get_target
from rig.build import build_modules
from rig.targets import CACHE, REPO, RigSetupError

MODS = "/rtdm/modules"
SIM = "uddsim"
EPIT1, EPIT2 = "20d0000.epit", "20d4000.epit"
GENERIC = "/sys/bus/platform/drivers/rtdm-udd"


def checks(result):
    """{name: check} of a uddtest result, asserting they all passed."""
    assert "error" not in result, result
    by_name = {c["name"]: c for c in result["checks"]}
    failed = [c for c in result["checks"] if not c["ok"]]
    assert not failed, f"failed checks: {failed}\nfull result: {result}"
    return by_name


def _need(g, *kos):
    for ko in kos:
        if not g.build.has_module(ko):
            pytest.fail(f"{ko} missing from the {g.name} build:\n{g.build.failure(40)}")


def _insmod(names):
    return "; ".join(f"grep -q '^{n} ' /proc/modules || insmod {MODS}/{n}.ko" for n in names)


def load_sim(g):
    """rtdm, udd and udd_sim loaded, the simulated device bound."""
    _need(g, "rtdm.ko", "udd.ko", "udd_sim.ko")
    g.run_ok(_insmod(("rtdm", "udd", "udd_sim")) + "; "
             "[ -e /sys/bus/platform/drivers/udd-sim/udd-sim ] || "
             "echo udd-sim > /sys/bus/platform/drivers/udd-sim/bind; "
             f"test -e /dev/rtdm/{SIM}")


def irq_hits(g, name):
    """Handled interrupts of the line of device @name in /proc/rtdm/irq."""
    for line in g.run_ok("cat /proc/rtdm/irq").splitlines():
        w = line.split()
        if len(w) >= 3 and w[2] == name:
            return int(w[1])
    raise AssertionError(f"{name} not in /proc/rtdm/irq")


def _print_wake(what, r):
    w = r.get("wakeup_ns") or {}
    if w.get("n"):
        print(f"\n[udd {what}, emulated] wake-up after the interrupt: "
              f"min {w['min'] / 1000:.0f} us, avg {w['avg'] / 1000:.0f} us, "
              f"max {w['max'] / 1000:.0f} us over {w['n']}")


FIFO = pytest.mark.parametrize("fifo", ["", "-f"], ids=["sched_other", "sched_fifo"])


@pytest.fixture
def sim(guest):
    load_sim(guest)
    return guest


# --------------------------------------------------------------------------
# x86: the simulated device

def test_devices_and_regions(sim):
    """The device node, one mapper per declared region (none for the hole
    at index 2), their profiles and regions; the core requested the line."""
    nodes = sim.run_ok("ls /dev/rtdm").split()
    for n in (SIM, f"{SIM},mapper0", f"{SIM},mapper1", f"{SIM},mapper3",
              "uddsim-cust", "uddsim-nirq", "uddsim-nirq,mapper0"):
        assert n in nodes, nodes
    for n in (f"{SIM},mapper2", f"{SIM},mapper4", "uddsim-cust,mapper0"):
        assert n not in nodes, nodes
    c = checks(sim.run_json(f"uddtest info {SIM}"))
    assert (c["device"]["class"], c["device"]["subclass"]) == (9, 0)      # RTDM_CLASS_UDD
    assert c["mapper0"]["class"] == 10                                    # RTDM_CLASS_MEMORY
    regions = {n: c[f"region{n}"]["udd_region"] for n in (0, 1, 3)}
    assert "region2" not in c and "region4" not in c
    assert regions == {0: "regs 4096 logical", 1: "vbuf 16384 virtual",
                       3: "kbuf 16384 logical"}, regions
    assert sim.run_ok("cat /sys/class/rtdm/uddsim-nirq/udd_irq").strip() == "none"
    assert sim.run_ok("cat /sys/class/rtdm/uddsim-cust/udd_irq").split()[0] == "custom"
    irq = sim.run_ok(f"cat /sys/class/rtdm/{SIM}/udd_irq").split()
    assert irq[0].isdigit() and irq[2] == "enabled", irq
    irq_hits(sim, SIM)


def test_abi(sim):
    c = checks(sim.run_json("uddtest abi"))
    assert c["ioctls"]["IRQEN"] == "0x900" and c["ioctls"]["IRQDIS"] == "0x901"
    assert c["ioctls"]["IRQSIG"] == "0x40080902"
    assert c["signotify"]["size"] == 8


def test_memory_both_ways(sim):
    """Bytes the kernel writes (FILL) are read through the mappings of a
    page-allocator and a vmalloc'ed region; bytes user space writes are seen by
    the kernel (CHECK), one changed byte too; two devices mapping the same
    memory see the same bytes; a mapping outlives close()."""
    c = checks(sim.run_json("uddtest sim-mem"))
    for reg in (1, 3):
        assert c[f"kernel_to_user_{reg}"]["mismatches"] == 0
        assert c[f"kernel_to_user_{reg}"]["bytes"] == 16384
        assert c[f"user_to_kernel_{reg}"]["mismatches"] == 0
        assert c[f"user_change_seen_{reg}"]["first_bad"] == 1234
    assert c["regs_magic"]["magic"] == "0x4d495355"


@FIFO
@pytest.mark.parametrize("how", ["read", "select", "signal"])
def test_1000_interrupts(sim, how, fifo):
    """1000 interrupts, one at a time: each is reported with the next
    count (read() and select() on the device, si_int of a UDD_RTIOC_IRQSIG
    signal), after the handler copied the doorbell user space wrote for it
    into the register page, and nothing is reported before it comes. The
    RTDM core counted the same 1000 handled interrupts."""
    hits = irq_hits(sim, SIM)
    r = sim.run_json(f"uddtest {fifo} sim-irq {how} -n 1000 -d 200", timeout=180)
    c = checks(r)
    assert c["counts_in_order"]["in_order"] == 1000
    assert c["counts_in_order"]["last"] == c["counts_in_order"]["base"] + 1000
    assert c["doorbell_echo"]["echo_ok"] == 1000
    # the waits really blocked: the interrupt came after the wait began
    assert c["counts_in_order"]["waited_before_irq"] >= 500, c["counts_in_order"]
    if how == "signal":
        assert c["no_extra_signal"]["errno"] == "EAGAIN"
        assert c["no_signal_when_off"]["errno"] == "EAGAIN"
    assert irq_hits(sim, SIM) - hits == 1000 + (how == "signal")
    _print_wake(f"{how}{' SCHED_FIFO' if fifo else ''}", r)


@pytest.mark.parametrize("how,period", [("read", 200), ("select", 200), ("signal", 100)])
def test_burst_counts_exact(sim, how, period):
    """1000 interrupts at 5 or 10 kHz: read() and select() may report
    several at once but each report is newer and the last is the total;
    signals are never merged: one per interrupt, counts in order, even
    though their in-band relay runs less often than the interrupts."""
    c = checks(sim.run_json(f"uddtest sim-irq burst-{how} -n 1000 -p {period}", timeout=180))
    b = c["burst_total"]
    assert b["last"] == b["base"] + 1000 and b["handled"] == b["last"], b
    if how == "signal":
        assert b["reports"] == 1000, b
    print(f"\n[udd burst {how}, emulated] 1000 interrupts every {period} us: "
          f"{b['reports']} reports")


def test_irqen_irqdis_gate_the_line(sim):
    """With the line disabled (UDD_RTIOC_IRQDIS, or write() of 0) the
    device raises 20 interrupts and none is handled or reported; enabling
    it replays none of them and delivers the next 20; switching twice is
    harmless."""
    c = checks(sim.run_json("uddtest sim-gate", timeout=120))
    for via in ("ioctl", "write"):
        d = c[f"{via}_disabled_delivers_nothing"]
        assert (d["raised"], d["handled"], d["masked"]) == (20, 0, 20), d
        assert c[f"{via}_disabled_read_nonblock"]["errno"] == "EAGAIN"
        assert c[f"{via}_enabled_delivers"]["handled"] == 20


def test_custom_and_no_irq_devices(sim):
    """UDD_IRQ_CUSTOM: the mini-driver reports its own interrupts with
    udd_notify_event() and serves IRQEN/IRQDIS in its ioctl handler.
    UDD_IRQ_NONE: read/IRQEN/IRQDIS/write fail with EIO, never readable."""
    c = checks(sim.run_json("uddtest sim-custom", timeout=60))
    assert c["custom_enabled_again"]["count"] == c["custom_read"]["count"] + 3
    for n in ("nirq_read", "nirq_irqen", "nirq_irqdis", "nirq_write"):
        assert c[n]["errno"] == "EIO"


@FIFO
def test_bad_input(sim, fifo):
    c = checks(sim.run_json(f"uddtest {fifo} errors", timeout=60))
    expect = {
        "read_short": "EINVAL", "read_long": "EINVAL", "read_zero": "EINVAL",
        "write_short": "EINVAL", "write_long": "EINVAL",
        "write_bad_buffer": "EFAULT", "read_bad_buffer": "EFAULT",
        "irqsig_not_rt_signal": "EINVAL", "irqsig_signal_0": "EINVAL",
        "irqsig_signal_65": "EINVAL", "irqsig_other_process": "EINVAL",
        "irqsig_no_such_thread": "EINVAL", "irqsig_bad_pointer": "EFAULT",
        "unknown_ioctl_udd": "EINVAL", "unknown_ioctl_other": "EINVAL",
        "fire_count_0": "EINVAL", "fire_while_busy": "EBUSY",
        "mapper_sparse_index": "ENOENT", "mapper_index_5": "ENOENT",
        "mmap_too_long": "EINVAL", "mmap_at_offset": "EINVAL", "mmap_private": "EINVAL",
        "mmap_vmem_too_long": "EINVAL", "mmap_vmem_at_offset": "EINVAL",
        "mmap_kmem_too_long": "EINVAL", "mapper_read": "EBADF", "mapper_ioctl": "ENOTTY",
    }
    got = {n: c[n]["errno"] for n in expect}
    assert got == expect
    assert c["mapper_device_info"]["class"] == 10


@FIFO
def test_close_while_blocked(sim, fifo):
    """A thread blocked in read() returns EBADF when its process closes the
    descriptor; the device keeps serving the process's other file."""
    c = checks(sim.run_json(f"uddtest {fifo} close-blocked", timeout=60))
    assert c["reader_woken_by_close"]["errno"] == "EBADF"
    print(f"\n[udd close while blocked, emulated] reader woken "
          f"{c['reader_woken_by_close']['wake_ns'] / 1e6:.1f} ms after close()")


@FIFO
def test_unregister_while_open(sim, fifo):
    """Unbinding the mini-driver's platform device unregisters the UDD
    devices while they are open: the blocked read() fails with ENODEV, so
    do later calls and mmap(), poll() reports POLLERR|POLLHUP, the node is
    gone, the existing mapping stays readable; binding again registers a
    device that counts from 1."""
    c = checks(sim.run_json(f"uddtest {fifo} unbind", timeout=60))
    assert c["reader_woken_by_unregister"]["errno"] == "ENODEV"
    for n in ("read_after", "ioctl_after", "mmap_after"):
        assert c[n]["errno"] == "ENODEV"
    assert c["open_after"]["errno"] == "ENOENT"
    assert c["served_again"]["count"] == 1
    assert "udd-sim" in sim.run_ok("ls /sys/bus/platform/drivers/udd-sim")


def test_rmmod_refused_while_open(sim):
    """An open device, then only a mapping of one of its regions (the file
    closed), keep udd_sim in (EBUSY), and udd_sim keeps udd; both unload
    once nothing is open."""
    out = sim.run_ok(
        "rm -f /tmp/held; uddtest hold uddsim 3 /tmp/held > /tmp/hold1.json & p=$!; "
        "i=0; while [ ! -e /tmp/held ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; "
        "rmmod udd_sim; echo sim_open=$?; rmmod udd; echo core_open=$?; wait $p; "
        "rm -f /tmp/held; uddtest hold uddsim 3 /tmp/held map > /tmp/hold2.json & p=$!; "
        "i=0; while [ ! -e /tmp/held ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; "
        "rmmod udd_sim; echo sim_mapped=$?; wait $p; "
        "rmmod udd_sim; echo sim_closed=$?; rmmod udd; echo core_closed=$?; "
        "cat /tmp/hold1.json /tmp/hold2.json", timeout=60)
    vals = dict(re.findall(r"^(\w+)=(\d+)$", out, re.M))
    assert vals["sim_open"] != "0" and vals["core_open"] != "0", out
    assert vals["sim_mapped"] != "0", out
    assert vals["sim_closed"] == "0" and vals["core_closed"] == "0", out
    assert out.count('"held", "ok": true') == 2 and '"mapped": true' in out, out
    load_sim(sim)


# --------------------------------------------------------------------------
# sabrelite: a real (emulated) i.MX6 EPIT driven from user space

@pytest.fixture
def epit(arm_guest):
    """rtdm, udd, udd_generic loaded; EPIT1 bound through the device tree."""
    _need(arm_guest, "rtdm.ko", "udd.ko", "udd_generic.ko")
    arm_guest.run_ok(_insmod(("rtdm", "udd", "udd_generic")) + "; "
                     f"[ -e {GENERIC}/{EPIT1} ] || echo {EPIT1} > {GENERIC}/bind; "
                     f"test -e /dev/rtdm/{EPIT1}")
    return arm_guest


def test_epit_probe(epit):
    """The "rtdm,udd" node of the rig's DTB: its reg is the mapper's
    physical region, its interrupt the device's line (GIC SPI 56), its
    clock gate (epit1) is enabled while bound."""
    out = epit.run_ok(f"cat {GENERIC}/{EPIT1}/udd_device; "
                      f"cat /sys/class/rtdm/{EPIT1},mapper0/udd_region; "
                      f"cat /sys/class/rtdm/{EPIT1}/udd_irq; "
                      f"grep {EPIT1} /proc/interrupts; "
                      "cat /sys/kernel/debug/clk/epit1/clk_enable_count")
    lines = out.splitlines()
    assert lines[0] == EPIT1 and lines[1] == "epit@20d0000 16384 phys", out
    irq = lines[2].split()
    assert irq[2] in ("enabled", "disabled"), out
    assert " 56 " in lines[3] and "Level" in lines[3], out
    assert int(lines[4]) >= 1, out
    c = checks(epit.run_json(f"uddtest info {EPIT1}"))
    assert c["device"]["class"] == 9 and c["mapper0"]["class"] == 10


def _epit_run(g, args, timeout=120):
    r = g.run_json(f"uddtest {args}", timeout=timeout)
    c = checks(r)
    return r, c


def _epit_rates(c, tol=0.01):
    """The device's rate (its phase tracked on CLOCK_MONOTONIC) is the
    programmed one: load + 1 ticks a period by the i.MX6 reference manual,
    load ticks in QEMU 7.2's model; what user space received is never
    more."""
    dev, got = c["device_rate"], c["rate"]
    lo = dev["tick_hz"] / (dev["load"] + 1) * (1 - tol)
    hi = dev["tick_hz"] / dev["load"] * (1 + tol)
    assert lo <= dev["rate_hz"] <= hi, dev
    assert got["rate_hz"] <= hi, got
    return dev, got


def _print_rates(what, c):
    dev, got = c["device_rate"], c["rate"]
    print(f"\n[udd {what}, emulated] device {dev['rate_hz']:.2f} Hz for "
          f"{dev['expected_hz']:.2f} Hz programmed; {got['rate_hz']:.2f} Hz received "
          f"({c['interrupts']['received']} interrupts, {got['missed']} expiries missed; "
          f"phase R {dev['r']:.2f})")


@pytest.mark.parametrize("how", ["read", "select", "signal"])
def test_epit_rate_100hz(epit, how):
    """EPIT1 on the 32768 Hz clock, load 327: one expiry per 328 ticks
    (99.9 Hz). User space programs CR/LR/CMPR through the mapping (and
    reads them back), acknowledges each interrupt in SR and re-enables the
    line. The counts step by one; the timer's rate, measured on the guest's
    CLOCK_MONOTONIC from its counter at each wake-up, is the programmed
    one within 1%; user space received most of the interrupts (a late
    wake-up of the emulator on a loaded host merges expiries: the flag is
    one bit) and never more than the timer made."""
    r, c = _epit_run(epit, f"epit {EPIT1} -m {how} -l 327 -t 3")
    _epit_rates(c)
    assert c["interrupts"]["received"] >= 100, c["interrupts"]
    _print_rates(f"EPIT {how}", c)
    _print_wake(f"EPIT {how} (time since the expiry)", r)


def test_epit_rate_ipg_clock(epit):
    """The same on the ipg clock (its rate read from Linux's clock tree in
    debugfs), prescaled by 66, at 200 Hz: a second clock source, and wake-up
    figures at a finer resolution."""
    ipg = int(epit.run_ok("cat /sys/kernel/debug/clk/ipg/clk_rate"))
    load = round(ipg / 66 / 200) - 1
    r, c = _epit_run(epit, f"epit {EPIT1} -c 1 -F {ipg} -P 66 -l {load} -t 3")
    _epit_rates(c)
    assert c["interrupts"]["received"] >= 100, c["interrupts"]
    _print_rates(f"EPIT ipg {ipg} Hz / 66", c)
    _print_wake("EPIT ipg (time since the expiry)", r)


@FIFO
def test_epit_1khz(epit, fifo):
    """At 1 kHz (load 32: 993 Hz, or 1024 Hz if the model reloads after
    load ticks) the timer's rate still matches and every interrupt user
    space gets is counted in order; how many it gets depends on how fast
    the emulator runs on the host, so that is reported."""
    r, c = _epit_run(epit, f"epit {fifo} {EPIT1} -l 32 -t 3")
    _epit_rates(c)
    assert c["interrupts"]["received"] >= 100, c["interrupts"]
    what = f"EPIT 1 kHz{' SCHED_FIFO' if fifo else ''}"
    _print_rates(what, c)
    _print_wake(what + " (time since the expiry)", r)


def test_epit_line_gating(epit):
    """IRQDIS really gates the device: the timer expires (SR.OCIF set) but
    nothing is delivered for 300 ms; the interrupt is level-triggered, so
    IRQEN delivers the pending flag once, and nothing after the ack."""
    checks(epit.run_json(f"uddtest epit-gate {EPIT1}", timeout=60))


def test_epit2_driver_override_unbind_rmmod(epit):
    """EPIT2 has no "rtdm,udd" compatible: handed to the generic driver at
    run time through driver_override it becomes /dev/rtdm/20d4000.epit and
    interrupts at its programmed rate. Unbinding it while a read() blocks
    fails that read with ENODEV; rmmod is refused while EPIT1 is open."""
    g = epit
    g.run_ok(f"echo rtdm-udd > /sys/bus/platform/devices/{EPIT2}/driver_override; "
             f"echo {EPIT2} > {GENERIC}/bind; test -e /dev/rtdm/{EPIT2},mapper0")
    try:
        r, c = _epit_run(g, f"epit {EPIT2} -l 327 -t 2")
        _epit_rates(c)
        out = g.run_ok(
            f"uddtest wait {EPIT2} -n 1 > /tmp/w.json & p=$!; sleep 1; "
            f"echo {EPIT2} > {GENERIC}/unbind; wait $p; echo rc=$?; cat /tmp/w.json; "
            f"test -e /dev/rtdm/{EPIT2}; echo node=$?", timeout=60)
        assert '"errno": "ENODEV"' in out and "node=1" in out, out
    finally:
        g.run(f"echo > /sys/bus/platform/devices/{EPIT2}/driver_override; "
              f"[ -e {GENERIC}/{EPIT2} ] && echo {EPIT2} > {GENERIC}/unbind")
    out = g.run_ok(
        f"rm -f /tmp/held; uddtest hold {EPIT1} 3 /tmp/held > /tmp/h.json & p=$!; "
        "i=0; while [ ! -e /tmp/held ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; "
        "rmmod udd_generic; echo open=$?; wait $p; rmmod udd_generic; echo closed=$?; "
        f"insmod {MODS}/udd_generic.ko; test -e /dev/rtdm/{EPIT1}; echo back=$?", timeout=60)
    vals = dict(re.findall(r"^(\w+)=(\d+)$", out, re.M))
    assert vals == {"open": "1", "closed": "0", "back": "0"}, out


# --------------------------------------------------------------------------
# arm64 (i.MX8MM): cross-build

_arm64 = {}


def test_arm64_cross_build():
    """udd.ko, udd_generic.ko and udd_sim.ko build for arm64 against
    Debian's arm64 headers with -Werror (W=1)."""
    try:
        t = get_target("arm64")
    except RigSetupError as e:
        pytest.fail(str(e))
    if "r" not in _arm64:
        _arm64["r"] = build_modules(t, BUILD / "mod-arm64-udd")
    rc, log, kos = _arm64["r"]
    assert rc == 0, log[-5000:]
    for name in ("udd.ko", "udd_generic.ko", "udd_sim.ko"):
        ko = [k for k in kos if k.endswith("/" + name)]
        assert ko, f"{name} not built:\n{log[-3000:]}"
        info = subprocess.run(["file", ko[0]], capture_output=True, text=True).stdout
        assert "aarch64" in info, info


def test_imx8mm_pwm2_overlay_applies(tmp_path):
    """dts-overlays/imx8mm-evk-udd-pwm2.dtso compiles and applies to
    Debian's imx8mm-evk.dtb: PWM2 gets compatible "rtdm,udd" (and no
    longer pwm-imx27's), its label, okay status, and keeps its registers,
    interrupt and clocks for udd_generic."""
    for tool in ("dtc", "fdtoverlay", "fdtget"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} missing (device-tree-compiler)")
    found = sorted(glob.glob(f"{CACHE}/arm64-*/**/freescale/imx8mm-evk.dtb", recursive=True))
    if not found:
        pytest.fail(f"no imx8mm-evk.dtb in {CACHE}: run tests/rig/setup.sh")
    src = REPO / "dts-overlays" / "imx8mm-evk-udd-pwm2.dtso"
    dtbo, out = tmp_path / "pwm2.dtbo", tmp_path / "evk-udd.dtb"
    subprocess.run(["dtc", "-@", "-I", "dts", "-O", "dtb", "-o", dtbo, src], check=True,
                   capture_output=True)
    subprocess.run(["fdtoverlay", "-i", found[-1], "-o", out, dtbo], check=True,
                   capture_output=True)
    node = "/soc@0/bus@30400000/pwm@30670000"

    def get(prop):
        return subprocess.run(["fdtget", out, node, prop], check=True, capture_output=True,
                              text=True).stdout.split()
    assert get("compatible") == ["rtdm,udd"]
    assert get("label") == ["pwm2"] and get("status") == ["okay"]
    assert get("reg") == [str(0x30670000), str(0x10000)]
    assert get("interrupts") == ["0", "82", "4"]
    assert len(get("clocks")) == 4
