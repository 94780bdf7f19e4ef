# SPDX-License-Identifier: GPL-2.0
"""pytest fixtures for the QEMU rig (see tests/rig/).

Fixtures:
  guest      module-scoped Guest, parametrized over the selected generic
             targets ("x86", "x86-rt", "x86-debug", and the Dovetail+EVL
             ones when the user gives them a kernel: "x86-evl" with
             RTDM_EVL_*, "arm64-evl" on QEMU virt with RTDM_EVL_ARM64_*):
             one boot per test module per target.
  debug_guest  the same, on the debug kernels only ("x86-debug").
  arm_guest  module-scoped Guest on QEMU sabrelite, parametrized over the
             selected ARM targets ("armhf", "armhf-rt": Debian's armmp and
             PREEMPT_RT armmp kernels).
  rig_targets  the list of selected target names.

Target selection: --targets=x86,armhf or RTDM_TARGETS=x86,armhf (default: all).
After every test using a guest, the console written during the test is
checked for kernel splats; a splat fails the test. On a debug kernel
(x86-debug: KASAN, lockdep, DEBUG_OBJECTS, kmemleak), the end of every test
module unloads the project's modules and runs kmemleak: an unreferenced
object allocated by one of them fails the module's last test (an error at
teardown), and so does lockdep having switched itself off.

A failed build of the project (modules or userspace) fails every test that
uses a guest, with the compiler output, except in modules marked
`pytestmark = pytest.mark.rig_smoke` (the rig's own tests), which boot anyway.
"""

import os
import signal
import sys

import pytest

from rig import Guest, GuestError, get_target, splats
from rig import build as rig_build
from rig import kmemleak
from rig.guest import project_splats
from rig.targets import RigSetupError, target_names, ALL_TARGETS, EVL_TARGETS, evl_target

# the targets of the `guest` fixture: boards without the i.MX devices
GUEST_FIXTURE_TARGETS = ("x86", "x86-rt", "x86-evl", "arm64-evl", "x86-debug")
DEBUG_TARGETS = ("x86-debug",)
# The suites the debug kernel runs (besides test_debug_kernel.py, which
# takes debug_guest): the core services, the module life cycle and IPC.
# The others (serial, rig smoke) have nothing there a stock x86 guest does
# not show, and a TCG guest with KASAN and lockdep is 3-5 times slower.
DEBUG_SUITES = ("test_core_services.py", "test_core_lifecycle.py", "test_ipc.py")
ARM_TARGETS = ("armhf", "armhf-rt")
_booted = []   # Guest objects of this session (for the timing summary)


def pytest_addoption(parser):
    parser.addoption("--targets", default=None,
                     help=f"comma list of targets to run, among {','.join(ALL_TARGETS)} "
                          "(default: $RTDM_TARGETS or all)")


def pytest_configure(config):
    # SIGTERM/SIGHUP -> normal exit, so fixture finalizers and atexit kill QEMU
    for sig in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) in (signal.SIG_DFL, None):
            signal.signal(sig, lambda signum, frame: sys.exit(128 + signum))
    config.addinivalue_line("markers", "rig_smoke: rig self-tests; boot even if the project build fails")


def selected_targets(config, among=ALL_TARGETS):
    return target_names(config.getoption("--targets"), among=among)


def evl_available(name="x86-evl"):
    """Whether an evl target has its kernel (RTDM_EVL_* for x86-evl,
    RTDM_EVL_ARM64_* for arm64-evl), and why not."""
    try:
        evl_target(name)
        return True, ""
    except RigSetupError as e:
        return False, str(e)


def pytest_generate_tests(metafunc):
    if "guest" in metafunc.fixturenames:
        names = selected_targets(metafunc.config, GUEST_FIXTURE_TARGETS)
        # the evl targets run only with a Dovetail+EVL kernel the user
        # brings; test_rig_smoke.py::test_evl_target says why one does not
        for evl in EVL_TARGETS:
            if evl in names and not evl_available(evl)[0]:
                names.remove(evl)
        if "x86-debug" in names and os.path.basename(metafunc.module.__file__) not in DEBUG_SUITES:
            names.remove("x86-debug")
        metafunc.parametrize("guest", names, ids=names, indirect=True, scope="module")
    if "debug_guest" in metafunc.fixturenames:
        names = selected_targets(metafunc.config, DEBUG_TARGETS)
        metafunc.parametrize("debug_guest", names, ids=names, indirect=True, scope="module")
    if "arm_guest" in metafunc.fixturenames:
        names = selected_targets(metafunc.config, ARM_TARGETS)
        metafunc.parametrize("arm_guest", names, ids=names, indirect=True, scope="module")


@pytest.fixture(scope="session")
def rig_targets(pytestconfig):
    return selected_targets(pytestconfig)


def _make_guest(request, name):
    try:
        target = get_target(name)
    except RigSetupError as e:
        pytest.fail(str(e), pytrace=False)
    build = rig_build.build_target(target)
    if not build.ok and request.node.get_closest_marker("rig_smoke") is None:
        pytest.fail(build.failure(), pytrace=False)
    g = Guest(target)
    request.addfinalizer(g.shutdown)
    try:
        g.boot()
    except GuestError as e:
        pytest.fail(str(e), pytrace=False)
    _booted.append(g)
    if target.debug:
        # finalizers run last-in first-out: this one before the shutdown
        request.addfinalizer(lambda: _debug_end_of_module(g, request.node.name))
    return g


