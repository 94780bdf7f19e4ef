# SPDX-License-Identifier: GPL-2.0
"""pytest fixtures for the QEMU rig (see tests/rig/).

Fixtures:
  guest      module-scoped Guest, parametrized over the selected x86 targets
             ("x86", "x86-rt"): one boot per test module per target.
  arm_guest  module-scoped Guest on QEMU sabrelite, parametrized over the
             selected ARM targets ("armhf", "armhf-rt": Debian's armmp and
             PREEMPT_RT armmp kernels).
  rig_targets  the list of selected target names.

Target selection: --targets=x86,armhf or RTDM_TARGETS=x86,armhf (default: all).
After every test using a guest, the console written during the test is
checked for kernel splats; a splat fails the test.

A failed build of the project (modules or userspace) fails every test that
uses a guest, with the compiler output, except in modules marked
`pytestmark = pytest.mark.rig_smoke` (the rig's own tests), which boot anyway.
"""

import signal
import sys

import pytest

from rig import Guest, GuestError, get_target, splats
from rig import build as rig_build
from rig.targets import RigSetupError, target_names, ALL_TARGETS

X86_TARGETS = ("x86", "x86-rt")
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


def pytest_generate_tests(metafunc):
    if "guest" in metafunc.fixturenames:
        names = selected_targets(metafunc.config, X86_TARGETS)
        metafunc.parametrize("guest", names, ids=names, indirect=True, scope="module")
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
    return g


@pytest.fixture(scope="module")
def guest(request):
    """A booted x86 guest (param: "x86" or "x86-rt")."""
    return _make_guest(request, request.param)


@pytest.fixture(scope="module")
def arm_guest(request):
    """A booted QEMU sabrelite guest (param: "armhf" or "armhf-rt")."""
    return _make_guest(request, request.param)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """Reboot a dead guest before the test; fail the test on a kernel splat
    on the console during the test."""
    guests = [item.funcargs[n] for n in ("guest", "arm_guest")
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
            terminalreporter.write_line(f"{name:8s} {'ok' if b.ok else 'FAILED':6s} {b.seconds:.1f}s "
                                        f"{len(b.modules)} modules, {len(b.programs)} programs")
    if _booted:
        terminalreporter.section("rig boot times (boot to agent ready)")
        for g in _booted:
            times = " ".join(f"{t:.2f}s" for t in g.boot_times)
            terminalreporter.write_line(f"{g.name:8s} {g.target.krel:20s} {times}")
