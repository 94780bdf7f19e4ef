# SPDX-License-Identifier: GPL-2.0
"""RTDM SPI: the master core (drivers/spi/rtdm_spi.ko), the i.MX ECSPI
controller (rtdm_spi_imx.ko) and the rtdm-spidev slave device, on the
emulated i.MX6Q sabrelite board.

QEMU's sabrelite attaches an SST25VF016B SPI NOR flash (JEDEC bf 25 41) to
ECSPI1 (2008000.spi, spi0), on the controller's chip select line 0 (the
device tree also gives the slave GPIO3_IO19 as cs-gpios, which the driver
drives too; QEMU does not look at it). The flash is backed by the file
given to -drive if=mtd (rig: build/guest-<target>/flash.bin), which the
rig fills with rig.guest.flash_image() before each boot.

The tests take ECSPI1 from Linux's spi-imx at run time (unbind,
driver_override, and on the SPI bus driver_override of spi0.0 to
rtdm-spidev), so that the flash becomes /dev/rtdm/spi0/slave0.0, and give
it back to spi-imx + spi-nor at the end.

Every figure here is measured in an emulator (QEMU TCG): it shows that the
path works, not what the hardware achieves.
"""

import base64
import glob
import hashlib
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from rig import BUILD, get_target
from rig.build import build_modules
from rig.guest import flash_image
from rig.targets import CACHE, REPO, RigSetupError

CTLR = "2008000.spi"
IMX = "/sys/bus/platform/drivers/spi_imx"
DEV = "/dev/rtdm/spi0/slave0.0"
MODS = "/rtdm/modules"
SECTOR = 4096


def _need_modules(g):
    for ko in ("rtdm.ko", "rtdm_spi.ko", "rtdm_spi_imx.ko"):
        if not g.build.has_module(ko):
            pytest.fail(f"{ko} missing from the {g.name} build:\n{g.build.failure(40)}")


TAKE = f"""
set -e
grep -q '^rtdm ' /proc/modules || insmod {MODS}/rtdm.ko
grep -q '^rtdm_spi ' /proc/modules || insmod {MODS}/rtdm_spi.ko
if ! grep -q '^rtdm_spi_imx ' /proc/modules; then
    [ -e {IMX}/{CTLR} ] && echo {CTLR} > {IMX}/unbind
    echo rtdm_spi_imx > /sys/bus/platform/devices/{CTLR}/driver_override
    # the controller's children must not autoprobe Linux drivers (spi-nor)
    echo 0 > /sys/bus/spi/drivers_autoprobe
    insmod {MODS}/rtdm_spi_imx.ko
    echo rtdm-spidev > /sys/bus/spi/devices/spi0.0/driver_override
    echo spi0.0 > /sys/bus/spi/drivers/rtdm-spidev/bind
    echo 1 > /sys/bus/spi/drivers_autoprobe
fi
ls {DEV}
"""

GIVE_BACK = f"""
grep -q '^rtdm_spi_imx ' /proc/modules && rmmod rtdm_spi_imx
echo 1 > /sys/bus/spi/drivers_autoprobe
echo > /sys/bus/platform/devices/{CTLR}/driver_override
[ -e {IMX}/{CTLR} ] || echo {CTLR} > {IMX}/bind
true
"""


def take_spi(g):
    _need_modules(g)
    g.run_ok(TAKE)


def give_back(g):
    g.run_ok(GIVE_BACK)


@pytest.fixture
def spi(arm_guest):
    take_spi(arm_guest)
    return arm_guest


def checks(result):
    by_name = {c["name"]: c for c in result["checks"]}
    failed = [c for c in result["checks"] if not c["ok"]]
    assert not failed, f"failed checks: {failed}\nfull result: {result}"
    return by_name


def flash_file(g):
    return g.rundir / "flash.bin"


def host_flash(g, settle=5.0, want=None):
    """The flash's backing file as the host sees it; with `want`, poll
    until QEMU has written it back (its block layer writes asynchronously)."""
    deadline = time.monotonic() + settle
    while True:
        data = flash_file(g).read_bytes()
        if want is None or want(data) or time.monotonic() > deadline:
            return data
        time.sleep(0.2)


# --------------------------------------------------------------------------

