# SPDX-License-Identifier: GPL-2.0
"""i.MX UART rtser driver (drivers/serial/rtser_imx.ko) on the emulated
i.MX6Q sabrelite board.

UART1 (2020000.serial, ttymxc0) and UART3 (21ec000.serial, ttymxc2) are
wired to each other by a QEMU TCP chardev pair (tests/rig/targets.py). The
tests take both ports from Linux's imx-uart driver at run time (unbind,
driver_override, insmod), so that they become /dev/rtdm/rtser0 (UART1)
and /dev/rtdm/rtser1 (UART3), and give them back at the end.

Also: the module builds for arm64 (i.MX8MM) against Debian's headers with
-Werror, loads on x86 without probing anything, and the i.MX8MM EVK
overlay applies to Debian's imx8mm-evk.dtb.

Every latency figure here is measured in an emulator (QEMU TCG): it shows
that the path works, not what the hardware achieves.
"""

import glob
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from rig import BUILD, get_target
from rig.build import build_modules
from rig.targets import REPO, CACHE, RigSetupError

PORTS = ("2020000.serial", "21ec000.serial")   # UART1, UART3: rtser0, rtser1
TTYS = ("ttymxc0", "ttymxc2")
IMX = "/sys/bus/platform/drivers/imx-uart"
DEV0, DEV1 = "/dev/rtdm/rtser0", "/dev/rtdm/rtser1"
KO = "/rtdm/modules/rtser_imx.ko"


# --------------------------------------------------------------------------
# guest helpers

def _need_modules(g):
    for ko in ("rtdm.ko", "rtser_imx.ko"):
        if not g.build.has_module(ko):
            pytest.fail(f"{ko} missing from the {g.name} build:\n{g.build.failure(40)}")


# rtser_imx's module parameters in each guest, as this module loaded it
_params = {}


def load_rtser(g, params=""):
    """Take UART1 and UART3 from imx-uart and load rtser_imx with @params
    (reloaded when it runs with other parameters)."""
    _need_modules(g)
    reload = "true" if _params.get(g.name, "") == params else "false"
    _params[g.name] = params
    script = f"""
set -e
grep -q '^rtdm ' /proc/modules || insmod /rtdm/modules/rtdm.ko
if grep -q '^rtser_imx ' /proc/modules; then
    {reload} || {{ rmmod rtser_imx; insmod {KO} {params}; }}
else
    for d in {' '.join(PORTS)}; do
        [ -e {IMX}/$d ] && echo $d > {IMX}/unbind
        echo rtser_imx > /sys/bus/platform/devices/$d/driver_override
    done
    insmod {KO} {params}
fi
for d in {' '.join(PORTS)}; do cat /sys/bus/platform/devices/$d/rtdm_device; done
"""
    out = g.run_ok(script)
    assert out.split() == ["rtser0", "rtser1"], out


def release_rtser(g):
    """Unload rtser_imx and give both ports back to imx-uart."""
    g.run_ok(f"""
grep -q '^rtser_imx ' /proc/modules && rmmod rtser_imx
for d in {' '.join(PORTS)}; do
    echo > /sys/bus/platform/devices/$d/driver_override
    [ -e {IMX}/$d ] || echo $d > {IMX}/bind
done
true
""")


@pytest.fixture
def rtser(arm_guest):
    """Both ports under rtser_imx with the default module parameters."""
    load_rtser(arm_guest)
    return arm_guest


# The loop tests' receive rings. A reader of the emulated board can fall
# behind QEMU's receive path for seconds: under TCG each received character
# is an interrupt on CPU0, a reader woken there shares it with them, and
# the host deschedules vCPUs. A 4096-byte ring, the default, then
# overflowed in about one run in ten on a loaded host (issue 7) though the
# transmitter keeps to the line rate; 16 KiB hold 1.4 s of 115200 baud.
LOOP_RING = "rx_ring=16384"


@pytest.fixture
def rtser_loop(arm_guest):
    """Both ports under rtser_imx with LOOP_RING receive rings."""
    load_rtser(arm_guest, LOOP_RING)
    return arm_guest


