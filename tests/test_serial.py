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


def load_rtser(g, params=""):
    """Take UART1 and UART3 from imx-uart and load rtser_imx (idempotent)."""
    _need_modules(g)
    script = f"""
set -e
grep -q '^rtdm ' /proc/modules || insmod /rtdm/modules/rtdm.ko
if grep -q '^rtser_imx ' /proc/modules; then
    [ -z "{params}" ] || {{ rmmod rtser_imx; insmod {KO} {params}; }}
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

@pytest.mark.parametrize("baud", [9600, 115200, 921600, 4000000])
def test_64k_both_directions(rtser, baud):
    """64 KiB of pseudo-random data cross each way (one direction after the
    other), checksums match.
    (QEMU moves bytes at its own pace whatever the baud rate; the rate is
    still programmed and must be accepted.)"""
    r = rtser.run_json(f"serial-loop -a {DEV0} -b {DEV1} -s {baud} -n 65536 -d seq -t 150",
                       timeout=240)
    assert r["ok"], r
    for d in r["results"]:
        assert d["received"] == 65536 and d["tx_sum"] == d["rx_sum"] and d["first_error"] == -1, d
    print(f"\n[serial-loop {baud} baud, emulated] " +
          ", ".join(f"{d['dir']} {d['bytes_per_s']:.0f} B/s" for d in r["results"]))


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


def test_cross_link(rtser):
    """The cross-link latency test: writer on rtser0, reader on rtser1."""
    r = rtser.run_json("cross-link -n 50 -p 20000 -j", timeout=120)
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