def test_probe_and_names(spi):
    out = spi.run_ok(f"ls -l {DEV}; ls /sys/class/spi0; cat /proc/rtdm/devices; "
                     "dmesg | grep -i 'rtdm.*spi\\|spi0'")
    assert "slave0.0" in out, out
    assert re.search(r"RTDM SPI master spi0: ECSPI, irq \d+, per clock \d+ Hz", out), out
    assert "/dev/rtdm/spi0/slave0.0: chip select 0 (gpio)" in out, out
    # the controller is the RTDM driver's, the slave rtdm-spidev's
    out = spi.run_ok(f"readlink /sys/bus/platform/devices/{CTLR}/driver; "
                     "readlink /sys/bus/spi/devices/spi0.0/driver")
    assert out.split() == ["../../../../../../bus/platform/drivers/rtdm_spi_imx",
                           "../../../../../../../bus/spi/drivers/rtdm-spidev"] or \
        ("rtdm_spi_imx" in out and "rtdm-spidev" in out), out


@pytest.mark.parametrize("fifo", [False, True], ids=["sched_other", "sched_fifo"])
def test_abi_and_bad_input(spi, fifo):
    """ABI numbers and sizes, the JEDEC id through TRANSFER and TRANSFER_N on
    the mapped iobufs, write() seen by the flash's write enable latch, and
    every bad input with its errno."""
    r = spi.run_json(f"rtdm-spi-test {'-f ' if fifo else ''}abi {DEV}")
    c = checks(r)
    assert r["sizes"] == {"config": 8, "iobufs": 16}
    assert r["ioctls"] == {"SET_CONFIG": "0x40080c00", "GET_CONFIG": "0x80080c01",
                           "SET_IOBUFS": "0x80100c02", "TRANSFER": "0xc03",
                           "TRANSFER_N": "0x80040c04"}
    assert (c["device_info"]["class"], c["device_info"]["subclass"]) == (12, 4)
    assert c["second_open"]["errno"] == "EBUSY"
    # the device-tree configuration of the slave: 20 MHz, mode 0, 8 bits
    # (the per clock may round the speed down)
    assert c["get_config"]["mode"] == 0 and c["get_config"]["bits"] == 8
    assert 0 < c["get_config"]["speed_hz"] <= 20000000
    io = c["iobufs"]
    assert (io["io_len"], io["i_offset"]) == (36, 0)
    assert io["o_offset"] >= 36 and io["o_offset"] % 32 == 0 and io["map_len"] == 2 * io["o_offset"]
    for name in ("transfer_no_iobufs", "transfer_n_no_iobufs", "mmap_no_iobufs", "iobufs_zero",
                 "iobufs_huge", "iobufs_max_plus_1", "iobufs_twice", "mmap_too_big",
                 "mmap_offset", "speed_zero", "speed_too_high", "speed_too_low",
                 "mode_lsb_first", "mode_3wire", "mode_0x8000", "bits_0", "bits_7", "bits_33",
                 "transfer_n_odd_16bit", "read_odd_16bit", "transfer_n_zero",
                 "transfer_n_negative", "transfer_n_too_long"):
        assert c[name]["errno"] == "EINVAL", c[name]
    for name in ("iobufs_badptr", "set_config_badptr", "get_config_badptr", "read_badptr",
                 "write_badptr"):
        assert c[name]["errno"] == "EFAULT", c[name]
    assert c["unknown_ioctl"]["errno"] == "ENOTTY"
    assert c["jedec_transfer"]["jedec"] == "bf2541"
    assert c["jedec_transfer_n"]["jedec"] == "bf2541" and c["jedec_transfer_n"]["untouched"] == 0x55
    # 16- and 32-bit words go out MSB first
    assert c["jedec_16bit"]["jedec"] == "bf2541" and c["jedec_32bit"]["jedec"] == "bf2541"
    assert c["write_wren"]["status"] & 2 and not c["write_wrdi"]["status"] & 2


def test_spi_flash_id(spi):
    r = spi.run_json(f"spi-flash -j -d {DEV} id")
    assert r["jedec"] == "bf2541" and r["jedec_transfer"] == "bf2541", r
    out = spi.run_ok(f"spi-flash -d {DEV} id")
    assert out.strip() == "JEDEC id bf 25 41", out


