# SPDX-License-Identifier: GPL-2.0
"""Test targets, as described by the cache that tests/rig/setup.sh fills.

Environment:
  RTDM_CACHE  cache dir written by setup.sh (default /var/cache/rtdm-rig)
  RTDM_SRC    source tree to build (default: this repository)

The evl targets take a Dovetail+EVL kernel the user brings (Debian has
none, so CI skips them). x86-evl, on QEMU's PC:
  RTDM_EVL_KERNEL  x86_64 kernel image (bzImage) with CONFIG_DOVETAIL and
                   CONFIG_EVL, 8250 serial ports, initramfs and modules
  RTDM_EVL_KDIR    its configured and built tree (for out-of-tree modules)
  RTDM_EVL_LIBEVL  a libevl install prefix (include/, lib/libevl.a)
arm64-evl, on QEMU's virt board (GICv3, Cortex-A53): the same three as
RTDM_EVL_ARM64_KERNEL (the Image), RTDM_EVL_ARM64_KDIR (built with
ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-), RTDM_EVL_ARM64_LIBEVL (an
aarch64 build); the kernel needs the PL011 console and virtio-mmio's
console (the agent's line: virt has one UART).
"""

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(os.environ.get("RTDM_SRC") or Path(__file__).resolve().parents[2]).resolve()
BUILD = REPO / "build"
CACHE = Path(os.environ.get("RTDM_CACHE", "/var/cache/rtdm-rig"))

GUEST_TARGETS = ("x86", "x86-rt", "armhf", "armhf-rt", "x86-evl", "arm64-evl",
                 "x86-debug")   # bootable
ALL_TARGETS = GUEST_TARGETS + ("arm64",)      # arm64: cross-build only
EVL_TARGETS = ("x86-evl", "arm64-evl")
EVL_ENV = ("RTDM_EVL_KERNEL", "RTDM_EVL_KDIR", "RTDM_EVL_LIBEVL")
EVL_ARM64_ENV = ("RTDM_EVL_ARM64_KERNEL", "RTDM_EVL_ARM64_KDIR", "RTDM_EVL_ARM64_LIBEVL")


class RigSetupError(RuntimeError):
    pass


def load_env():
    path = CACHE / "env.json"
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        raise RigSetupError(f"{path} missing: run tests/rig/setup.sh (as root) first") from None


