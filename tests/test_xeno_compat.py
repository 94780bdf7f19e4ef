# SPDX-License-Identifier: GPL-2.0
"""Xenomai 3 programs rebuild unchanged (issue 11).

What a Xenomai 3 application relies on, checked with the project's own
programs (nothing of Xenomai's is vendored):

- rtdm-config answers the xeno-config options users type (host);
- the user-side headers <rtdm/ipc.h> & co compile with only rtdm-config's
  flags and bring what Xenomai's do: <stdint.h>, ioctl(), asprintf() (host);
- tests/guest/xeno/xeno-compat.c, built by userspace/Makefile with nothing
  but `rtdm-config --skin=posix --cflags/--ldflags` (and -Wall -Werror),
  runs in the guests: pthread_cancel() ends a thread blocked in each
  blocking RTDM call, a Xenomai-demo-shaped program exits cleanly on
  SIGINT, and labels are found under /proc/xenomai/registry/rtipc/;
- tests/guest/xeno/xeno-testing.c, built the same way, drives
  /dev/rtdm/timerbench (timerbench.ko, Xenomai 3's testing-profile ABI)
  through the requests Xenomai's `latency -t1/-t2` makes, in task and
  handler modes, and every bad input.
"""

import errno
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CONFIG = REPO / "userspace" / "rtdm-config"


