/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * udd_sim: a simulated device for the UDD tests on machines without UDD
 * hardware (the x86 guests). Shared by the mini-driver (sim.c) and its
 * user-space driver (user/uddtest.c).
 *
 * Devices:
 *   uddsim       interrupt managed by the UDD core; regions
 *                  0 "regs"  UDD_MEM_LOGICAL, one page: struct udd_sim_regs
 *                  1 "vbuf"  UDD_MEM_VIRTUAL, UDD_SIM_BUF_LEN bytes
 *                  2         none (sparse array: no mapper2 node)
 *                  3 "kbuf"  UDD_MEM_LOGICAL, UDD_SIM_BUF_LEN bytes
 *   uddsim-cust  UDD_IRQ_CUSTOM: the mini-driver reports its interrupts
 *                with udd_notify_event() and serves IRQEN/IRQDIS itself;
 *                no region
 *   uddsim-nirq  UDD_IRQ_NONE; region 0 "vbuf", the same memory as
 *                uddsim's region 1
 *
 * The "hardware" raises its interrupt line from a timer, in hard interrupt
 * context, as often as UDD_SIM_RTIOC_FIRE asks; each device has a block of
 * registers in uddsim's "regs" page, written by the kernel and readable
 * through the mapping.
 */
#ifndef _UDD_SIM_H
#define _UDD_SIM_H

#include <linux/types.h>
#include <rtdm/uapi/udd.h>

#define UDD_SIM_NAME		"uddsim"
#define UDD_SIM_CUST_NAME	"uddsim-cust"
#define UDD_SIM_NIRQ_NAME	"uddsim-nirq"

#define UDD_SIM_MAGIC		0x4d495355	/* "USIM" */
#define UDD_SIM_VERSION		1
#define UDD_SIM_BUF_LEN		16384
/* Seeds of the patterns the kernel writes into vbuf and kbuf at load. */
#define UDD_SIM_SEED_VBUF	0x76627566
#define UDD_SIM_SEED_KBUF	0x6b627566

/* Registers of one device; block N at offset N * 128 of "regs". */
struct udd_sim_regs {
	__u32 magic;		/* UDD_SIM_MAGIC */
	__u32 version;		/* UDD_SIM_VERSION */
	__u32 raised;		/* interrupts the hardware raised */
	__u32 handled;		/* runs of the mini-driver's handler */
	__u64 raise_ns;		/* CLOCK_MONOTONIC of the last raise */
	__u64 handle_ns;	/* CLOCK_MONOTONIC of the last handler run */
	__u32 pending;		/* raises left in the current burst */
	__u32 doorbell;		/* written by user space ... */
	__u32 echo;		/* ... copied here by each handler run */
	__u32 masked;		/* raises the disabled line did not deliver */
};

#define UDD_SIM_REGS_STRIDE	128
#define UDD_SIM_DEV_MAIN	0
#define UDD_SIM_DEV_CUST	1

/* The pattern of byte @n for @seed. */
static inline __u8 udd_sim_pattern(__u32 seed, __u64 n)
{
	__u32 x = (__u32)n * 2654435761u + seed;

	return (__u8)(x ^ (x >> 13) ^ (__u32)(n >> 8));
}

/*
 * Mini-driver requests (its ioctl handler), on uddsim and uddsim-cust:
 * FIRE raises @count interrupts, the first @delay_ns from now, then one
 * every @period_ns, and returns at once (EBUSY while a burst is pending);
 * STOP cancels the burst. On uddsim: FILL writes the pattern of @seed
 * into region @region (1 or 3), CHECK compares it with the pattern of
 * @seed and counts the mismatches.
 */
struct udd_sim_fire {
	__u32 count;		/* 1 .. 1000000 */
	__u32 reserved;
	__u64 delay_ns;		/* >= 1000 */
	__u64 period_ns;	/* >= 10000 if count > 1 */
};

struct udd_sim_pattern {
	__u32 region;
	__u32 seed;
	__u64 len;		/* out: bytes filled or checked */
	__u64 mismatches;	/* out (CHECK) */
	__u64 first_bad;	/* out (CHECK): offset, ~0 if none */
};

#define UDD_SIM_RTIOC_FIRE	_IOW(RTDM_CLASS_UDD, 0x40, struct udd_sim_fire)
#define UDD_SIM_RTIOC_STOP	_IO(RTDM_CLASS_UDD, 0x41)
#define UDD_SIM_RTIOC_FILL	_IOWR(RTDM_CLASS_UDD, 0x42, struct udd_sim_pattern)
#define UDD_SIM_RTIOC_CHECK	_IOWR(RTDM_CLASS_UDD, 0x43, struct udd_sim_pattern)

#endif /* _UDD_SIM_H */
