#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench: benchmarks, reported and never gated.

Boots the x86_64 PREEMPT_RT guest (RTDM_BENCH_TARGET to change it), loads
the modules and prints, from one guest run:
- RTIPC round-trip times: IDDP vs a Unix-domain datagram socket pair,
  XDDP vs a pipe, 16 B and 4 KiB messages, 10,000 round trips each;
- timer latency: RTDM timer handler, RTDM kernel task, SCHED_FIFO thread.
Figures come from an emulated machine (QEMU TCG): compare them with each
other, not with a board.
"""

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))

from rig import Guest, get_target  # noqa: E402

STEPS = [
    ("load the modules",
     "insmod /rtdm/modules/rtdm.ko && insmod /rtdm/modules/rtdmtest.ko && "
     "insmod /rtdm/modules/rtipc.ko && cat /proc/rtdm/backend"),
    ("RTIPC round trips (us)", "rtipc-bench -n 10000"),
    ("latency, RTDM timer handler", "latency -t2 -p 1000 -T 5 -q"),
    ("latency, RTDM kernel task", "latency -t1 -p 1000 -T 5 -q"),
    ("latency, SCHED_FIFO user thread", "latency -t0 -p 1000 -T 5 -q"),
]


def main():
    if not os.environ.get("RTDM_SETUP_DONE"):
        script = TESTS / "rig" / "setup.sh"
        subprocess.run([str(script)] if os.geteuid() == 0 else ["sudo", str(script)],
                       check=True)
    guest = Guest(get_target(os.environ.get("RTDM_BENCH_TARGET", "x86-rt")))
    try:
        guest.boot()
        if not guest.build.ok:
            print(guest.build.failure())
            return 1
        print(f"== {guest.target.name} ({guest.target.krel}), emulated (QEMU TCG)\n")
        for title, cmd in STEPS:
            print(f"== {title}\n$ {cmd}", flush=True)
            rc, out = guest.run(cmd, timeout=600)
            print(out.rstrip() + "\n", flush=True)
            if rc:
                print(f"bench: step failed (exit {rc})")
                return 1
        return 0
    finally:
        guest.shutdown()


if __name__ == "__main__":
    sys.exit(main())
