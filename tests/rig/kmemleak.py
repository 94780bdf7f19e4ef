# SPDX-License-Identifier: GPL-2.0
"""kmemleak on the debug guests (x86-debug, and an evl target whose kernel
has it): scans, reports, and which unreferenced objects the project's
modules are to blame for.

A kmemleak report (/sys/kernel/debug/kmemleak) lists unreferenced objects:

    unreferenced object 0xffff888005c3e100 (size 32):
      comm "insmod", pid 187, jiffies 4294712345 (age 21.340s)
      hex dump (first 32 bytes):
        ...
      backtrace:
        [<000000009a5c3e2f>] kmalloc_trace+0x26/0x90
        [<00000000c2a8e0f1>] rtdm_dev_register+0x4d/0x3a0 [rtdm]
        [<0000000012345678>] 0xffffffffa0012345
        ...

A frame of a loaded module names it in brackets. A frame of a module that
was unloaded since, or of a module's init function (its __init text is
freed once the module is loaded), no longer resolves and prints as its raw
address in the architecture's module space (MODULE_SPACE). The debug
kernels have everything built in: the only loadable modules their guests
ever see are the project's own (and, on x86-debug, kmemleak-test, in the
detector's self-test), so an unresolved frame in module space is a
project module that has been unloaded (the load/unload cycles of
test_core_lifecycle).
"""

import re
import time
from dataclasses import dataclass, field

KMEMLEAK = "/sys/kernel/debug/kmemleak"
# Where modules are mapped, per kbuild ARCH: an unresolved frame there is
# a module unloaded since. x86_64 (arch/x86/include/asm/pgtable_64_types.h:
# MODULES_VADDR = __START_KERNEL_map + KERNEL_IMAGE_SIZE; the kernel image
# is at most 1 GiB, so modules never start below 0xffffffffa0000000);
# arm64 (arch/arm64/include/asm/memory.h: the 2 GiB below the kernel image,
# from _PAGE_END(VA_BITS_MIN), VA_BITS_MIN 48: arm64-evl's kernel)
MODULE_SPACE = {"x86": (0xffffffffa0000000, 0xffffffffff000000),
                "arm64": (0xffff800000000000, 0xffff800080000000)}
# kmemleak only reports objects older than 5 s (MSECS_MIN_AGE), and an
# object whose contents changed since the previous scan (its checksum) is
# not reported in this scan: scan, wait past the minimum age, scan again.
MIN_AGE_S = 5.0

_OBJ = re.compile(r"^unreferenced object (0x[0-9a-f]+) \(size (\d+)\):$")
# the backtrace's header: "backtrace:" (6.1), "backtrace (crc 954e88d1):"
# (6.12: the x86-evl and arm64-evl kernels)
_BT = re.compile(r"^\s*backtrace(?: \(crc [0-9a-f]+\))?:$")
# a frame: "[<hash>] sym+off/len [module]" (6.1; the hash is
# "(____ptrval____)" until the crng is ready, and stays so in the kernel's
# own printing), or "sym+off/len [module]" alone (6.12); an address that
# no longer resolves prints as 0x...
_FRAME = re.compile(r"^\s+(?:\[<[^>]*>\]\s+)?(\S+)(?:\s+\[(\w+)\])?\s*$")


@dataclass
class Leak:
    address: str
    size: int
    text: str                                     # the whole report block
    frames: list = field(default_factory=list)    # (symbol, module or None)
    arch: str = "x86"                              # kbuild ARCH of the kernel

    def modules(self):
        """Module names in the backtrace; "(unloaded module)" for frames in
        module space that no longer resolve."""
        mods = []
        start, end = MODULE_SPACE[self.arch]
        for sym, mod in self.frames:
            if mod:
                name = mod
            elif sym.startswith("0x") and start <= int(sym, 16) < end:
                name = "(unloaded module)"
            else:
                continue
            if name not in mods:
                mods.append(name)
        return mods