def test_read_back_pattern(spi):
    """The whole flash, as pytest wrote it before boot, read byte-exact."""
    size = len(flash_image())
    r = spi.run_json(f"spi-flash -j -d {DEV} read 0 {size} /tmp/flash.bin", timeout=300)
    assert r["bytes"] == size
    out = spi.run_ok("sha256sum /tmp/flash.bin; rm /tmp/flash.bin")
    assert out.split()[0] == hashlib.sha256(flash_image()).hexdigest(), out
    print(f"\n[spi-flash read, emulated] {size} bytes in {r['ns'] / 1e6:.0f} ms "
          f"({size * 1e9 / r['ns'] / 1024:.0f} KiB/s, {r['transfers']} transfers of 4 KiB)")
    # an unaligned piece, with a small chunk size
    off, n = 123457, 3001
    r = spi.run_json(f"spi-flash -j -c 256 -d {DEV} read {off} {n} /tmp/piece", timeout=60)
    out = spi.run_ok("sha256sum /tmp/piece")
    assert out.split()[0] == hashlib.sha256(flash_image()[off:off + n]).hexdigest()


@pytest.mark.parametrize("mode", ["byte", "page"])
def test_erase_program_seen_on_host(spi, mode):
    """Erase one sector, program a pattern into it; the host finds exactly
    those bytes at exactly that offset in the backing file, the rest as it
    was."""
    sector = 0x40000 if mode == "byte" else 0x81000
    off, n = sector + 100, 1000 if mode == "byte" else 3000
    payload = bytes((i * 37 + 11) & 0xff for i in range(n))
    before = host_flash(spi)
    b64 = base64.b64encode(payload).decode()
    assert spi.run_ok(f"echo {b64} | base64 -d > /tmp/pat; wc -c < /tmp/pat").strip() == str(n)
    r = spi.run_json(f"spi-flash -j -d {DEV} erase {sector} {SECTOR}", timeout=60)
    assert r["bytes"] == SECTOR
    r = spi.run_json(f"spi-flash -j {'-p ' if mode == 'page' else ''}-d {DEV} program {off} /tmp/pat",
                     timeout=240)
    assert r["bytes"] == n and r["mode"] == mode, r
    expect = bytearray(before)
    expect[sector:sector + SECTOR] = b"\xff" * SECTOR
    expect[off:off + n] = payload
    after = host_flash(spi, want=lambda d: d == bytes(expect))
    diff = [i for i in range(len(after)) if after[i] != expect[i]][:10]
    assert not diff, f"first differing offsets {[hex(i) for i in diff]}"
    # and the guest reads the same back
    out = spi.run_ok(f"spi-flash -d {DEV} read {sector} {SECTOR} /tmp/s && sha256sum /tmp/s")
    assert out.split()[-2] == hashlib.sha256(bytes(expect[sector:sector + SECTOR])).hexdigest()
    print(f"\n[spi-flash {mode} program, emulated] {n} bytes in {r['ns'] / 1e6:.0f} ms, "
          f"{r['transfers']} transfers")


def test_cs_gpio_honours_cs_high(spi):
    """The slave's cs-gpios line (GPIO3_IO19, active low in the device
    tree) idles high in mode 0, low once SPI_CS_HIGH is set, high again
    after. SPI_CS_HIGH also sets the controller's SS_POL for the channel,
    so the flash, which QEMU wires to the native chip select 0 (active
    low), is not selected then and does not answer; it does again after."""
    spi.run_ok("grep -q debugfs /proc/mounts || mount -t debugfs none /sys/kernel/debug")
    line = spi.run_ok("grep 'spi0 CS0' /sys/kernel/debug/gpio")
    assert "gpio-83 " in line, line       # GPIO3_IO19 = 2 * 32 + 19
    c = checks(spi.run_json(f"rtdm-spi-test cs-high {DEV} 'spi0 CS0'"))
    assert [c[n]["idle"] for n in ("mode0", "cs_high", "mode0_again")] == ["hi", "lo", "hi"], c
    assert [c[n]["jedec"] for n in ("mode0", "cs_high", "mode0_again")] == \
        ["bf2541", "000000", "bf2541"], c


def test_close_during_transfer(spi):
    """A thread loops 64 KiB transfers; closing the fd stops it with EBADF
    at once, the device opens again and transfers."""
    c = checks(spi.run_json(f"rtdm-spi-test close-busy {DEV}", timeout=60))
    assert c["close_during_transfer"]["errno"] == "EBADF"
    assert c["close_during_transfer"]["stop_ms"] < 2000
    assert c["jedec_after"]["jedec"] == "bf2541"


