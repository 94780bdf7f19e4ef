# SPDX-License-Identifier: GPL-2.0
"""The debug-kernel target (x86-debug) and its detectors.

x86-debug runs Debian's linux-source-6.1, at the version of the x86 guests'
kernel, built with KASAN, lockdep, DEBUG_ATOMIC_SLEEP, DEBUG_OBJECTS and
kmemleak (tests/rig/x86-debug.config). Every test on it fails on a KASAN,
lockdep, sleep-in-atomic or ODEBUG report on the console (tests/rig/guest.py,
splats()), and every test module ends with a kmemleak scan that fails on an
unreferenced object allocated by one of the project's modules
(tests/conftest.py, tests/rig/kmemleak.py). These tests prove that the
detectors see what they are meant to see.
"""

import re

import pytest

from rig import kmemleak, splats

# kmemleak-test (samples/kmemleak/kmemleak-test.c, built as a module of the
# x86-debug kernel) leaks on purpose: at load, 8 kmalloc() orphans
# (2 x 32, 2 x 1024, 2 x 2048, 2 x 4096 bytes) and 5 vmalloc(64); at unload
# it drops, without freeing, the 10 list elements (struct test_node: 2 x 25
# longs + a list_head = 416 bytes) that only its own .bss pointed to.
# Measured: a kmemleak scan of this guest takes 90-100 s (TCG, load ~20).
LOAD_ORPHANS = sorted([32, 32, 1024, 1024, 2048, 2048, 4096, 4096] + [4096] * 5)
# kmemleak gives a slab object's size as its cache's object size (the 416
# bytes of a test_node: kmalloc-512), a vmalloc area's page-rounded
UNLOAD_ORPHAN_SIZE, UNLOAD_ORPHANS = 512, 10


def test_debug_kernel(debug_guest):
    """The guest runs the debug kernel, with every detector on."""
    g = debug_guest
    assert g.run_ok("uname -r").strip() == g.target.krel
    dmesg = g.run_ok("dmesg")
    assert "KernelAddressSanitizer initialized" in dmesg, dmesg[-3000:]
    assert re.search(r"kmemleak: Kernel memory leak detector initialized", dmesg), dmesg[-3000:]
    assert "ODEBUG: selftest" not in dmesg          # (no selftests: boot time)
    stats = g.run_ok("cat /proc/lockdep_stats")
    assert re.search(r"^\s*debug_locks:\s+1$", stats, re.M), stats
    assert g.run_ok("cat /sys/kernel/debug/debug_objects/stats").startswith("max_chain")
    ok, out = kmemleak.available(g)
    assert ok, out
    cfg = g.target.env.get("config")
    if cfg:
        text = open(cfg).read()
        for opt in ("CONFIG_KASAN=y", "CONFIG_PROVE_LOCKING=y", "CONFIG_DEBUG_ATOMIC_SLEEP=y",
                    "CONFIG_DEBUG_OBJECTS=y", "CONFIG_DEBUG_KMEMLEAK=y", "CONFIG_PREEMPT=y"):
            assert opt in text.splitlines(), opt


def test_kmemleak_detector(debug_guest):
    """A deliberate leak is reported and blamed on module code: the
    kernel's kmemleak-test leaks from its init function at load and drops
    a list at unload. The check the end of every test module runs
    (kmemleak.check) fails on it: in this guest the only modules are the
    project's and kmemleak-test, so a frame in module space that no longer
    resolves is counted as the project's (see rig/kmemleak.py)."""
    g = debug_guest
    project = kmemleak.project_modules(g)
    assert {"rtdm", "rtdmtest", "rtipc"} <= project, project
    # nothing of the project's so far, and forget the rest
    kmemleak.check(g, project, "before the detector test")
    kmemleak.clear(g)

    g.run_ok("modprobe kmemleak-test")
    leaks = kmemleak.parse(kmemleak.scan(g))
    # allocated by its init function, whose text is freed after the load:
    # the frame is a module-space address that no longer resolves
    mod = [lk for lk in leaks if "(unloaded module)" in lk.modules()]
    assert sorted(lk.size for lk in mod) == LOAD_ORPHANS, kmemleak.format_leaks(leaks, 40)
    for lk in mod:
        assert any(sym.startswith("do_one_initcall") for sym, _ in lk.frames), lk.text

    g.run_ok("rmmod kmemleak_test")
    leaks = kmemleak.parse(kmemleak.scan(g))
    gone = [lk for lk in leaks if "(unloaded module)" in lk.modules()]
    dropped = [lk for lk in gone if lk.size == UNLOAD_ORPHAN_SIZE]
    assert len(dropped) == UNLOAD_ORPHANS, kmemleak.format_leaks(leaks, 40)
    # (the load-time orphans, reported before the unload, now point into
    # the freed module too)
    assert len(gone) >= UNLOAD_ORPHANS + len(LOAD_ORPHANS)

    with pytest.raises(AssertionError, match=r"unreferenced object\(s\) allocated by the project"):
        kmemleak.check(g, project, "detector self-test")
    # check() cleared what it reported; what kmemleak-test left and was not
    # reported yet (an object is reported once it stayed unchanged over a
    # scan) is cleared too, so that the end-of-module check stays clean
    for _ in range(3):
        if not kmemleak.blamed(kmemleak.parse(kmemleak.scan(g)), project):
            break
        kmemleak.clear(g)
    else:
        pytest.fail("kmemleak-test's leaks still reported after three clears")


