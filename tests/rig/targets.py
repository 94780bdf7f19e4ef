# SPDX-License-Identifier: GPL-2.0
"""Test targets, as described by the cache that tests/rig/setup.sh fills.

Environment:
  RTDM_CACHE  cache dir written by setup.sh (default /var/cache/rtdm-rig)
  RTDM_SRC    source tree to build (default: this repository)
"""

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(os.environ.get("RTDM_SRC") or Path(__file__).resolve().parents[2]).resolve()
BUILD = REPO / "build"
CACHE = Path(os.environ.get("RTDM_CACHE", "/var/cache/rtdm-rig"))

GUEST_TARGETS = ("x86", "x86-rt", "armhf", "armhf-rt")   # bootable
ALL_TARGETS = GUEST_TARGETS + ("arm64",)      # arm64: cross-build only


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
    name: str             # x86 | x86-rt | armhf | armhf-rt | arm64
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
        return BUILD / f"user-{self.user_arch}"

    def qemu_cmd(self, initrd, console_log, agent_sock, flash=None, wire_port=None):
        """QEMU command line. The console goes to a file (readable while the
        guest runs); the agent UART is a unix-socket chardev QEMU waits on."""
        agent = ["-chardev", f"socket,id=agent,path={agent_sock},server=on,wait=on"]
        if self.arch == "x86":
            return ["qemu-system-x86_64", "-accel", "tcg", "-m", "512", "-smp", "2",
                    "-nographic", "-monitor", "none", "-no-reboot", "-nic", "none",
                    "-bios", "/usr/share/qemu/qboot.rom",
                    "-kernel", self.kernel, "-initrd", str(initrd),
                    "-append", "console=ttyS0 panic=-1 loglevel=4 rdinit=/init noirqdebug",
                    *agent,
                    "-serial", f"file:{console_log}",      # ttyS0: console
                    "-serial", "chardev:agent"]             # ttyS1: agent
        if self.arch == "arm":
            # UART1 (ttymxc0) <-> UART3 (ttymxc2): TCP chardev pair on loopback
            wire = [
                "-chardev", f"socket,id=uart1,host=127.0.0.1,port={wire_port},server=on,wait=off",
                "-chardev", f"socket,id=uart3,host=127.0.0.1,port={wire_port}",
            ]
            return ["qemu-system-arm", "-M", "sabrelite", "-m", "1G",
                    "-nographic", "-monitor", "none", "-no-reboot",
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
    "armhf": dict(console_dev="ttymxc1", agent_dev="ttymxc3",
                  stock_modules=("gpio-mxc", "spi-imx", "spi-nor", "mtdblock",
                                 "mtd_blkdevs", "imx2_wdt"),
                  preload=("gpio-mxc", "spi-imx", "imx2_wdt")),
    "arm64": dict(),
}
_PER_TARGET["armhf-rt"] = _PER_TARGET["armhf"]    # same board


def get_target(name):
    env = load_env()
    try:
        t = env["targets"][name]
    except KeyError:
        raise RigSetupError(f"target {name!r} not in {CACHE}/env.json; re-run tests/rig/setup.sh") from None
    return Target(name=name, abi=t["abi"], krel=t["krel"], arch=t["arch"],
                  cross_compile=t["cross_compile"], kdir=t["kdir"],
                  kernel=t.get("kernel", ""), modroot=t.get("modroot", ""),
                  dtb=t.get("dtb", ""), busybox=t.get("busybox", ""),
                  env=t, **_PER_TARGET[name])


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