@dataclass
class Target:
    name: str             # x86 | x86-rt | x86-debug | armhf | armhf-rt | arm64
    abi: str              # Debian ABI, e.g. 6.1.0-56
    krel: str             # uname -r of the guest kernel
    arch: str             # kbuild ARCH
    cross_compile: str    # CROSS_COMPILE prefix ('' = native)
    kdir: str             # kernel headers/build dir
    kernel: str = ""      # image QEMU boots
    modroot: str = ""     # root of the unpacked linux-image package (stock modules)
    dtb: str = ""
    busybox: str = ""     # static busybox for the guest's architecture
    # stock modules copied into the initramfs (with their dependencies) and
    # the subset /init loads at boot
    stock_modules: tuple = ()
    preload: tuple = ()
    console_dev: str = ""
    agent_dev: str = ""
    version: str = ""     # Debian package version of the kernel, e.g. 6.1.192-3
    smp: int = 2
    backend: str = "inband"
    user_make: tuple = ()  # extra `make userspace` arguments
    cmdline: str = ""      # extra kernel command line
    mem: str = ""         # QEMU -m (default: 512 on x86, 1G on sabrelite)
    # a debug kernel (KASAN, lockdep, DEBUG_OBJECTS, kmemleak): the rig
    # clears kmemleak's boot report after boot and checks for leaks of the
    # project's modules at the end of every test module (tests/conftest.py)
    debug: bool = False
    # QEMU -icount argument (make bench's repeatable mode, e.g.
    # "shift=3,sleep=off"): guest time counts instructions, not host time;
    # x86 guests then get one vCPU
    icount: str = ""
    env: dict = field(default_factory=dict)

    @property
    def bootable(self):
        return bool(self.kernel)

    @property
    def user_arch(self):
        return "arm" if self.arch == "arm" else self.arch

    @property
    def builddir(self):
        return BUILD / f"mod-{self.name}"

    @property
    def userdir(self):
        suffix = "-evl" if self.backend == "evl" else ""
        return BUILD / f"user-{self.user_arch}{suffix}"

    @property
    def boot_timeout(self):
        """Seconds from QEMU start to the agent's @@READY before the boot
        counts as failed. Measured on the 2-core build machine during a full
        run: x86 3-7 s, sabrelite (2 vCPUs) 9-14 s; about five times the
        slowest boot seen, so that host load does not fail a good guest and
        a broken one costs little. x86-debug (KASAN, lockdep): 37-46 s with
        the host at load ~20, so 120 s (RTDM_BOOT_TIMEOUT overrides)."""
        env = os.environ.get("RTDM_BOOT_TIMEOUT")
        if env:
            return float(env)
        if self.debug:
            return 120.0
        return 60.0 if self.arch in ("arm", "arm64") else 30.0

    def qemu_cmd(self, initrd, console_log, agent_sock, monitor_sock, flash=None,
                 wire_port=None):
        """QEMU command line. The console goes to a file (readable while the
        guest runs); the agent UART is a unix-socket chardev QEMU waits on;
        the HMP monitor (monitor_sock) lets the host read the vCPU state of
        a guest that stopped answering."""
        agent = ["-chardev", f"socket,id=agent,path={agent_sock},server=on,wait=on"]
        monitor = ["-monitor", f"unix:{monitor_sock},server=on,wait=off"]
        if self.icount:
            monitor += ["-icount", self.icount]
        if self.arch == "x86":
            # -icount: one vCPU (Debian's 6.1 kernels hang bringing up the
            # second CPU when guest time counts instructions)
            return ["qemu-system-x86_64", "-accel", "tcg", "-m", self.mem or "512",
                    "-smp", "1" if self.icount else "2",
                    "-nographic", *monitor, "-no-reboot", "-nic", "none",
                    "-bios", "/usr/share/qemu/qboot.rom",
                    "-kernel", self.kernel, "-initrd", str(initrd),
                    "-append", "console=ttyS0 panic=-1 loglevel=4 rdinit=/init noirqdebug"
                    + (" " + self.cmdline if self.cmdline else ""),
                    *agent,
                    "-serial", f"file:{console_log}",      # ttyS0: console
                    "-serial", "chardev:agent"]             # ttyS1: agent
        if self.arch == "arm64":
            # QEMU virt, GICv3, Cortex-A53 cores: the console on its PL011
            # (ttyAMA0), the agent on a virtio console (hvc0)
            return ["qemu-system-aarch64", "-M", "virt,gic-version=3", "-cpu", "cortex-a53",
                    "-smp", str(self.smp), "-m", self.mem or "512",
                    "-nographic", *monitor, "-no-reboot", "-nic", "none",
                    "-kernel", self.kernel, "-initrd", str(initrd),
                    "-append", "console=ttyAMA0 panic=-1 loglevel=4 rdinit=/init noirqdebug"
                    + (" " + self.cmdline if self.cmdline else ""),
                    "-serial", f"file:{console_log}",       # ttyAMA0: console
                    "-device", "virtio-serial-device", *agent,
                    "-device", "virtconsole,chardev=agent"]  # hvc0: agent
        if self.arch == "arm":
            # UART1 (ttymxc0) <-> UART3 (ttymxc2): TCP chardev pair on loopback
            wire = [
                "-chardev", f"socket,id=uart1,host=127.0.0.1,port={wire_port},server=on,wait=off",
                "-chardev", f"socket,id=uart3,host=127.0.0.1,port={wire_port}",
            ]
            # Two Cortex-A9 cores (the i.MX6Q has four, QEMU's default is
            # one). With one core the SCU reports a uniprocessor, Linux
            # patches itself for UP and irq_work has no IPI: it runs from
            # the tick. Debian's 6.1.0-57 PREEMPT_RT kernel (6.1.192-3)
            # then livelocks in the tick: rcu_read_unlock_special()
            # re-initialises RCU's defer_qs_iw while it is still queued,
            # the irq_work list node ends up pointing at itself and
            # irq_work_run_list() never returns (found with the gdbstub:
            # defer_qs_iw.node.llist.next == &defer_qs_iw). With IPIs the
            # work runs before it can be re-armed. tests/rig/README.md.
            return ["qemu-system-arm", "-M", "sabrelite", "-smp", str(self.smp), "-m", "1G",
                    "-nographic", *monitor, "-no-reboot",
                    "-kernel", self.kernel, "-dtb", self.dtb, "-initrd", str(initrd),
                    "-append", "console=ttymxc1,115200 panic=-1 loglevel=4 rdinit=/init",
                    "-drive", f"if=mtd,file={flash},format=raw",
                    *wire, *agent,
                    "-serial", "chardev:uart1",             # UART1 ttymxc0
                    "-serial", f"file:{console_log}",       # UART2 ttymxc1: console
                    "-serial", "chardev:uart3",             # UART3 ttymxc2
                    "-serial", "chardev:agent"]             # UART4 ttymxc3: agent
        raise ValueError(f"target {self.name} is not bootable")

    def shutdown_cmd(self):
        if self.arch == "arm":
            # poweroff only halts sabrelite: reset via the i.MX watchdog, and
            # QEMU's -no-reboot turns the reset into an exit
            return "modprobe imx2_wdt; reboot -f"
        return "poweroff -f"


