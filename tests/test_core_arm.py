# SPDX-License-Identifier: GPL-2.0
"""Core smoke test on the emulated i.MX6 board (QEMU sabrelite, Debian's
armhf kernel): rtdm.ko and rtdmtest.ko load, and a representative subset
of the core service tests of test_core_services.py passes on ARM, with the
same assertions."""

import pytest

import test_core_services as core_tests

# Re-run these tests of the x86 suite on the armhf guest.
test_dispatch_which = core_tests.test_dispatch_which
test_event_signal = core_tests.test_event_signal
test_event_timeout = core_tests.test_event_timeout
test_semaphore = core_tests.test_semaphore
test_timer_oneshot = core_tests.test_timer_oneshot
test_task_periodic = core_tests.test_task_periodic
test_irq = core_tests.test_irq
test_mmap_to_user = core_tests.test_mmap_to_user
test_socket_loopback = core_tests.test_socket_loopback
test_bad_input = core_tests.test_bad_input


@pytest.fixture
def evl(arm_guest):
    """The shared tests ask which backend runs (see test_core_services)."""
    return arm_guest.target.backend == "evl"


@pytest.fixture
def core(arm_guest):
    core_tests.load_modules(arm_guest)

    def run(args, timeout=180):
        return arm_guest.run_json(f"rtdm-core-test {args}", timeout=timeout)
    return run


def test_arm_status(arm_guest):
    core_tests.load_modules(arm_guest)
    status = arm_guest.run_json("rtdm-status -j")
    names = {d["name"] for d in status["devices"]}
    assert {"rtdmtest0", "rtdmtest1", "rtdmexcl0", "rtdmtest-proto"} <= names
    assert status["backend"].startswith("inband")