def unload_project_modules(g):
    """rmmod every loaded project module (dependents first); returns the
    ones that would not go, with the reason."""
    mods = kmemleak.project_modules(g)
    stuck = {}
    for _ in range(len(mods) + 1):
        loaded = [l.split()[0] for l in g.run_ok("cat /proc/modules").splitlines() if l.strip()]
        todo = [m for m in loaded if m in mods]
        if not todo:
            return {}
        progress = False
        stuck = {}
        for m in todo:
            rc, out = g.run(f"rmmod {m}")
            if rc == 0:
                progress = True
            else:
                stuck[m] = out.strip()
        if not progress:
            break
    return stuck


def _debug_end_of_module(g, where):
    """Debug kernels, end of a test module: unload the project's modules
    (what they forget to free on unload shows now), then kmemleak; lockdep
    must still be on (it turns itself off after its first report)."""
    __tracebackhide__ = True
    if g.dead or g.proc is None or g.proc.poll() is not None:
        return
    problems = []
    mark = g.console_mark()
    stuck = unload_project_modules(g)
    if stuck:
        problems.append(f"project modules that would not unload at the end of {where}: {stuck}\n"
                        f"/proc/rtdm/fds:\n{g.run('cat /proc/rtdm/fds')[1]}\n"
                        f"processes:\n{g.run('ps')[1]}")
    try:
        kmemleak.check(g, kmemleak.project_modules(g), f"end of {where}")
    except AssertionError as e:
        problems.append(str(e))
    # a test fails on any splat during it; this catches those of fixtures,
    # of the unload above and of anything between tests that involve the
    # project's modules (the whole console of the boot)
    found = project_splats(g.console(), kmemleak.project_modules(g))
    if found:
        problems.append(f"{len(found)} kernel report(s) involving the project's modules on "
                        f"{g.name} during {where} (console {g.console_path}):\n" +
                        "\n----\n".join(found[:5]))
    elif splats(g.console_since(mark)):
        problems.append(f"kernel splat on {g.name} while unloading the project's modules at "
                        f"the end of {where}:\n{g.console_since(mark)[-6000:]}")
    # x86-debug has lockdep (its build checks the config); an EVL kernel
    # built with kmemleak alone has no /proc/lockdep_stats
    lockdep = g.target.name in DEBUG_TARGETS or g.run("test -e /proc/lockdep_stats")[0] == 0
    rc, stats = g.run("grep 'debug_locks:' /proc/lockdep_stats") if lockdep else (0, "1")
    if rc != 0 or stats.split()[-1:] != ["1"]:
        problems.append(f"lockdep is off on {g.name} at the end of {where} "
                        f"(/proc/lockdep_stats: {stats.strip()!r}); see the console "
                        f"{g.console_path}")
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


@pytest.fixture(scope="module")
def guest(request):
    """A booted x86 guest (param: "x86" or "x86-rt")."""
    return _make_guest(request, request.param)


@pytest.fixture(scope="module")
def debug_guest(request):
    """A booted x86 guest on a debug kernel (param: "x86-debug")."""
    return _make_guest(request, request.param)


@pytest.fixture(scope="module")
def arm_guest(request):
    """A booted QEMU sabrelite guest (param: "armhf" or "armhf-rt")."""
    return _make_guest(request, request.param)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """Reboot a dead guest before the test; fail the test on a kernel splat
    on the console during the test."""
    guests = [item.funcargs[n] for n in ("guest", "debug_guest", "arm_guest")
              if isinstance(item.funcargs.get(n), Guest)]
    marks = []
    for g in guests:
        g.ensure_alive()
        marks.append((g, g.console_mark()))
    outcome = yield
    problems = []
    for g, mark in marks:
        text = g.console_since(mark)
        found = splats(text)
        if found:
            lines = text.splitlines()
            first = next((i for i, l in enumerate(lines) if l in found), 0)
            excerpt = "\n".join(lines[max(0, first - 10):first + 60])
            problems.append(f"kernel splat on {g.name} console during {item.name}:\n"
                            f"{excerpt}\n---- (full console: {g.console_path})")
    if problems:
        msg = "\n\n".join(problems)
        if outcome.excinfo is None:
            pytest.fail(msg, pytrace=False)
        item.add_report_section("call", "kernel splat", msg)


def pytest_terminal_summary(terminalreporter):
    if rig_build._cache:
        terminalreporter.section("rig builds (modules + userspace)")
        for name, b in rig_build._cache.items():
            terminalreporter.write_line(f"{name:9s} {'ok' if b.ok else 'FAILED':6s} {b.seconds:.1f}s "
                                        f"{len(b.modules)} modules, {len(b.programs)} programs")
    if _booted:
        terminalreporter.section("rig boot times (boot to agent ready)")
        for g in _booted:
            times = " ".join(f"{t:.2f}s" for t in g.boot_times)
            terminalreporter.write_line(f"{g.name:9s} {g.target.krel:20s} {g.target.version:12s} {times}")