_PER_TARGET = {
    "x86": dict(console_dev="ttyS0", agent_dev="ttyS1"),
    "x86-rt": dict(console_dev="ttyS0", agent_dev="ttyS1"),
    # Debian's linux-source built with tests/rig/x86-debug.config. 1 GiB:
    # KASAN's shadow takes an eighth of it, its quarantine holds freed
    # objects back, kmemleak and lockdep keep metadata per object and lock.
    # kmemleak=on: the config does not default it off, say it anyway;
    # kasan_multi_shot: every KASAN report, not only the first of the boot.
    # kmemleak-test (the kernel's own deliberately leaking module) is in
    # the initramfs for the detector's self-test, not loaded at boot.
    "x86-debug": dict(console_dev="ttyS0", agent_dev="ttyS1", debug=True, mem="1G",
                      cmdline="kmemleak=on kasan_multi_shot",
                      stock_modules=("kmemleak-test",)),
    "armhf": dict(console_dev="ttymxc1", agent_dev="ttymxc3",
                  stock_modules=("gpio-mxc", "spi-imx", "spi-nor", "mtdblock",
                                 "mtd_blkdevs", "imx2_wdt"),
                  preload=("gpio-mxc", "spi-imx", "imx2_wdt")),
    "arm64": dict(),
}
_PER_TARGET["armhf-rt"] = _PER_TARGET["armhf"]    # same board


def evl_target(name="x86-evl"):
    """x86-evl or arm64-evl, from RTDM_EVL_* or RTDM_EVL_ARM64_*;
    RigSetupError naming what is missing."""
    arm64 = name == "arm64-evl"
    names = EVL_ARM64_ENV if arm64 else EVL_ENV
    missing = [v for v in names if not os.environ.get(v)]
    if missing:
        raise RigSetupError(f"{name} needs a Dovetail+EVL kernel: set {', '.join(missing)} "
                            "(README: Running on Dovetail)")
    kernel, kdir, libevl = (os.environ[v] for v in names)
    for path in (kernel, f"{kdir}/Module.symvers", f"{libevl}/lib/libevl.a"):
        if not os.path.exists(path):
            raise RigSetupError(f"{name}: {path} missing")
    with open(f"{kdir}/.config") as f:
        config = f.read()
    for opt in ("CONFIG_DOVETAIL=y", "CONFIG_EVL=y", "CONFIG_ARM64=y" if arm64 else "CONFIG_X86_64=y"):
        if opt not in config:
            raise RigSetupError(f"{name}: {kdir} is not a Dovetail+EVL tree for "
                                f"{'arm64' if arm64 else 'x86_64'} ({opt} missing)")
    krel = open(f"{kdir}/include/config/kernel.release").read().strip()
    # an EVL kernel with kmemleak is checked as x86-debug is: the leak
    # checks use kmemleak (exact) instead of the slab counts, and every
    # test module ends with a scan (tests/conftest.py)
    kmemleak = "CONFIG_DEBUG_KMEMLEAK=y" in config.splitlines()
    common = dict(name=name, abi="evl", krel=krel, kdir=kdir, kernel=kernel, version="evl",
                  backend="evl", user_make=(f"EVL={libevl}",), debug=kmemleak)
    extra = " kmemleak=on" if kmemleak else ""
    if arm64:
        # the static busybox setup.sh fetches from Debian's arm64 archive
        busybox = load_env()["targets"]["arm64"].get("busybox", "")
        if not busybox or not os.path.exists(busybox):
            raise RigSetupError("arm64-evl: no arm64 busybox: re-run tests/rig/setup.sh")
        return Target(arch="arm64", cross_compile="aarch64-linux-gnu-", busybox=busybox,
                      console_dev="ttyAMA0", agent_dev="hvc0", cmdline=extra.strip(), **common)
    # nohz=off: with tickless idle, in-band timers of CPU0 were seen to
    # stop for good under load on the 6.12 EVL port (README)
    return Target(arch="x86", cross_compile="", busybox="/bin/busybox",
                  console_dev="ttyS0", agent_dev="ttyS1", cmdline="nohz=off" + extra, **common)


def get_target(name):
    if name in EVL_TARGETS:
        return evl_target(name)
    env = load_env()
    try:
        t = env["targets"][name]
    except KeyError:
        raise RigSetupError(f"target {name!r} not in {CACHE}/env.json; re-run tests/rig/setup.sh") from None
    return Target(name=name, abi=t["abi"], krel=t["krel"], arch=t["arch"],
                  cross_compile=t["cross_compile"], kdir=t["kdir"],
                  kernel=t.get("kernel", ""), modroot=t.get("modroot", ""),
                  dtb=t.get("dtb", ""), busybox=t.get("busybox", ""),
                  version=t.get("version", ""), env=t, **_PER_TARGET[name])


def target_names(selection=None, among=GUEST_TARGETS):
    """Targets selected by a comma list (option/RTDM_TARGETS), restricted to `among`."""
    sel = selection if selection is not None else os.environ.get("RTDM_TARGETS", "")
    want = [s.strip() for s in sel.split(",") if s.strip()]
    if not want or "all" in want:
        return list(among)
    unknown = [w for w in want if w not in ALL_TARGETS]
    if unknown:
        raise ValueError(f"unknown target(s) {unknown}; known: {ALL_TARGETS}")
    return [t for t in among if t in want]