SPLATS = {
    "kasan": "[   12.345678] BUG: KASAN: slab-out-of-bounds in rtdm_fd_get+0x5a/0x90 [rtdm]",
    "kasan-uaf": "[   12.345678] BUG: KASAN: use-after-free in rttst_ioctl+0x1/0x2 [rtdmtest]",
    "lockdep-circular": "[   12.3] WARNING: possible circular locking dependency detected",
    "lockdep-inconsistent": "[   12.3] WARNING: inconsistent lock state",
    "lockdep-recursive": "[   12.3] WARNING: possible recursive locking detected",
    "lockdep-irq-unsafe": "[   12.3] WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected",
    "lockdep-key": "[   12.3] INFO: trying to register non-static key.",
    "lockdep-limit": "[   12.3] BUG: MAX_LOCKDEP_CHAINS too low!",
    "rcu": "[   12.3] WARNING: suspicious RCU usage",
    "atomic-sleep": "[   12.3] BUG: sleeping function called from invalid context at "
                    "kernel/locking/mutex.c:580",
    "atomic-schedule": "[   12.3] BUG: scheduling while atomic: rtdm-core-test/123/0x00000002",
    "odebug": "[   12.3] ODEBUG: free active (active state 0) object: 000000001f2e3d4c "
              "object type: hrtimer hint: rtdm_timer_handler+0x0/0x50 [rtdm]",
    "odebug-off": "[   12.3] ODEBUG: Out of memory. ODEBUG disabled",
    "list": "[   12.3] list_add corruption. next->prev should be prev (ffff888004a1b010), "
            "but was 0000000000000000.",
    "kmemleak-off": "[   12.3] kmemleak: Cannot allocate a kmemleak_object structure",
    "kmemleak-disabled": "[   12.3] kmemleak: Kernel memory leak detector disabled",
    "kmemleak-pool": "[   12.3] kmemleak: Memory pool empty, consider increasing "
                     "CONFIG_DEBUG_KMEMLEAK_MEM_POOL_SIZE",
    "bug-at": "[   12.3] kernel BUG at mm/slub.c:381!",
}
NOT_SPLATS = {
    # kmemleak's findings are judged by tests/rig/kmemleak.py, not here
    "kmemleak-scan": "[   12.3] kmemleak: 7 new suspected memory leaks "
                     "(see /sys/kernel/debug/kmemleak)",
    "kmemleak-init": "[    0.1] kmemleak: Kernel memory leak detector initialized "
                     "(mem pool available: 63875)",
    "kmemleak-test": "[   12.3] kmemleak: kmalloc(32) = (____ptrval____)",
    "kmemleak-test-start": "[   12.3] kmemleak: Kmemleak testing",
    "not-kernel": "BUG: KASAN: printed by a program, no timestamp",
}


@pytest.mark.parametrize("kind", list(SPLATS))
def test_splat_patterns(kind):
    """The console lines the debug kernel's detectors print fail a test."""
    assert splats(SPLATS[kind] + "\n"), SPLATS[kind]


@pytest.mark.parametrize("kind", list(NOT_SPLATS))
def test_not_splats(kind):
    assert not splats(NOT_SPLATS[kind] + "\n"), NOT_SPLATS[kind]


def test_project_splats():
    """The end-of-module check of the debug kernels (conftest.py) fails on a
    report naming a project module, or a frame of a module unloaded since,
    not on one that involves neither."""
    from rig.guest import project_splats
    console = "\n".join([
        "[   10.1] BUG: KASAN: use-after-free in rtdm_fd_put+0x11/0x80 [rtdm]",
        "[   10.1]  kasan_report+0xb8/0xf0",
        "[   10.1]  __x64_sys_close+0x1/0x2",
        "[   11.2] WARNING: possible circular locking dependency detected",
        "[   11.2]  lock_acquire+0xc4/0x2c0",
        "[   11.2]  0xffffffffa0012345",
        "[   11.2]  __x64_sys_ioctl+0x1/0x2",
        "[   12.3] WARNING: CPU: 1 PID: 1 at mm/slub.c:123 kfree+0x1/0x2",
        "[   12.3]  do_one_initcall+0x1/0x2",
    ])
    found = project_splats(console, {"rtdm", "rtipc"}, context=3)
    assert [f.splitlines()[0] for f in found] == [
        "[   10.1] BUG: KASAN: use-after-free in rtdm_fd_put+0x11/0x80 [rtdm]",
        "[   11.2] WARNING: possible circular locking dependency detected"], found
    assert not project_splats(console.splitlines()[-2] + "\n", {"rtdm"})


def test_kmemleak_report_parsing():
    """Frames as the kernel prints them ("(____ptrval____)" hashes, module
    names, raw addresses of freed module text) are attributed."""
    report = "\n".join([
        "unreferenced object 0xffff888000ae2a80 (size 32):",
        '  comm "insmod", pid 110, jiffies 4294927775',
        "  backtrace:",
        "    [<(____ptrval____)>] kmalloc_trace+0x21/0xc0",
        "    [<(____ptrval____)>] 0xffffffffa0005053",
        "    [<00000000c2a8e0f1>] rtdm_dev_register+0x4d/0x3a0 [rtdm]",
        "    [<00000000c2a8e0f2>] do_one_initcall+0xc0/0x340",
        "unreferenced object 0xffff888000ae2b00 (size 64):",
        "  backtrace:",
        "    [<(____ptrval____)>] kmalloc_trace+0x21/0xc0",
        "    [<(____ptrval____)>] acpi_ut_allocate+0x1/0x2",
    ])
    leaks = kmemleak.parse(report)
    assert [(lk.size, lk.modules()) for lk in leaks] == [
        (32, ["(unloaded module)", "rtdm"]), (64, [])]
    assert kmemleak.blamed(leaks, {"rtipc"}) == leaks[:1]
    assert kmemleak.blamed(leaks, {"rtipc"}, unloaded=False) == []