def debugfs(g, dev):
    """The registers and counters of a port, from its debugfs "regs" file."""
    out = g.run_ok("grep -q ' /sys/kernel/debug ' /proc/mounts || "
                   f"mount -t debugfs none /sys/kernel/debug; cat /sys/kernel/debug/rtser_imx/{dev}/regs")
    return {k: int(v, 0) for k, v in (line.split() for line in out.splitlines())}


def checks(result):
    """{name: check} of an rtser-test result, asserting they all passed."""
    by_name = {c["name"]: c for c in result["checks"]}
    failed = [c for c in result["checks"] if not c["ok"]]
    assert not failed, f"failed checks: {failed}\nfull result: {result}"
    return by_name


# --------------------------------------------------------------------------
# probing, ABI

def test_probe_both_ports(rtser):
    out = rtser.run_ok("ls /dev/rtdm; cat /proc/rtdm/devices; dmesg | grep rtser_imx")
    assert "rtser0" in out and "rtser1" in out, out
    assert "2020000.serial: rtser0" in out and "21ec000.serial: rtser1" in out, out
    # the agent's and the console's UARTs are still Linux's
    assert rtser.run_ok(f"ls {IMX}").split().count("21e8000.serial") == 1


def test_abi(rtser):
    r = rtser.run_json(f"rtser-test abi {DEV0}")
    c = checks(r)
    assert r["sizes"] == {"config": 72, "status": 8, "event": 24}
    assert r["offsets"] == {"rx_timeout": 32, "event_timeout": 48, "timestamp_history": 56,
                            "rs485": 64, "last_timestamp": 8, "rxpend_timestamp": 16}
    assert r["ioctls"] == {"GET_CONFIG": "0x80480200", "SET_CONFIG": "0x40480201",
                           "GET_STATUS": "0x80080202", "GET_CONTROL": "0x80040203",
                           "SET_CONTROL": "0x40040204", "WAIT_EVENT": "0x80180205",
                           "BREAK_CTL": "0x80040206"}
    assert c["device_info"]["class"] == 2 and c["device_info"]["version"] == 3
    assert c["second_open"]["errno"] == "EBUSY"


# --------------------------------------------------------------------------
# configuration

@pytest.mark.parametrize("fifo", [False, True], ids=["sched_other", "sched_fifo"])
def test_config_roundtrip_and_bad_input(rtser, fifo):
    """SET_CONFIG/GET_CONFIG round trip; bad values EINVAL (and nothing
    changes); bad pointers EFAULT. From a SCHED_FIFO thread SET_CONFIG goes
    through the rt handler's -ENOSYS to the in-band one."""
    r = rtser.run_json(f"rtser-test {'-f ' if fifo else ''}config {DEV0}")
    c = checks(r)
    rt = c["set_get_roundtrip"]
    assert (rt["baud"], rt["parity"], rt["data_bits"], rt["stop_bits"]) == (57600, 3, 2, 1)
    assert (rt["rx_timeout"], rt["tx_timeout"], rt["event_timeout"]) == (123000000, -1, 456000000)
    assert (rt["history"], rt["event_mask"], rt["fifo_depth"]) == (1, 0x13, 0x80)
    for name in ("baud_zero", "baud_negative", "baud_too_high", "baud_too_low", "parity_2",
                 "parity_7", "data_bits_5", "data_bits_9", "stop_bits_2", "handshake_5",
                 "fifo_depth_0x10", "history_2", "event_mask_0x100", "rs485_on"):
        assert c[name]["errno"] == "EINVAL", c[name]
    for name in ("set_config_null", "set_config_bad", "get_config_bad", "get_status_bad",
                 "get_control_bad", "wait_event_bad", "write_bad", "read_bad"):
        assert c[name]["errno"] == "EFAULT", c[name]
    assert c["unknown_ioctl"]["errno"] == "ENOTTY"
    assert c["read_nonblock"]["errno"] == "EAGAIN"


# --------------------------------------------------------------------------
# data path

