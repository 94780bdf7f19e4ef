#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make demo: set the host up, build, boot the emulated i.MX6 sabrelite
board (Debian's armhf kernel under QEMU), load the RTDM modules and show
them at work: the registered devices and open fds (rtdm-status), timer
latency figures measured by the test driver in a kernel timer handler and
a kernel task and by a SCHED_FIFO user thread, and an XDDP exchange between
a real-time thread and a Linux process (xddp-echo). On the emulated board,
UART1 and UART3 (wired to each other by QEMU) are handed to the real-time
i.MX UART driver and cross-link measures write -> read latencies; ECSPI1
goes to the RTDM SPI master and spi-flash reads the emulated SPI NOR
flash's JEDEC id through /dev/rtdm/spi0/slave0.0.

RTDM_DEMO_TARGET=x86 (or x86-rt) runs the demo on an x86_64 guest instead.

GPIO: QEMU's i.MX GPIO model drives no input, so the GPIO step runs on an
x86_64 guest (the demo target itself, or one booted for it): the loopback
gpiochip exported by label, gpiobench's loop mode through RTDM and then
through libgpiod on the same lines, histogram summaries side by side.
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

# i.MX UART: only on the emulated i.MX6 board.
UART_STEPS = [
    ("hand UART1 and UART3 (wired to each other) from imx-uart to rtser_imx",
     "for d in 2020000.serial 21ec000.serial; do "
     "echo $d > /sys/bus/platform/drivers/imx-uart/unbind && "
     "echo rtser_imx > /sys/bus/platform/devices/$d/driver_override; done && "
     "insmod /rtdm/modules/rtser_imx.ko && ls /dev/rtdm/ && "
     "cat /sys/bus/platform/devices/*/rtdm_device"),
    ("cross-link: rtser0 -> rtser1, 20 frames every 20 ms at 115200 baud",
     "cross-link -n 20 -p 20000"),
]

# ECSPI1 and its SPI NOR flash: only on the emulated i.MX6 board.
SPI_STEPS = [
    ("hand ECSPI1 from spi-imx to the RTDM SPI master, the flash to rtdm-spidev",
     "insmod /rtdm/modules/rtdm_spi.ko && "
     "echo 2008000.spi > /sys/bus/platform/drivers/spi_imx/unbind && "
     "echo rtdm_spi_imx > /sys/bus/platform/devices/2008000.spi/driver_override && "
     "echo 0 > /sys/bus/spi/drivers_autoprobe && insmod /rtdm/modules/rtdm_spi_imx.ko && "
     "echo rtdm-spidev > /sys/bus/spi/devices/spi0.0/driver_override && "
     "echo spi0.0 > /sys/bus/spi/drivers/rtdm-spidev/bind && "
     "echo 1 > /sys/bus/spi/drivers_autoprobe && ls /dev/rtdm/spi0"),
    ("the flash's JEDEC id and first bytes through /dev/rtdm/spi0/slave0.0",
     "spi-flash id && spi-flash read 0 65536 /tmp/f && head -c 8 /tmp/f; echo"),
]

# GPIO: on an x86_64 guest (loopback gpiochip), RTDM and libgpiod compared.
GPIO_STEPS = [
    ("load the RTDM GPIO core, the loopback gpiochip (lines wired in pairs) "
     "and export it by label",
     "insmod /rtdm/modules/rtdm.ko && insmod /rtdm/modules/rtdm_gpio.ko && "
     "insmod /rtdm/modules/gpio_loopback.ko && "
     "insmod /rtdm/modules/rtdm_gpio_generic.ko labels=gpio-loopback && "
     "ls /dev/rtdm/gpio-loopback"),
    ("gpiobench loop mode, 500 cycles: RTDM, then libgpiod line events on the same "
     "lines (histogram summaries; emulator figures)",
     "B=$(cat /sys/bus/platform/devices/gpio-loopback/gpio/gpiochip*/base); "
     "echo \"gpiobench -o $B -i $((B+1)) -c gpio-loopback -l 500 -q -b 1000000 -g\"; "
     "gpiobench -o $B -i $((B+1)) -c gpio-loopback -l 500 -q -b 1000000 -g | "
     "grep -v '^[0-9]'"),
]


def run_steps(guest, steps):
    for title, cmd in steps:
        print(f"== {title}\n$ {cmd}", flush=True)
        rc, out = guest.run(cmd, timeout=180)
        print(out.rstrip() + "\n", flush=True)
        if rc:
            print(f"demo: step failed (exit {rc})")
            return False
    return True


def gpio_demo(target):
    """The GPIO step, on @target if it is an x86 one, else on an x86 guest."""
    name = target.name if target.arch == "x86" else "x86"
    guest = Guest(get_target(name))
    print(f"== booting an {name} guest for the GPIO step (QEMU's i.MX GPIO "
          "drives no input) ...", flush=True)
    try:
        guest.boot()
        if not guest.build.ok:
            print(guest.build.failure())
            return False
        return run_steps(guest, GPIO_STEPS)
    finally:
        guest.shutdown()


def setup():
    script = TESTS / "rig" / "setup.sh"
    cmd = [str(script)] if os.geteuid() == 0 else ["sudo", str(script)]
    subprocess.run(cmd, check=True)


def main():
    if not os.environ.get("RTDM_SETUP_DONE"):
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
        steps = STEPS + (UART_STEPS + SPI_STEPS if target.name == "armhf" else [])
        for title, cmd in steps:
            print(f"== {title}\n$ {cmd}", flush=True)
            rc, out = guest.run(cmd, timeout=90)
            print(out.rstrip() + "\n", flush=True)
            if rc:
                print(f"demo: step failed (exit {rc})")
                return 1
    finally:
        guest.shutdown()
    return 0 if gpio_demo(target) else 1


if __name__ == "__main__":
    sys.exit(main())