def parse(report, arch="x86"):
    """The Leak objects of a kmemleak report of an `arch` kernel."""
    leaks, cur, in_bt = [], None, False
    for line in report.splitlines():
        m = _OBJ.match(line)
        if m:
            cur = Leak(m.group(1), int(m.group(2)), line, arch=arch)
            leaks.append(cur)
            in_bt = False
            continue
        if cur is None:
            continue
        cur.text += "\n" + line
        if _BT.match(line):
            in_bt = True
        elif in_bt:
            f = _FRAME.match(line)
            if f:
                cur.frames.append((f.group(1), f.group(2)))
    return leaks


def module_names(kos):
    """Kernel module names of .ko paths (foo-bar.ko -> foo_bar)."""
    return {re.sub(r"\.ko$", "", str(k).rsplit("/", 1)[-1]).replace("-", "_") for k in kos}


def project_modules(guest):
    """Names of the kernel modules built from this repository for the
    guest's target (rtdm, rtdmtest, rtipc, rtser_imx, ... as they come)."""
    return module_names(guest.build.modules if guest.build else [])


def blamed(leaks, modules, unloaded=True):
    """The leaks whose backtrace names one of `modules` (or, with
    `unloaded`, a module that was unloaded since)."""
    want = set(modules) | ({"(unloaded module)"} if unloaded else set())
    return [lk for lk in leaks if want & set(lk.modules())]


def available(guest):
    rc, out = guest.run(f"cat {KMEMLEAK} >/dev/null", timeout=60)
    return rc == 0, out


def scan(guest, wait=MIN_AGE_S + 1):
    """Two scans, `wait` seconds apart; returns the report (all objects
    reported since the last clear)."""
    t0 = time.monotonic()
    guest.run_ok(f"echo scan > {KMEMLEAK}", timeout=300)
    time.sleep(max(0.0, wait - (time.monotonic() - t0)))
    guest.run_ok(f"echo scan > {KMEMLEAK}", timeout=300)
    return guest.run_ok(f"cat {KMEMLEAK}", timeout=120)


def clear(guest):
    """Forget the objects reported so far (they are never reported again)."""
    guest.run_ok(f"echo clear > {KMEMLEAK}", timeout=60)


def baseline(guest):
    """Right after boot: what the core kernel leaked while booting is not
    the project's; report it once and clear it. Returns the boot report."""
    ok, out = available(guest)
    if not ok:
        raise AssertionError(f"{guest.name}: kmemleak is not available: {out}")
    # One scan, not two (a scan of the 1 GiB guest takes ~40 s under TCG):
    # what it misses is reported later, and only objects the project's
    # modules allocated fail a check anyway.
    guest.run_ok(f"echo scan > {KMEMLEAK}", timeout=300)
    report = guest.run_ok(f"cat {KMEMLEAK}", timeout=120)
    clear(guest)
    return report


def format_leaks(leaks, limit=10):
    text = "\n".join(lk.text for lk in leaks[:limit])
    more = f"\n... and {len(leaks) - limit} more" if len(leaks) > limit else ""
    return text + more


def check(guest, modules, what):
    """Scan and fail (AssertionError) if any unreferenced object's backtrace
    names one of `modules` or an unloaded module (such objects are then
    cleared, so that a later check does not report them again). Returns
    the number of unreferenced objects reported since the last clear (all
    kinds: the core kernel's are not the project's business)."""
    __tracebackhide__ = True
    report = scan(guest)
    leaks = parse(report, guest.target.arch)
    bad = blamed(leaks, modules)
    if bad:
        # reported once, here: later checks of this boot do not repeat them
        clear(guest)
        raise AssertionError(
            f"kmemleak on {guest.name} ({what}): {len(bad)} unreferenced object(s) allocated "
            f"by the project's modules ({', '.join(sorted(modules))}):\n{format_leaks(bad)}")
    return len(leaks)
