# SPDX-License-Identifier: GPL-2.0
"""Module life cycle of the RTDM core and the test driver: open fds pin the
driver module, and repeated load/unload cycles do not leak."""

import json
import re

MODS = "/rtdm/modules"


def loaded(guest):
    out = guest.run_ok("cat /proc/modules")
    return {l.split()[0] for l in out.splitlines() if l.strip()}


def load_modules(guest):
    guest.run_ok(f"grep -q '^rtdm ' /proc/modules || insmod {MODS}/rtdm.ko; "
                 f"grep -q '^rtdmtest ' /proc/modules || insmod {MODS}/rtdmtest.ko")


def unload_modules(guest):
    guest.run_ok("! grep -q '^rtdmtest ' /proc/modules || rmmod rtdmtest; "
                 "! grep -q '^rtdm ' /proc/modules || rmmod rtdm")


def meminfo(guest):
    out = guest.run_ok("cat /proc/meminfo")
    return {m.group(1): int(m.group(2)) for m in
            re.finditer(r"^(\w+):\s+(\d+) kB", out, re.M)}


def test_devices_registered(guest):
    load_modules(guest)
    out = guest.run_ok("ls /dev/rtdm")
    for name in ("rtdmtest0", "rtdmtest1", "rtdmexcl0"):
        assert name in out.split(), out
    assert "rtdmtest2" not in out.split()


def test_rmmod_refused_while_fd_open(guest):
    load_modules(guest)
    ready = "/tmp/hold-ready"
    out = guest.run_ok(
        f"rm -f {ready}; rtdm-core-test hold 3000 ready {ready} > /tmp/hold.json & pid=$!; "
        f"i=0; while [ ! -e {ready} ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; "
        "rmmod rtdmtest; echo rmmod_open=$?; rmmod rtdm; echo rmmod_core=$?; "
        "wait $pid; echo hold=$?; rmmod rtdmtest; echo rmmod_closed=$?; "
        "cat /tmp/hold.json", timeout=60)
    vals = dict(re.findall(r"^(\w+)=(\d+)$", out, re.M))
    # Refused while the fd is open (the core holds a module reference per
    # open fd), and the core is held by the driver.
    assert vals["rmmod_open"] != "0", out
    assert vals["rmmod_core"] != "0", out
    assert "in use" in out or "Resource temporarily unavailable" in out, out
    held = json.loads([l for l in out.splitlines() if l.startswith("{")][-1])
    assert held["fd"] >= 0
    # Allowed once closed.
    assert vals["rmmod_closed"] == "0", out
    assert "rtdmtest" not in loaded(guest)
    load_modules(guest)


def test_load_unload_cycles_do_not_leak(guest):
    unload_modules(guest)
    # A first cycle warms up caches (sysfs, kobjects, module loader).
    load_modules(guest)
    guest.run_ok("rtdm-core-test which >/dev/null")
    unload_modules(guest)
    guest.run_ok("sync; echo 3 > /proc/sys/vm/drop_caches")
    before = meminfo(guest)
    cycles = 50
    out = guest.run_ok(
        f"n=0; while [ $n -lt {cycles} ]; do "
        f"insmod {MODS}/rtdm.ko && insmod {MODS}/rtdmtest.ko && "
        "rtdm-core-test which >/dev/null && "
        "rmmod rtdmtest && rmmod rtdm || { echo FAIL at $n; break; }; "
        "n=$((n+1)); done; echo cycles=$n", timeout=600)
    assert f"cycles={cycles}" in out, out
    guest.run_ok("sync; echo 3 > /proc/sys/vm/drop_caches")
    after = meminfo(guest)
    slab = (after["Slab"] - before["Slab"]) * 1024
    avail = (before["MemAvailable"] - after["MemAvailable"]) * 1024
    assert slab < 2 << 20, (before["Slab"], after["Slab"])
    assert avail < 8 << 20, (before["MemAvailable"], after["MemAvailable"])
    load_modules(guest)