def test_spitest_latency(spi):
    """Xenomai's spitest in latency mode: the figures come back (emulator
    figures, not gated). QEMU's flash answers instead of a MOSI-MISO loop,
    so every frame counts as an error."""
    rc, out = spi.run(f"timeout -s INT 7 spitest device={DEV} speed=10000000 latency", timeout=60)
    assert "input_area[0..35], output_area[" in out, out
    assert re.search(r"speed=\d+ hz, mode=0, bits=8", out), out
    # Xenomai's header fields are %11s and %8s wide: " -errors"
    assert "RTH|----lat min|----lat avg|----lat max|-overrun| -errors|---lat best|--lat worst" \
        in out, out
    rtd = [l for l in out.splitlines() if l.startswith("RTD|")]
    assert len(rtd) >= 3, out
    f = [float(x) for x in rtd[-1].split("|")[1:4]]
    assert 0 < f[0] <= f[1] <= f[2], rtd[-1]
    print(f"\n[spitest latency, emulated, 36-byte frames at 10 MHz] last line: {rtd[-1]}")
    # traffic mode with TRANSFER_N prints the frames
    rc, out = spi.run(f"timeout -s INT 3 spitest device={DEV} ioctl_n=1", timeout=60)
    assert re.search(r"^0000> seq=\d+\??, crc=[0-9A-F]{2}\??$", out, re.M), out
    rc, out = spi.run("spitest")
    assert rc != 0 and "missing device= specification" in out


def test_unbind_while_open(spi):
    """Unbinding the controller while a slave is open revokes the open file
    (the unbind does not wait for it), removes the device node; closing the
    revoked file afterwards is harmless and the controller binds again."""
    g = spi
    out = g.run_ok(f"exec 3<>{DEV}; echo {CTLR} > /sys/bus/platform/drivers/rtdm_spi_imx/unbind; "
                   f"echo unbound; ls /dev/rtdm; exec 3>&-; echo closed", timeout=60)
    assert "unbound" in out and "closed" in out and "spi0" not in out, out
    g.run_ok("echo 0 > /sys/bus/spi/drivers_autoprobe; "
             f"echo {CTLR} > /sys/bus/platform/drivers/rtdm_spi_imx/bind; "
             "echo rtdm-spidev > /sys/bus/spi/devices/spi0.0/driver_override; "
             "echo spi0.0 > /sys/bus/spi/drivers/rtdm-spidev/bind; "
             "echo 1 > /sys/bus/spi/drivers_autoprobe")
    assert g.run_json(f"spi-flash -j -d {DEV} id")["jedec"] == "bf2541"


def test_rmmod_busy_then_linux_takes_it_back(spi):
    g = spi
    rc, out = g.run(f"exec 3<>{DEV}; rmmod rtdm_spi_imx; echo rc=$?")
    assert "rc=1" in out, out
    for _ in range(2):
        g.run_ok("rmmod rtdm_spi_imx")
        assert "spi0" not in g.run_ok("ls /dev/rtdm")
        take_spi(g)
        assert g.run_json(f"spi-flash -j -d {DEV} id")["jedec"] == "bf2541"
    give_back(g)
    # Linux's spi-imx and spi-nor read the flash again
    out = g.run_ok(f"ls {IMX}; modprobe spi-nor; sleep 0.5; "
                   "cat /sys/bus/spi/devices/spi0.0/spi-nor/jedec_id; "
                   "head -c 8 /dev/mtd0; echo; "
                   "dd if=/dev/mtd0 bs=4096 skip=16 count=16 2>/dev/null | sha256sum")
    assert CTLR in out and "bf2541" in out and "FLASHIMG" in out, out
    assert hashlib.sha256(host_flash(g)[65536:131072]).hexdigest() in out, out
    # and the RTDM driver can take it once more
    g.run_ok("rmmod spi-nor")
    take_spi(g)
    assert g.run_json(f"spi-flash -j -d {DEV} id")["jedec"] == "bf2541"
    give_back(g)


# --------------------------------------------------------------------------
# other kernels (host side)

_arm64 = {}


