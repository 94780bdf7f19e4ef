#!/bin/sh
# /init of the test initramfs: mount the usual file systems, load the
# target's preloaded stock modules, then serve the host on the agent UART.
/bin/busybox --install -s
export PATH=/rtdm/bin:/sbin:/bin:/usr/sbin:/usr/bin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
. /rtdm/target.sh
# the kernel boots quietly (loglevel=4); from here on every message up to
# KERN_INFO reaches the console, so that the host sees warnings and splats
dmesg -n 7
for m in $PRELOAD; do modprobe "$m" || echo "RIG: modprobe $m failed"; done
echo "RIG: init ready target=$RIG_TARGET kernel=$(uname -r) uptime=$(cut -d' ' -f1 /proc/uptime)"
while :; do
	/rtdm/agent.sh "$AGENT_DEV"
	echo "RIG: agent exited rc=$?, restarting"
	sleep 1
done
