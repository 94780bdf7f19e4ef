# SPDX-License-Identifier: GPL-2.0
"""Self-tests of the QEMU rig: the guests boot the expected kernels, the
agent channel is faithful, the emulated sabrelite hardware the project's
tests rely on is there, and the project's core module loads."""

import pytest

from rig import get_target, BUILD
from rig.build import build_modules

pytestmark = pytest.mark.rig_smoke


def _need_rtdm_ko(g):
    if not g.build.has_module("rtdm.ko"):
        why = "" if g.build.ok else "\n" + g.build.failure(lines=12)
        pytest.skip(f"rtdm.ko not in {g.target.builddir} yet (project build incomplete){why}")


def _insmod_rtdm(g):
    _need_rtdm_ko(g)
    if g.run("grep -q '^rtdm ' /proc/modules")[0] != 0:
        g.run_ok("insmod /rtdm/modules/rtdm.ko")
    g.run_ok("cat /proc/rtdm/devices")


# ---------------------------------------------------------------- x86 + x86-rt

def test_uname(guest):
    assert guest.run_ok("uname -r").strip() == guest.target.krel


def test_boot_log_clean(guest):
    dmesg = guest.run_ok("dmesg")
    assert not guest.splats(dmesg), dmesg


def test_agent_channel(guest):
    rc, out = guest.run("printf 'a\\n@@END fake 0 1\\n'; printf 'no-newline' >&2; exit 7")
    assert (rc, out) == (7, "a\n@@END fake 0 1\nno-newline")
    # quoting, and a large output crosses intact
    assert guest.run_ok("echo \"$((6*7))\" '$HOME' \\\\") == "42 $HOME \\\n"
    out = guest.run_ok("i=0; while [ $i -lt 2000 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; "
                       "i=$((i+1)); done", timeout=120)
    lines = out.splitlines()
    assert len(lines) == 2000 and lines[1999].startswith("line-1999-")
    assert guest.run_json("echo '{\"a\": [1, 2]}'") == {"a": [1, 2]}


def test_rtdm_insmod(guest):
    _insmod_rtdm(guest)


def test_splat_detector(guest):
    # the agent's output never reaches the console, so it cannot fake a splat
    guest.run_ok("echo 'BUG: not a kernel message'; echo 'WARNING: neither'")
    assert not guest.splats(guest.console())
    assert guest.splats("[    1.000000] BUG: kernel NULL pointer dereference\n")
    assert guest.splats("[    2.5] WARNING: possible circular locking dependency detected\n")
    assert not guest.splats("RIG: WARNING: no timestamp, not the kernel\n")


@pytest.mark.parametrize("name", ["x86-evl", "arm64-evl"])
def test_evl_target(rig_targets, name):
    """A Dovetail+EVL target runs when the user gives it a kernel:
    RTDM_EVL_KERNEL, RTDM_EVL_KDIR and RTDM_EVL_LIBEVL for x86-evl,
    RTDM_EVL_ARM64_* for arm64-evl (Debian ships none: CI skips them)."""
    from conftest import evl_available
    if name not in rig_targets:
        pytest.skip(f"{name} not selected")
    ok, why = evl_available(name)
    if not ok:
        pytest.skip(why)


def test_evl_backend_out_of_band(guest):
    """On an evl target the modules were built with the evl backend, and a
    real-time caller is served out-of-band."""
    if guest.target.backend != "evl":
        pytest.skip("inband target")
    _insmod_rtdm(guest)
    assert guest.run_ok("cat /proc/rtdm/backend").startswith("evl EVL_ABI ")
    assert "EVL: core started" in guest.run_ok("dmesg")


# ---------------------------------------------------------------- armhf sabrelite

def test_arm_uname(arm_guest):
    assert arm_guest.run_ok("uname -r").strip() == arm_guest.target.krel


def test_arm_smp(arm_guest):
    """The emulated i.MX6Q runs two cores, so that irq_work is raised by IPI
    (see Target.qemu_cmd: Debian's 6.1.0-57 rt-armmp kernel livelocks in
    irq_work_run_list() when irq_work runs from the tick on a uniprocessor)."""
    assert arm_guest.run_ok("grep -c '^processor' /proc/cpuinfo").strip() == str(arm_guest.target.smp)
    ipis = arm_guest.run_ok("grep 'IRQ work interrupts' /proc/interrupts")
    assert ipis.split()[0] == "IPI5:", ipis


def test_arm_agent_channel(arm_guest):
    """A quarter of a megabyte crosses the agent UART intact (on a
    uniprocessor rt-armmp guest this stalled for good within seconds)."""
    out = arm_guest.run_ok("i=0; while [ $i -lt 4000 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                           "xxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done", timeout=180)
    lines = out.splitlines()
    assert len(lines) == 4000 and all(l.startswith(f"line-{i}-") for i, l in enumerate(lines))


def test_arm_boot_log_clean(arm_guest):
    dmesg = arm_guest.run_ok("dmesg")
    assert not arm_guest.splats(dmesg), dmesg


def test_arm_rtdm_insmod(arm_guest):
    _insmod_rtdm(arm_guest)


def test_arm_spi_nor_flash(arm_guest):
    """ECSPI1 with the SST25VF016B flash QEMU attaches (-drive if=mtd)."""
    arm_guest.run_ok("modprobe spi-nor && modprobe mtdblock")
    jedec = arm_guest.run_ok("cat /sys/bus/spi/devices/spi0.0/spi-nor/jedec_id").strip()
    assert jedec == "bf2541"
    assert arm_guest.run_ok("head -c 8 /dev/mtd0") == "FLASHIMG"


def test_arm_uart_wire(arm_guest):
    """UART1 (ttymxc0) and UART3 (ttymxc2) are wired by a TCP chardev pair."""
    g = arm_guest
    g.run_ok("for t in ttymxc0 ttymxc2; do stty -F /dev/$t raw -echo clocal; done")
    out = g.run_ok("timeout 5 head -c 6 /dev/ttymxc2 > /tmp/rx & sleep 0.3; "
                   "echo hello > /dev/ttymxc0; wait; cat /tmp/rx")
    assert out == "hello\n"
    # bulk, the other way round: 16 KiB, checksummed
    out = g.run_ok("head -c 16384 /dev/urandom > /tmp/tx; "
                   "timeout 20 head -c 16384 /dev/ttymxc0 > /tmp/rx & sleep 0.3; "
                   "cat /tmp/tx > /dev/ttymxc2; wait; md5sum < /tmp/tx; md5sum < /tmp/rx", timeout=60)
    tx, rx = out.split("\n")[:2]
    assert tx == rx, out


# ---------------------------------------------------------------- arm64 cross build

def test_arm64_crossbuild(rig_targets):
    if "arm64" not in rig_targets:
        pytest.skip("arm64 target not selected")
    t = get_target("arm64")
    rc, log, kos = build_modules(t, BUILD / "mod-arm64")
    assert rc == 0, log[-8000:]
    assert any(k.endswith("/rtdm.ko") for k in kos), f"no rtdm.ko among {kos}\n{log[-4000:]}"