def test_arm64_cross_build():
    """The SPI modules build for arm64 (i.MX8MM) against Debian's arm64
    headers with -Werror (W=1 from the top Makefile)."""
    try:
        t = get_target("arm64")
    except RigSetupError as e:
        pytest.fail(str(e))
    if "r" not in _arm64:
        _arm64["r"] = build_modules(t, BUILD / "mod-arm64-spi")
    rc, log, kos = _arm64["r"]
    assert rc == 0, log[-5000:]
    for name in ("rtdm_spi.ko", "rtdm_spi_imx.ko"):
        ko = [k for k in kos if k.endswith("/" + name)]
        assert ko, log[-3000:]
        info = subprocess.run(["file", ko[0]], capture_output=True, text=True).stdout
        assert "aarch64" in info, info


def test_x86_loads_without_probing(guest):
    """On a machine without ECSPI the modules load and bind nothing."""
    for ko in ("rtdm_spi.ko", "rtdm_spi_imx.ko"):
        if not guest.build.has_module(ko):
            # not built against a kernel without SPI master support (an
            # evl target's small kernel): the kernel's choice, not a failure
            config = Path(guest.target.kdir, ".config")
            if config.exists() and "CONFIG_SPI_MASTER=y" not in config.read_text().splitlines():
                pytest.skip(f"{guest.name}: the kernel has no CONFIG_SPI_MASTER")
            pytest.fail(guest.build.failure(40))
    guest.run_ok("grep -q '^rtdm ' /proc/modules || insmod /rtdm/modules/rtdm.ko")
    out = guest.run_ok(f"insmod {MODS}/rtdm_spi.ko && insmod {MODS}/rtdm_spi_imx.ko && "
                       "ls /sys/bus/platform/drivers/rtdm_spi_imx /sys/bus/spi/drivers/rtdm-spidev; "
                       "ls /dev/rtdm; rmmod rtdm_spi_imx; rmmod rtdm_spi")
    assert "spi0" not in out, out


def _imx8mm_evk_dtb():
    env_dtb = os.environ.get("RTDM_IMX8MM_DTB")
    if env_dtb:
        return env_dtb
    for p in (f"{CACHE}/arm64-*/**/freescale/imx8mm-evk.dtb",
              "/usr/lib/linux-image-*/freescale/imx8mm-evk.dtb"):
        found = sorted(glob.glob(p, recursive=True))
        if found:
            return found[-1]
    return None


def test_imx8mm_overlay_applies(tmp_path):
    """dts-overlays/imx8mm-evk-rtdm-spi.dtso compiles and applies to Debian's
    imx8mm-evk.dtb: ECSPI1 gets the rtdm compatible (and loses the one
    spi-imx matches), its pins, GPIO5_IO09 as chip select, an rtdm-spidev
    slave, okay status."""
    for tool in ("dtc", "fdtoverlay", "fdtget"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} missing (device-tree-compiler)")
    base = _imx8mm_evk_dtb()
    if not base:
        pytest.skip("no imx8mm-evk.dtb (Debian arm64 linux-image package) in the rig cache")
    src = REPO / "dts-overlays" / "imx8mm-evk-rtdm-spi.dtso"
    dtbo, out = tmp_path / "spi.dtbo", tmp_path / "evk-spi.dtb"
    subprocess.run(["dtc", "-@", "-Wno-gpios_property", "-I", "dts", "-O", "dtb", "-o", dtbo, src],
                   check=True, capture_output=True)
    subprocess.run(["fdtoverlay", "-i", base, "-o", out, dtbo], check=True, capture_output=True)
    node = "/soc@0/bus@30800000/spba-bus@30800000/spi@30820000"

    def get(prop, node=node, fmt="s"):
        return subprocess.run(["fdtget", "-t", fmt, out, node, prop], check=True,
                              capture_output=True, text=True).stdout.split()

    assert get("compatible") == ["rtdm,imx-ecspi", "fsl,imx8mm-ecspi"]
    assert "fsl,imx51-ecspi" not in get("compatible")
    assert get("status") == ["okay"]
    # cs-gpios = GPIO5 (gpio@30240000), line 9, active low
    gpio5 = get("phandle", "/soc@0/bus@30000000/gpio@30240000", "u")
    assert get("cs-gpios", fmt="u") == [gpio5[0], "9", "1"]
    pins = "/soc@0/bus@30000000/pinctrl@30330000/rtdm-ecspi1grp"
    assert get("pinctrl-0", fmt="u") == get("phandle", pins, "u")
    assert get("fsl,pins", pins, "x")[::6] == ["1f4", "1f8", "1fc", "200"]
    slave = node + "/slave@0"
    assert get("compatible", slave) == ["rtdm-spidev"]
    assert get("reg", slave, "u") == ["0"]