def rtdm_config(*args):
    p = subprocess.run(["sh", str(CONFIG), *args], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


# ---------------------------------------------------------------- host

def test_rtdm_config_options():
    rc, cflags, _ = rtdm_config("--skin=posix", "--cflags")
    assert rc == 0
    flags = cflags.split()
    for f in ("-D_GNU_SOURCE", "-D_REENTRANT", "-fasynchronous-unwind-tables",
              f"-I{REPO}/include", f"-I{REPO}/userspace/include"):
        assert f in flags, cflags
    # --posix and --rtdm are --skin=posix, as with xeno-config
    for skin in ("--posix", "--rtdm", "--skin=rtdm"):
        assert rtdm_config(skin, "--cflags")[1] == cflags

    rc, ld, _ = rtdm_config("--skin=posix", "--ldflags")
    assert rc == 0
    for call in ("socket", "bind", "sendto", "recvfrom", "sendmsg", "recvmsg",
                 "read", "write", "ioctl", "close", "open"):
        assert f"-Wl,--wrap={call}" in ld.split(), ld
    assert "-lrtdm_posix" in ld.split(), ld
    assert rtdm_config("--posix", "--ldflags")[1] == ld
    # without a skin: posix
    assert rtdm_config("--ldflags")[1] == ld
    # cobalt: no wrappers, librtdm alone
    rc, ld, _ = rtdm_config("--cobalt", "--ldflags")
    assert rc == 0 and "--wrap" not in ld and "-lrtdm" in ld.split(), ld

    rc, out, _ = rtdm_config("--version")
    assert rc == 0 and re.fullmatch(r"\d+\.\d+(\.\d+)?\n", out), out
    rc, out, _ = rtdm_config("--prefix")
    assert rc == 0 and out == f"{REPO}/build/user-native\n", out
    rc, out, _ = rtdm_config("--prefix", "--libdir=/opt/x/lib")
    assert out == "/opt/x\n", out
    # value options on lines of their own, flags after them
    rc, out, _ = rtdm_config("--version", "--skin=posix", "--cflags")
    assert out.splitlines()[1] == cflags.strip(), out

    rc, _, err = rtdm_config("--skin=alchemy", "--cflags")
    assert rc == 1 and "alchemy" in err
    rc, _, err = rtdm_config("--bogus")
    assert rc == 1 and "unknown option" in err
    assert rtdm_config()[0] == 1
    rc, out, _ = rtdm_config("--help")
    for opt in ("--skin=posix", "--posix", "--rtdm", "--cflags", "--ldflags",
                "--version", "--prefix"):
        assert opt in out, out


def test_rtdm_config_built_copy():
    """The copy make installs knows the tree and its library directory."""
    out = REPO / "build" / "user-native"
    if not (out / "rtdm-config").exists():
        subprocess.run(["make", "-C", str(REPO), "userspace"], check=True,
                       stdout=subprocess.DEVNULL, timeout=900)
    p = subprocess.run([str(out / "rtdm-config"), "--ldflags", "--prefix"],
                       stdout=subprocess.PIPE, text=True, check=True)
    ld, prefix = p.stdout.splitlines()
    assert f"-L{out}/lib" in ld.split() and prefix == str(out), p.stdout
    assert (out / "lib" / "librtdm_posix.a").exists()


HEADERS = ["ipc", "serial", "testing", "gpio", "spi", "udd"]

# What Xenomai 3 programs use without including anything for it.
PROBE = r"""
#include <stdio.h>
#include <stdlib.h>
#include <rtdm/%s.h>
#include <boilerplate/ancillaries.h>

int main(void)
{
	static const int a[] = { 1, 2, 3 };
	uint32_t v = ARRAY_SIZE(a);
	char *s;

	if (asprintf(&s, "%%u", v) < 0)
		return 1;
	free(s);
	return __STD(ioctl(0, 0, &v)) + (int)sizeof(struct rtdm_device_info);
}
"""


@pytest.mark.parametrize("family", HEADERS)
def test_user_header(family):
    """<rtdm/<family>.h> compiles with rtdm-config's flags alone, strictly,
    and brings <rtdm/rtdm.h>, <stdint.h>, ioctl() and the family's ABI."""
    hdr = REPO / "userspace" / "include" / "rtdm" / f"{family}.h"
    assert hdr.exists()
    uapi = REPO / "include" / "rtdm" / "uapi" / f"{family}.h"
    text = hdr.read_text()
    assert "#include <rtdm/rtdm.h>" in text
    assert f"#include <rtdm/uapi/{family}.h>" in text
    if not uapi.exists():
        pytest.skip(f"include/rtdm/uapi/{family}.h is not in this tree yet")
    cflags = rtdm_config("--skin=posix", "--cflags")[1].split()
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "probe.c"
        src.write_text(PROBE % family)
        p = subprocess.run(["gcc", "-Wall", "-Werror",
                            "-Werror=implicit-function-declaration",
                            *cflags, "-c", "-o", os.devnull, str(src)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=60)
    assert p.returncode == 0, p.stdout


# Xenomai's testsuite/gpiobench takes va_start() from <boilerplate/trace.h>
# (Cobalt's brings <stdarg.h>) and may log into the trace.
TRACE_PROBE = r"""
#include <stdio.h>
#include <boilerplate/trace.h>

static int mark(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = xnftrace_vprintf(fmt, ap);
	va_end(ap);
	return ret;
}

int main(void)
{
	printf("%d %d %d %d\n", mark("x %d", 1), xnftrace_printf("y %s", "z"),
	       xntrace_user_freeze(0, 1), xntrace_max_reset());
	return 0;
}
"""


def test_trace_header():
    """<boilerplate/trace.h> brings <stdarg.h> and the xnftrace_*printf()
    calls, as Cobalt's does; with no kernel tracer every call reports
    ENOSYS."""
    cflags = rtdm_config("--skin=posix", "--cflags")[1].split()
    with tempfile.TemporaryDirectory() as d:
        src, exe = Path(d) / "trace.c", Path(d) / "trace"
        src.write_text(TRACE_PROBE)
        p = subprocess.run(["gcc", "-Wall", "-Werror", "-Wformat=2",
                            "-Werror=implicit-function-declaration",
                            *cflags, "-o", str(exe), str(src)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=60)
        assert p.returncode == 0, p.stdout
        out = subprocess.run([str(exe)], capture_output=True, text=True,
                             timeout=30, check=True).stdout.split()
    assert out == [str(-errno.ENOSYS)] * 4, out


def test_without_gnu_source_asprintf_is_undeclared():
    """The probe above is not vacuous: without rtdm-config's -D_GNU_SOURCE
    the same program does not compile."""
    cflags = [f for f in rtdm_config("--cflags")[1].split() if f != "-D_GNU_SOURCE"]
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "probe.c"
        src.write_text(PROBE % "ipc")
        p = subprocess.run(["gcc", "-std=c11", "-Werror=implicit-function-declaration",
                            *cflags, "-c", "-o", os.devnull, str(src)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=60)
    assert p.returncode != 0 and "asprintf" in p.stdout, p.stdout


# ---------------------------------------------------------------- guests

@pytest.fixture(scope="module")
def xeno(guest):
    """The guest with rtdm.ko, rtipc.ko and rtdmtest.ko loaded."""
    for m in ("rtdm", "rtipc", "rtdmtest"):
        if not guest.build.has_module(f"{m}.ko"):
            pytest.fail(f"{m}.ko was not built", pytrace=False)
        guest.run_ok(f"grep -q '^{m} ' /proc/modules || insmod /rtdm/modules/{m}.ko")
    return guest


BLOCKING = ["read", "write", "recvmsg", "sendmsg", "recvfrom", "sendto",
            "connect", "ioctl"]


def check_cancel(g):
    r = g.run_json("xeno-compat cancel", timeout=120)
    assert sorted(r) == sorted(BLOCKING), r
    for call in BLOCKING:
        c = r[call]
        # it was asleep in the kernel when cancelled, not on its way there
        if g.target.backend != "evl":
            assert c["state"] in "SD", (call, c)
        # a SCHED_FIFO caller: served by the rt handlers (on evl: attached
        # to EVL, its calls out-of-band)
        assert c["handler"] == "rt" and c["in_rt"] == 1, (call, c)
        assert c["outcome"] == "cancelled", (call, c)
        assert c["cleanup"] == 1, (call, c)
        assert c["ms"] < 2000, (call, c)


def test_cancel_blocked_calls(xeno):
    """A SCHED_FIFO thread blocked in each blocking RTDM call acts on
    pthread_cancel() at once: it unwinds (its cleanup handler runs) and
    pthread_join() returns PTHREAD_CANCELED."""
    check_cancel(xeno)


def check_sigint(xeno, runs):
    script = ("xeno-compat sigint > /tmp/sigint.json & p=$!; sleep 1; kill -INT $p; "
              "i=0; while kill -0 $p 2>/dev/null && [ $i -lt 50 ]; do "
              "sleep 0.1; i=$((i+1)); done; "
              "if kill -0 $p 2>/dev/null; then echo HUNG; kill -9 $p; fi; "
              "wait $p; echo rc=$?; cat /tmp/sigint.json")
    for n in range(runs):
        rc, out = xeno.run(script, timeout=60)
        assert "HUNG" not in out and "rc=0" in out, (n, out)
        r = json.loads(out[out.index("{"):])
        assert r["signal"] == 2 and r["sent"] >= 1 and r["received"] >= 1, (n, r)
        assert r["exit_ms"] < 1000, (n, r)


def test_sigint_clean_exit(xeno):
    """Xenomai's demos end on ^C: main() sigwait()s, cancels its threads
    blocked in recvfrom()/sleeping between sendto()s, and joins them."""
    check_sigint(xeno, 8)


def test_xenomai_registry_paths(xeno):
    """Labels are where Xenomai 3 programs look for them:
    /proc/xenomai/registry/rtipc/{xddp,iddp,bufp}/<label>."""
    assert xeno.run_ok("ls /proc/xenomai/registry/rtipc").split() == \
        ["bufp", "iddp", "xddp"]
    r = xeno.run_json("xeno-compat labels")
    x = r["xddp"]
    # XDDP: the path opens /dev/rtpN; the two sides talk through it
    assert x["open"] == "OK" and x["rt_got"] == "ping" and x["linux_got"] == "pong", r
    for proto in ("iddp", "bufp"):
        p = r[proto]
        assert 0 <= p["port"] < 32 and p["registry_port"] == p["port"], r
        assert p["received"] == "hello", r
    # gone with the sockets
    assert xeno.run_ok("ls /proc/xenomai/registry/rtipc/xddp "
                       "/proc/xenomai/registry/rtipc/iddp "
                       "/proc/xenomai/registry/rtipc/bufp | grep -c xeno- || true"
                       ).strip() == "0"


def test_xenomai_registry_goes_with_module(xeno):
    xeno.run_ok("rmmod rtipc")
    assert xeno.run("test -e /proc/xenomai")[0] != 0
    xeno.run_ok("insmod /rtdm/modules/rtipc.ko")
    xeno.run_ok("test -L /proc/xenomai/registry/rtipc && "
                "test -d /proc/xenomai/registry/rtipc/xddp")


# ---------------------------------------------------------------- rtdm0/1/x

MAGIC_PRIMARY = 0xfefbfefb      # RTTST_RTDM_MAGIC_PRIMARY
MAGIC_SECONDARY = 0xa5b9a5b9    # RTTST_RTDM_MAGIC_SECONDARY
RT, NRT = 1, 2                  # RTTST_HANDLER_RT, RTTST_HANDLER_NRT
SCHED_WEAK = 43


def check_stage(st, rt_first, ncpu):
    """One thread's calls: the rt handlers first for SCHED_FIFO and
    SCHED_WEAK callers, the nrt handlers first for SCHED_OTHER ones."""
    if rt_first:
        assert st["primary"] == {"err": 0, "magic": MAGIC_PRIMARY}, st
        assert st["which"]["handler"] == RT and st["read"]["handler"] == RT, st
    else:
        # the nrt handler does not serve it: ENOTTY, as for a plain thread
        # under Xenomai
        assert st["primary"] == {"err": errno.ENOTTY, "magic": 0}, st
        assert st["which"]["handler"] == NRT and st["read"]["handler"] == NRT, st
    assert st["secondary"] == {"err": 0, "magic": MAGIC_SECONDARY}, st
    assert st["which"]["err"] == 0 and st["fallback"] == {"err": 0, "handler": NRT}, st
    assert st["read"]["err"] == 0 and st["read"]["len"] == 16, st
    assert st["write"] == {"err": 0, "handler": NRT, "data": "weak"}, st
    assert st["actor"]["err"] == 0 and 0 <= st["actor"]["cpu"] < ncpu, st


def test_xenomai_rtdm_devices(xeno):
    """Xenomai 3's RTDM core test devices (rtdm0, rtdm1, rtdmx of
    rtdmtest.ko, alias xeno_rtdmtest) and SCHED_WEAK, driven the way
    Xenomai's smokey rtdm test drives them: exclusive opens, descriptor
    numbers, which handler serves each ping from a SCHED_OTHER, SCHED_FIFO
    and SCHED_WEAK thread, deferred and normal close, the actor, bad
    input."""
    E = errno
    r = xeno.run_json("xeno-rtdmtest check", timeout=120)
    assert r["open"] >= 0 and r["exclusive"] == E.EBUSY, r
    assert r["successive"] == 1, r   # rtdm1 gets the next descriptor
    ncpu = r["actor"]["ncpu"]
    # a thread attribute cannot carry SCHED_WEAK (the C library's check)
    assert r["attr_weak"] == E.EINVAL, r
    assert r["set_fifo"] == 0 and r["set_weak"] == 0 and r["set_other"] == 0, r
    # Back to SCHED_OTHER: on evl the thread stays attached to EVL (its
    # weak class, as a Cobalt thread switched to SCHED_OTHER stays a
    # Cobalt thread), so the rt handlers serve it first; on the inband
    # backend it is a plain Linux thread again.
    evl = xeno.target.backend == "evl"
    for name, rt_first, policy, prio, linux_policy in (
            ("other", False, 0, 0, 0), ("fifo", True, 1, 1, 1),
            ("weak", True, SCHED_WEAK, 0, 0), ("other_again", evl, 0, 0, 0)):
        st = r[name]
        check_stage(st, rt_first, ncpu)
        assert (st["policy"], st["prio"], st["sched_getscheduler"]) == \
            (policy, prio, policy), (name, st)
        # what the kernel sees: SCHED_WEAK is SCHED_OTHER in Linux
        assert st["which"]["policy"] == linux_policy, (name, st)
    # the weak class has priorities 0..99, for the calling thread only
    assert r["set_weak5"] == 0, r
    assert (r["policy"], r["prio"], r["sched_getscheduler"]) == (SCHED_WEAK, 5, SCHED_WEAK), r
    assert r["weak_prio_100"] == E.EINVAL and r["weak_other_thread"] == E.ENOTSUP, r
    assert r["sched_setscheduler_weak"] == 0, r
    b = r["bad"]
    assert b["primary_null"] == E.EFAULT and b["secondary_null"] == E.EFAULT, b
    assert b["primary_unmapped"] == E.EFAULT and b["defer_7"] == E.EINVAL, b
    assert b["unknown"] == E.ENOTTY, b
    assert b["rt_call_null"] == E.EFAULT and b["rt_call_unmapped"] == E.EFAULT, b
    assert b["rt_call_op"] == E.EINVAL and b["rt_call_nested"] == E.EINVAL, b
    assert b["rt_call_len"] == E.EINVAL, b
    # a SCHED_WEAK thread blocked in read() (its rt handler) is cancelled
    c = r["cancel_weak"]
    assert c["cancelled"] == 1 and c["cleanup"] == 1 and c["ms"] < 2000, c
    assert c["read_handler"] == RT, c
    d = r["defer"]
    assert d["ioctl"] == 0 and d["again"] == E.EBUSY and d["close"] == 0, d
    # still busy after the close; its descriptor number is free at once
    assert d["reopen"] == E.EBUSY and d["successive"] == 0, d
    # busy until the reference is dropped, 300 ms after the request
    assert d["busy_ms"] >= 200 and d["fd"] == 0, d
    assert r["normal"] == {"ioctl": 0, "close": 0, "reopen": 0}, r
    a = r["actor"]
    assert a["open"] == 1 and a["exclusive"] == E.EBUSY and a["null"] == E.EFAULT, a
    fds = xeno.run_ok("cat /proc/rtdm/fds")
    assert "rtdm0" not in fds.split() and "rtdmx" not in fds.split(), fds


def test_xenomai_rtdm_deferred_close_holds_module(xeno):
    """rmmod is refused while a deferred close holds an fd of rtdm0 (the
    "disconnect on module unload" step of Xenomai's test), and works once
    the reference is dropped."""
    script = ("xeno-rtdmtest defer && { rmmod rtdmtest; echo first=$?; }; i=0; "
              "until rmmod rtdmtest 2>/dev/null; do i=$((i+1)); "
              "[ $i -gt 100 ] && break; sleep 0.05; done; echo tries=$i; "
              "grep -c '^rtdmtest ' /proc/modules; "
              "insmod /rtdm/modules/rtdmtest.ko")
    rc, out = xeno.run(script, timeout=60)
    assert "deferred" in out and "first=0" not in out and "first=" in out, out
    tries = int(re.search(r"tries=(\d+)", out).group(1))
    assert tries <= 100, out
    assert rc == 0, out
    mods = xeno.run_ok("grep '^rtdmtest ' /proc/modules || true")
    assert mods.startswith("rtdmtest "), mods


def test_smokey_modprobe_alias(xeno):
    """libsmokey's smokey_modprobe("xeno_rtdmtest") loads rtdmtest.ko
    through its alias, and smokey_rmmod() unloads it even right after a
    deferred close, waiting for the reference to be dropped as Xenomai's
    module removal waits; a module there on entry is kept."""
    krel = xeno.run_ok("uname -r").strip()
    moddir = f"/lib/modules/{krel}/extra-test"
    setup = (f"rmmod rtdmtest; mkdir -p {moddir} && "
             f"cp /rtdm/modules/rtdmtest.ko {moddir}/ && depmod")
    try:
        xeno.run_ok(setup)
        rc, out = xeno.run("smokey-modules --run; echo rc=$?", timeout=60)
        assert "loaded=1 " in out and "rmmod=0 after=0" in out, out
        assert "alias OK" in out and "rc=0" in out, out
        # there on entry: kept
        xeno.run_ok("insmod /rtdm/modules/rtdmtest.ko")
        rc, out = xeno.run("smokey-modules --run --verbose=2; echo rc=$?; "
                           "grep -c '^rtdmtest ' /proc/modules", timeout=60)
        assert "keeping it" in out and "rc=0" in out, out
        assert out.strip().endswith("1"), out
    finally:
        xeno.run(f"rm -rf {moddir}; depmod; grep -q '^rtdmtest ' /proc/modules"
                 " || insmod /rtdm/modules/rtdmtest.ko")


def test_xenomai_rtdmtest_alias(xeno):
    """Xenomai's programs modprobe xeno_rtdmtest: rtdmtest.ko answers to
    that name."""
    ko = next(k for k in xeno.build.modules if Path(k).name == "rtdmtest.ko")
    out = subprocess.run(["modinfo", "-F", "alias", str(ko)],
                         capture_output=True, text=True, check=True).stdout
    assert "xeno_rtdmtest" in out.split(), out


def cpu_list(text):
    """[cpus] of a sysfs CPU list ("0-1,3")."""
    cpus = []
    for part in filter(None, text.split(",")):
        lo, _, hi = part.partition("-")
        cpus += range(int(lo), int(hi or lo) + 1)
    return cpus


def test_boilerplate_cpu_sets(xeno):
    """get_online_cpu_set(), get_realtime_cpu_set() and get_current_cpu()
    (Xenomai's smokey cpu-affinity test uses them): sysfs CPU lists parsed
    exactly, bad ones refused with EINVAL and an empty set; the online set
    is the kernel's; without EVL the real-time set is every online CPU (as
    in Xenomai's Mercury build); a run pinned to a CPU reports that CPU."""
    r = xeno.run_json("xeno-cpus")
    E = errno
    # the order of samples[] in tests/guest/xeno/xeno-cpus.c
    expect = [(0, [0, 1, 2, 3]), (0, [0, 2, 3]), (0, [1]), (0, []),
              (-E.EINVAL, []), (0, [5, 6, 7, 9, 11, 12]), (-E.EINVAL, []),
              (-E.EINVAL, []), (-E.EINVAL, []), (-E.EINVAL, []), (-E.EINVAL, [])]
    assert [(x["ret"], x["cpus"]) for x in r["samples"]] == expect, r["samples"]
    assert r["missing"] == -E.ENOENT, r
    online = xeno.run_ok("cat /sys/devices/system/cpu/online").strip()
    n = r["nprocs_onln"]
    assert online == (f"0-{n - 1}" if n > 1 else "0"), online
    assert r["online_ret"] == 0 and r["online"] == list(range(n)), r
    assert r["realtime_ret"] == 0, r
    rc, oob = xeno.run("cat /sys/devices/virtual/evl/control/cpus")
    if rc == 0:     # an EVL kernel: its out-of-band CPUs
        assert r["realtime"] == cpu_list(oob.strip()), (oob, r)
    else:
        assert r["realtime"] == r["online"], r
    assert r["pinned"] == {str(c): c for c in range(n)}, r


# ---------------------------------------------------------------- timerbench

@pytest.fixture(scope="module")
def bench(guest):
    """The guest with rtdm.ko and timerbench.ko loaded."""
    for m in ("rtdm", "timerbench"):
        if not guest.build.has_module(f"{m}.ko"):
            pytest.fail(f"{m}.ko was not built", pytrace=False)
        guest.run_ok(f"grep -q '^{m} ' /proc/modules || insmod /rtdm/modules/{m}.ko")
    return guest


PERIOD_US = 1000
SECONDS = 3


def check_bench_run(g, mode, period_us=PERIOD_US, seconds=SECONDS):
    r = g.run_json(f"xeno-testing run {mode} {period_us} {seconds}", timeout=120)
    # RTDM_CLASS_TESTING, RTDM_SUBCLASS_TIMERBENCH, RTTST_PROFILE_VER
    assert r["device"] == {"class": 6, "subclass": 0, "profile": 2}, r
    assert r["start_err"] == 0, r
    per_sec = 1000000 // period_us
    interm = r["interm"]
    assert len(interm) == seconds and all(i["err"] == 0 for i in interm), r
    prev_at = None
    for n, i in enumerate(interm, 1):
        last, overall = i["last"], i["overall"]
        # one result per second of samples, the warm-up second not published
        assert last["test_loops"] == per_sec, i
        assert overall["test_loops"] == n, i
        assert last["min"] <= last["avg"] <= last["max"], i
        assert overall["min"] <= last["min"] and overall["max"] >= last["max"], i
        assert overall["min"] <= overall["avg"] <= overall["max"], i
        assert 0 <= last["overruns"] <= overall["overruns"], i
        # never early, but on EVL (its timers anticipate by the core's
        # gravity)
        if g.target.backend != "evl":
            assert last["min"] >= 0, i
        if prev_at is not None:
            # a "second" is per_sec samples; a release served a period
            # late or more skips the dates it missed (overruns): the
            # second spans per_sec + overruns periods of the guest clock
            span_ms = (per_sec + last["overruns"]) * period_us / 1000
            assert 0.6 * span_ms < i["at_ms"] - prev_at < 1.4 * span_ms + 300, interm
        prev_at = i["at_ms"]
    # first result: after the warm-up second and the first measured one
    assert interm[0]["at_ms"] > 2 * per_sec * period_us / 1000, interm
    # a result waiter still blocked when the sampler stops gets EIDRM
    assert r["waiter"]["err"] == errno.EIDRM, r
    assert 0 <= r["waiter"]["after_stop_ms"] < 500, r
    assert r["stop_err"] == 0, r
    o = r["overall"]
    assert o["test_loops"] == seconds, r
    assert o["min"] <= o["avg"] <= o["max"], r
    assert o["min"] == min(i["last"]["min"] for i in interm), r
    assert o["max"] == max(i["last"]["max"] for i in interm), r
    assert o["overruns"] == interm[-1]["overall"]["overruns"], r
    h = r["hist"]
    # histogram_min/max: one count per published second; histogram_avg:
    # every sample of those, and those of the second in progress at the stop
    assert h["min"]["sum"] == seconds and h["max"]["sum"] == seconds, r
    assert seconds * per_sec <= h["avg"]["sum"] < (seconds + 1) * per_sec, r
    if o["min"] >= 0:
        # cells of |lateness| / bucket, the last one catching the rest
        def cell(ns):
            return min(ns // h["bucket_ns"], h["cells"] - 1)
        assert h["min"]["first"] == cell(o["min"]), r
        assert h["max"]["last"] == cell(o["max"]), r
        assert h["avg"]["first"] <= cell(o["min"]), r
        assert h["avg"]["last"] >= cell(o["max"]), r
    assert r["interm_after_stop"] == errno.EIDRM, r
    return r


@pytest.mark.parametrize("mode", ["task", "handler"])
def test_timerbench(bench, mode):
    """Xenomai's latency -t1 (kernel task, rtdm_task_wait_period()) and -t2
    (timer handler): per-second results, overall results, histograms and
    the stop, through Xenomai 3's requests and structures."""
    check_bench_run(bench, mode)
    # nothing left behind: no task, no open fd
    assert "timerbench" not in bench.run_ok("cat /proc/rtdm/tasks")
    fds = bench.run_ok("cat /proc/rtdm/fds")
    assert "timerbench" not in fds, fds


def test_timerbench_errors(bench):
    """Bad configurations give EINVAL, bad pointers EFAULT, requests out of
    order EINVAL/EBUSY/EIDRM; a bad stop still stops, close stops too."""
    r = bench.run_json("xeno-testing errors", timeout=120)
    E = errno
    assert r["stop_without_start"] == E.EINVAL, r
    assert r["interm_without_start"] == E.EIDRM, r
    assert r["unknown_request"] == E.ENOTTY, r
    for k in ("mode_7", "mode_-1", "period_0", "period_1us", "period_2s",
              "priority_100", "priority_-1", "warmup_-1", "histogram_size_-1",
              "histogram_size_huge", "bucketsize_0", "bucketsize_-5"):
        assert r[k] == E.EINVAL, (k, r)
    for k in ("priority_0", "no_histogram_bucket_0", "handler_priority_-1"):
        assert r[k] == 0, (k, r)
    assert r["start_null"] == E.EFAULT and r["start_unmapped"] == E.EFAULT, r
    assert r["start"] == 0 and r["start_again"] == E.EBUSY, r
    assert r["interm_null"] == E.EFAULT, r
    assert r["stop_null"] == E.EFAULT and r["stop_after_bad_stop"] == E.EINVAL, r
    assert r["restart"] == 0 and r["stop_bad_histogram"] == E.EFAULT, r
    # the result was written before the bad buffer was found (as Xenomai)
    assert r["stop_bad_histogram_result_min"] != 0, r
    assert r["stop_again"] == E.EINVAL, r
    assert r["start_no_histogram"] == 0 and r["stop_no_histogram"] == 0, r
    assert r["start_then_close"] == 0 and r["stop_after_reopen"] == E.EINVAL, r
    assert r["trace_freeze"] == -E.ENOSYS and r["default_period"] == 100000, r
    assert r["program"] == "xeno-testing", r
    assert "timerbench" not in bench.run_ok("cat /proc/rtdm/tasks")


def test_timerbench_rmmod(bench):
    """rmmod is refused while the device is open, and works after."""
    script = ("xeno-testing run handler 1000 1 > /dev/null & p=$!; sleep 0.5; "
              "rmmod timerbench; echo rc=$?; wait $p")
    rc, out = bench.run(script, timeout=60)
    assert "rc=0" not in out, out
    bench.run_ok("rmmod timerbench && insmod /rtdm/modules/timerbench.ko")


# ---------------------------------------------------------------- armhf

@pytest.fixture(scope="module")
def arm_xeno(arm_guest):
    """The QEMU sabrelite with rtdm.ko, rtipc.ko and rtdmtest.ko loaded."""
    for m in ("rtdm", "rtipc", "rtdmtest"):
        if not arm_guest.build.has_module(f"{m}.ko"):
            pytest.fail(f"{m}.ko was not built for armhf", pytrace=False)
        arm_guest.run_ok(f"grep -q '^{m} ' /proc/modules || insmod /rtdm/modules/{m}.ko")
    return arm_guest


def test_armhf_timerbench(arm_guest):
    """timerbench on 32-bit ARM, where struct rttst_overall_bench_res
    (three pointers) has its 32-bit layout and request number."""
    for m in ("rtdm", "timerbench"):
        if not arm_guest.build.has_module(f"{m}.ko"):
            pytest.fail(f"{m}.ko was not built for armhf", pytrace=False)
        arm_guest.run_ok(f"grep -q '^{m} ' /proc/modules || insmod /rtdm/modules/{m}.ko")
    check_bench_run(arm_guest, "task", period_us=5000, seconds=2)
    arm_guest.run_ok("rmmod timerbench")


def test_armhf_cancel_and_sigint(arm_xeno):
    """The same on 32-bit ARM, whose unwinder (EHABI) must get through the
    cancellation signal's frame."""
    check_cancel(arm_xeno)
    check_sigint(arm_xeno, 3)