def loop_bytes(baud):
    """What a loop test moves per direction: 64 KiB, or at low rates what
    the line carries in 5 s (the driver paces QEMU's transmitter to the
    programmed rate: 64 KiB take 68 s at 9600 baud)."""
    return min(65536, baud // 10 * 5)


def serial_loop(g, baud, mode):
    """serial-loop between rtser0 and rtser1 (loop_bytes per direction, 8N1);
    asserts that every direction arrived intact, that neither port dropped
    a byte, and that no direction went faster than the line rate."""
    n = loop_bytes(baud)
    before = [debugfs(g, f"rtser{i}")["rx_dropped"] for i in (0, 1)]
    # -T: a receiver idle for 10 s has stalled (a 2 s limit failed runs on a
    # loaded host); losses show as drops and checksums whatever the limit
    rc, out = g.run(f"serial-loop -a {DEV0} -b {DEV1} -s {baud} -n {n} -d {mode} -t 150 -T 10000",
                    timeout=240)
    dropped = [debugfs(g, f"rtser{i}")["rx_dropped"] - before[i] for i in (0, 1)]
    r = json.loads(out.strip().splitlines()[-1])
    assert rc == 0 and r["ok"], f"{out}\nreceive ring drops: rtser0 {dropped[0]}, rtser1 {dropped[1]}"
    for d in r["results"]:
        assert d["received"] == n and d["tx_sum"] == d["rx_sum"] and d["first_error"] == -1, d
        # 10 bits a character; the first FIFO load leaves at once
        assert d["bytes_per_s"] <= 1.05 * baud / 10, d
    assert dropped == [0, 0], dropped
    print(f"\n[serial-loop -d {mode} {baud} baud, {n} bytes, emulated] " +
          ", ".join(f"{d['dir']} {d['bytes_per_s']:.0f} B/s" for d in r["results"]))
    return r


def overlap(r):
    """How much of the shorter direction's receive interval (first byte to
    last byte read) the other direction's covered: 1.0 when one stream
    was received entirely while the other was, 0 when one after the other."""
    (a0, a1), (b0, b1) = ((d["first_rx_ms"], d["last_rx_ms"]) for d in r["results"])
    shorter = min(a1 - a0, b1 - b0)
    assert shorter > 0, r
    return max(0.0, min(a1, b1) - max(a0, b0)) / shorter


@pytest.mark.parametrize("baud", [9600, 115200, 921600, 4000000])
def test_both_directions(rtser_loop, baud):
    """Pseudo-random data (64 KiB, less at 9600) cross each way at the same time
    (serial-loop -d both), checksums match, no receive ring overflowed,
    and the two streams were really received together: the shorter one's
    first-to-last-byte interval lies mostly within the other's (overlap
    at least 0.5; 0 when they take turns).
    QEMU's transmitter sends each byte at once whatever the baud rate; the
    driver feeds it at the programmed rate (drivers/serial/README.md), so
    no direction may run faster than baud / 10 bytes a second. At 921600
    and 4000000 the emulator is slower than the line.

    This used to fail: the transmit interrupt of QEMU's model never stops
    asking for data, so the sending port's handler kept CPU0, where both
    UART interrupts go, busy for as long as its writer kept the ring
    filled; the other direction's threads, woken there, did not run for
    seconds and its 4 KiB receive ring overflowed
    (drivers/serial/README.md)."""
    r = serial_loop(rtser_loop, baud, "both")
    # both streams were in flight together, not one after the other (on a
    # loaded host one direction's first byte was seen to lag by seconds)
    ov = overlap(r)
    print(f"[serial-loop -d both {baud} baud] overlap {ov:.2f}")
    assert ov >= 0.5, (ov, r)


def test_one_direction_after_the_other(rtser_loop):
    """The same one direction at a time (serial-loop -d seq), where the
    SMP guest lost data in the b->a direction for the same reason."""
    r = serial_loop(rtser_loop, 115200, "seq")
    assert overlap(r) == 0, r     # what the check of the test above tells apart


def test_rx_timeout(rtser):
    """read() with rx_timeout: -ETIMEDOUT when nothing comes, the partial
    count when some bytes came, at once when all came; non-blocking read
    gives EAGAIN; WAIT_EVENT's event_timeout gives ETIMEDOUT."""
    for fifo in ("", "-f "):
        r = rtser.run_json(f"rtser-test {fifo}timing {DEV0} {DEV1}")
        c = checks(r)
        for name in ("rx_timeout_empty", "rx_timeout_partial", "event_timeout"):
            # never early; late by at most 1 s in the emulator
            assert c[name]["timeout_ns"] <= c[name]["elapsed_ns"] < c[name]["timeout_ns"] + 1e9, c[name]
        assert c["rx_full"]["elapsed_ns"] < 1e9
        assert c["rx_nonblock"]["elapsed_ns"] < 1e8


def test_wait_event(rtser):
    """RXPEND with the arrival timestamp of the oldest byte (CLOCK_MONOTONIC,
    between the write and the event), single waiter (EBUSY), TXEMPTY."""
    for fifo in ("", "-f "):
        c = checks(rtser.run_json(f"rtser-test {fifo}events {DEV0} {DEV1}"))
        ev = c["rxpend"]
        assert ev["events"] & 1 and ev["rx_pending"] >= 1
        assert ev["write_ns"] <= ev["rxpend_ns"] <= ev["last_ns"]
        assert c["single_waiter"]["errno"] == "EBUSY"
        assert c["txempty"]["events"] & 0x10


def test_close_wakes_blocked_reader(rtser):
    c = checks(rtser.run_json(f"rtser-test close-wake {DEV1}"))
    assert c["reader_woken_by_close"]["errno"] == "EBADF"


@pytest.mark.parametrize("fifo", [False, True], ids=["sched_other", "sched_fifo"])
def test_purge_during_read(rtser, fifo):
    """RTIOC_PURGE while a read() copies out of the receive ring (held in
    its copy by a userfaultfd fault on its buffer): the read returns the
    bytes it had taken, and afterwards nothing is pending (a non-blocking
    read gives EAGAIN, GET_STATUS no data) and new bytes read back intact.
    The receive count used to underflow here, so that stale ring contents
    came back and overflow detection stopped working."""
    c = checks(rtser.run_json(f"rtser-test {'-f ' if fifo else ''}purge-read {DEV0} {DEV1}"))
    assert c["read_during_purge"]["ret"] == 64
    assert c["nothing_after_purge"]["errno"] == "EAGAIN", c["nothing_after_purge"]
    assert not c["status_no_data"]["line_status"] & 1   # RTSER_LSR_DATA
    assert c["fresh_data"]["ret"] == 5


def test_set_config_while_writing(rtser):
    """SET_CONFIG of the line settings, from two threads in a loop, while a
    writer streams 16 KiB through rtser0: the calls succeed, the stream
    arrives intact, and no byte went to the transmitter between SET_CONFIG
    pausing it and reprogramming the line (debugfs tx_reconfig). The pause
    used to be undone by the writer, which re-enabled the transmit
    interrupt and fed the FIFO while SET_CONFIG waited for it to drain."""
    before = debugfs(rtser, "rtser0")["tx_reconfig"]
    c = checks(rtser.run_json(f"rtser-test config-write {DEV0} {DEV1} 16384", timeout=120))
    assert c["stream_intact"]["ret"] == 16384
    assert c["set_config_calls"]["calls"] > 50, c["set_config_calls"]
    fed = debugfs(rtser, "rtser0")["tx_reconfig"] - before
    assert fed == 0, f"{fed} bytes written to UTXD while SET_CONFIG reprogrammed the line"


DEBUGFS = "/sys/kernel/debug/rtser_imx"


def modem_events(g, dev, injections, rtscts=False, knobs=()):
    """Run `rtser-test modem` on rtser<dev> (MODEMHI|MODEMLO events, RTS/CTS
    handshake if asked) with the debugfs knobs set while the port is
    closed, inject the status words once it is configured, and return
    (checks, regs of the port while it was configured)."""
    d = f"{DEBUGFS}/rtser{dev}"
    debugfs(g, f"rtser{dev}")    # mounts debugfs
    sets = "; ".join(f"echo {v} > {d}/{k}" for k, v in knobs)
    resets = "; ".join(f"echo N > {d}/{k}" for k, _ in knobs)
    pokes = "; ".join(f"echo '{u1:x} {u2:x}' > {d}/inject; sleep 0.3" for u1, u2 in injections)
    out = g.run_ok(f"""
{sets}
rm -f /tmp/modem.ready
rtser-test modem /dev/rtdm/rtser{dev} {int(rtscts)} /tmp/modem.ready > /tmp/modem.json &
for i in $(seq 100); do [ -e /tmp/modem.ready ] && break; sleep 0.1; done
cat {d}/regs > /tmp/modem.regs
{pokes}
wait
{resets}
cat /tmp/modem.regs; cat /tmp/modem.json""", timeout=60)
    lines = out.splitlines()
    regs = {k: int(v, 0) for k, v in (line.split() for line in lines if not line.startswith("{"))}
    result = next(json.loads(line) for line in lines if line.startswith("{"))
    return checks(result), regs


USR1_RTSS, USR1_RTSD = 1 << 14, 1 << 12
UCR1_RTSDEN = 1 << 5
MODEMHI, MODEMLO = 0x4, 0x8


@pytest.mark.parametrize("rtscts", [False, True], ids=["no_handshake", "rtscts"])
def test_rts_change_events(rtser, rtscts):
    """MODEMHI/MODEMLO report changes of the RTS_B input (USR1 RTSD, level
    RTSS), also on a port with RTS/CTS (the rtscts debugfs knob stands for
    uart-has-rtscts) using the handshake: the RTS-delta interrupt is enabled
    (UCR1 RTSDEN) and each change is posted. QEMU's UART model has no modem
    lines: the changes are injected through debugfs, the path from status
    bits to events is the interrupt handler's. On RTS/CTS ports the
    interrupts used to be cleared and never reported."""
    c, regs = modem_events(rtser, 0, [(USR1_RTSD | USR1_RTSS, 0), (USR1_RTSD, 0)],
                           rtscts=rtscts, knobs=[("rtscts", "Y")] if rtscts else [])
    assert regs["UCR1"] & UCR1_RTSDEN, hex(regs["UCR1"])
    assert c["event0"]["events"] == MODEMHI, c
    assert c["event1"]["events"] == MODEMLO, c


USR2_DCDIN, USR2_DCDDELT = 1 << 5, 1 << 6
UCR3_DCD = 1 << 9


@pytest.mark.parametrize("dte", [True, False], ids=["dte", "dce"])
def test_dcd_change_events(rtser, dte):
    """In DTE mode (the dte_mode debugfs knob stands for fsl,dte-mode) the
    DCD input raises an interrupt when it changes: with MODEMHI/MODEMLO
    requested, UCR3 has the DCD interrupt enable (bit 9, Linux's
    UCR3_DCD), and a DCD change posts MODEMHI (carrier, DCDIN low) or
    MODEMLO. In DCE mode that bit drives the DCD output and stays clear,
    and DCD changes are no input events. QEMU's model keeps UCR3 as written
    but has no DCD line: the change is injected through debugfs. The
    enable used to be missing, so carrier changes were only seen when some
    other source interrupted."""
    c, regs = modem_events(rtser, 1, [(0, USR2_DCDDELT), (0, USR2_DCDDELT | USR2_DCDIN)]
                           if dte else [(0, USR2_DCDDELT | USR2_DCDIN),
                                        (USR1_RTSD | USR1_RTSS, 0), (USR1_RTSD, 0)],
                           knobs=[("dte_mode", "Y")] if dte else [])
    if dte:
        assert regs["UCR3"] & UCR3_DCD, hex(regs["UCR3"])
        assert c["event0"]["events"] == MODEMHI, c
        assert c["event1"]["events"] == MODEMLO, c
    else:
        assert not regs["UCR3"] & UCR3_DCD, hex(regs["UCR3"])
        # the DCD change (MODEMLO in DTE mode) is ignored: RTS_B's come first
        assert c["event0"]["events"] == MODEMHI, c
        assert c["event1"]["events"] == MODEMLO, c


def test_cross_link(rtser):
    """The cross-link latency test: writer on rtser0, reader on rtser1.
    Afterwards the writer's transmitter is idle: nothing left in its ring,
    no pause pending. A pause whose end was computed from two clock
    readings used to miss its timer when the line came free between them
    (a relative expiry below zero, refused), leaving TRDY masked for good:
    the rest of the frames stayed in the ring (about 1 run in 70 of 200
    frames every 5 ms under TCG)."""
    rc, out = rtser.run("cross-link -n 50 -p 20000 -j", timeout=120)
    tx = debugfs(rtser, "rtser0")
    assert rc == 0, f"cross-link failed (rc {rc}):\n{out}\nrtser0: {tx}\nrtser1: {debugfs(rtser, 'rtser1')}"
    assert tx["tx_count"] == 0 and tx["tx_held_now"] == 0, tx
    r = json.loads(out.strip().splitlines()[-1])
    assert r["frames"] == 50 and r["received"] == 50, r
    assert r["lost"] == 0 and r["bad"] == 0, r
    wi, ir, wr = r["write_irq"], r["irq_read"], r["write_read"]
    assert 0 < wi["min"] <= wi["avg"] <= wi["max"]
    assert 0 < ir["min"] and 0 < wr["min"] <= wr["avg"] <= wr["max"]
    print(f"\n[cross-link, emulated, 50 frames @ 115200, 20 ms] "
          f"write->irq {wi['min']}/{wi['avg']}/{wi['max']} ns, "
          f"irq->read {ir['min']}/{ir['avg']}/{ir['max']} ns, "
          f"write->read {wr['min']}/{wr['avg']}/{wr['max']} ns, late {r['late']}")
    # the human-readable form works too
    out = rtser.run_ok("cross-link -n 3 -p 50000")
    assert "summary: frames 3 received 3 lost 0" in out, out


# --------------------------------------------------------------------------
# module life cycle, line errors, giving the ports back

def test_soft_overrun_and_line_status(arm_guest):
    """A 256-byte receive ring (module parameter) overflows: ERRPEND event,
    read() fails with EIO, GET_STATUS reports RTSER_SOFT_OVERRUN_ERR once,
    and the ring kept the oldest bytes."""
    load_rtser(arm_guest, "rx_ring=256")
    try:
        c = checks(arm_guest.run_json(f"rtser-test overrun {DEV0} {DEV1} 1000"))
        assert c["errpend"]["events"] & 2
        assert c["read_eio"]["errno"] == "EIO"
        assert c["status_soft_overrun"]["line_status"] & 0x100
        assert not c["status_cleared"]["line_status"] & 0x100
        assert c["ring_kept_oldest"]["received"] == 256
    finally:
        arm_guest.run_ok("rmmod rtser_imx")


def test_rmmod_insmod_then_linux_takes_ports_back(arm_guest):
    load_rtser(arm_guest)
    g = arm_guest
    # busy while open
    rc, out = g.run(f"exec 3<>{DEV0}; rmmod rtser_imx; echo rc=$?")
    assert "rc=1" in out, out
    for _ in range(3):
        g.run_ok("rmmod rtser_imx")
        assert "rtser" not in g.run_ok("ls /dev/rtdm")
        g.run_ok(f"insmod {KO}")
        assert g.run_ok("ls /dev/rtdm").split().count("rtser0") == 1
        g.run_ok(f"serial-loop -a {DEV0} -b {DEV1} -n 256 -d both", timeout=60)
    release_rtser(g)
    out = g.run_ok(f"ls {IMX}; ls /dev/ttymxc0 /dev/ttymxc2")
    assert PORTS[0] in out and PORTS[1] in out, out
    # Linux's driver moves bytes again, both ways
    for src, dst, word in ((TTYS[0], TTYS[1], "hello"), (TTYS[1], TTYS[0], "world")):
        out = g.run_ok(f"""
for t in {' '.join(TTYS)}; do stty -F /dev/$t 115200 raw -echo clocal; done
timeout 10 head -c 6 /dev/{dst} > /tmp/rx & sleep 0.5
echo {word} > /dev/{src}; wait; cat /tmp/rx""", timeout=30)
        assert out.strip() == word, out
    # and the ports can be taken again
    load_rtser(g)
    release_rtser(g)


# --------------------------------------------------------------------------
# other kernels and the i.MX8MM overlay (host side)

_arm64 = {}


def test_arm64_cross_build():
    """The driver builds for arm64 (i.MX8MM) against Debian's arm64 headers,
    with -Werror (W=1 from the top Makefile)."""
    try:
        t = get_target("arm64")
    except RigSetupError as e:
        pytest.fail(str(e))
    if "r" not in _arm64:
        _arm64["r"] = build_modules(t, BUILD / "mod-arm64-serial")
    rc, log, kos = _arm64["r"]
    assert rc == 0, log[-5000:]
    ko = [k for k in kos if k.endswith("/rtser_imx.ko")]
    assert ko, log[-3000:]
    info = subprocess.run(["file", ko[0]], capture_output=True, text=True).stdout
    assert "aarch64" in info or "ARM aarch64" in info, info


def test_x86_loads_without_probing(guest):
    """On a machine without i.MX UARTs the module loads and binds nothing."""
    if not guest.build.has_module("rtser_imx.ko"):
        pytest.fail(guest.build.failure(40))
    guest.run_ok("grep -q '^rtdm ' /proc/modules || insmod /rtdm/modules/rtdm.ko")
    out = guest.run_ok(f"insmod {KO} && ls /sys/bus/platform/drivers/rtser_imx; "
                       "ls /dev/rtdm; rmmod rtser_imx")
    assert "rtser" not in out.replace("rtser_imx", ""), out


def _imx8mm_evk_dtb():
    env_dtb = os.environ.get("RTDM_IMX8MM_DTB")
    if env_dtb:
        return env_dtb
    pats = [f"{CACHE}/arm64-*/**/freescale/imx8mm-evk.dtb", "/usr/lib/linux-image-*/freescale/imx8mm-evk.dtb"]
    for p in pats:
        found = sorted(glob.glob(p, recursive=True))
        if found:
            return found[-1]
    return None


def test_imx8mm_overlay_applies(tmp_path):
    """dts-overlays/imx8mm-evk-rtser.dtso compiles and applies to Debian's
    imx8mm-evk.dtb: UART3 gets the rtdm compatible, its pins, okay status."""
    for tool in ("dtc", "fdtoverlay", "fdtget"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} missing (device-tree-compiler)")
    base = _imx8mm_evk_dtb()
    if not base:
        pytest.skip("no imx8mm-evk.dtb (Debian arm64 linux-image package) in the rig cache")
    src = REPO / "dts-overlays" / "imx8mm-evk-rtser.dtso"
    dtbo, out = tmp_path / "rtser.dtbo", tmp_path / "evk-rtser.dtb"
    subprocess.run(["dtc", "-@", "-I", "dts", "-O", "dtb", "-o", dtbo, src], check=True,
                   capture_output=True)
    subprocess.run(["fdtoverlay", "-i", base, "-o", out, dtbo], check=True, capture_output=True)
    node = "/soc@0/bus@30800000/spba-bus@30800000/serial@30880000"

    def get(prop, node=node):
        return subprocess.run(["fdtget", out, node, prop], check=True, capture_output=True,
                              text=True).stdout.split()

    assert get("compatible") == ["rtdm,imx-uart", "fsl,imx8mm-uart"]
    assert get("status") == ["okay"]
    assert get("pinctrl-names") == ["default"]
    # Linux's imx-uart matches fsl,imx6q-uart: it must be gone from the node
    assert "fsl,imx6q-uart" not in get("compatible")
