#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make demo: set the host up, build, boot the emulated i.MX6 sabrelite
board (Debian's armhf kernel under QEMU), load the RTDM modules and show
them at work: the registered devices and open fds (rtdm-status), timer
latency figures measured by the test driver in a kernel timer handler and
a kernel task and by a SCHED_FIFO user thread, and an XDDP exchange between
a real-time thread and a Linux process (xddp-echo).

RTDM_DEMO_TARGET=x86 (or x86-rt) runs the demo on an x86_64 guest instead.
"""

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))

from rig import Guest, get_target  # noqa: E402

STEPS = [
    ("the kernel", "uname -r; cat /proc/rtdm/backend 2>/dev/null || true"),
    ("load the RTDM core, the test driver and the IPC sockets",
     "insmod /rtdm/modules/rtdm.ko && insmod /rtdm/modules/rtdmtest.ko && "
     "insmod /rtdm/modules/rtipc.ko && cat /proc/rtdm/backend"),
    ("registered devices, open fds, irqs and tasks",
     "sleep 60 </dev/rtdm/rtdmtest1 & sleep 0.2; rtdm-status; kill %1"),
    ("timer latency, in-kernel timer handler (3 s)", "latency -t2 -p 5000 -T 3"),
    ("timer latency, in-kernel periodic task (3 s)", "latency -t1 -p 5000 -T 3"),
    ("timer latency, SCHED_FIFO user thread (3 s)", "latency -t0 -p 5000 -T 3"),
    ("XDDP: a SCHED_FIFO thread's socket <-> a Linux thread on /dev/rtp0 (3 s)",
     "timeout -s INT 3 xddp-echo; true"),
]


def setup():
    script = TESTS / "rig" / "setup.sh"
    cmd = [str(script)] if os.geteuid() == 0 else ["sudo", str(script)]
    subprocess.run(cmd, check=True)


def main():
    setup()
    target = get_target(os.environ.get("RTDM_DEMO_TARGET", "armhf"))
    print(f"== building for {target.name} ({target.krel}) and booting QEMU ...",
          flush=True)
    guest = Guest(target)
    try:
        guest.boot()
        if not guest.build.ok:
            print(guest.build.failure())
            return 1
        print(f"== guest up in {guest.boot_seconds:.1f} s "
              "(emulated: figures are emulator figures, not the board's)\n")
        for title, cmd in STEPS:
            print(f"== {title}\n$ {cmd}", flush=True)
            rc, out = guest.run(cmd, timeout=90)
            print(out.rstrip() + "\n", flush=True)
            if rc:
                print(f"demo: step failed (exit {rc})")
                return 1
        return 0
    finally:
        guest.shutdown()


if __name__ == "__main__":
    sys.exit(main())
