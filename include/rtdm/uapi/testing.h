/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * User ABI of the testing profile: Xenomai 3's (timerbench and the
 * request numbers of its other testing devices, binary-compatible) and
 * the project's own test driver, rtdmtest.ko.
 *
 * The test driver exposes every core service to user space so that test
 * programs observe real effects: which handler served a call, how long a
 * wait lasted, when a timer fired, what a kernel task measured. Every
 * structure uses fixed-size fields and is laid out identically on 32-bit
 * and 64-bit ABIs; user addresses travel as __u64.
 *
 * Devices:
 *   /dev/rtdm/rtdmtest0, /dev/rtdm/rtdmtest1  named devices (ioctls below)
 *   /dev/rtdm/rtdmexcl0                       same, RTDM_EXCLUSIVE
 *   protocol device (RTTST_AF, SOCK_DGRAM)    datagram loopback on ports
 *                                             0..RTTST_NR_PORTS-1
 *   /dev/rtdm/rtdm0, /dev/rtdm/rtdm1, /dev/rtdm/rtdmx
 *                                             Xenomai's RTDM core test
 *                                             devices (RTTST_RTIOC_RTDM_*)
 *
 * Ioctls of the named devices return 0 or -1/errno; a service's own result
 * (e.g. -ETIMEDOUT from a wait) is reported in the @ret field of the
 * argument block, so that the ioctl itself fails only on bad input.
 * Invalid arguments give EINVAL, bad pointers EFAULT, unknown requests
 * ENOTTY. All times are nanoseconds on CLOCK_MONOTONIC.
 */
#ifndef _RTDM_UAPI_TESTING_H
#define _RTDM_UAPI_TESTING_H

#include <linux/types.h>
#include <rtdm/uapi/rtdm.h>

/*
 * Profile version, Xenomai 3's. The project's own requests (0x50..)
 * do not overlap Xenomai's (0x00..0x45).
 */
#define RTTST_PROFILE_VER		2

/* Sub-classes of RTDM_CLASS_TESTING (Xenomai 3's values). */
#define RTDM_SUBCLASS_TIMERBENCH	0	/* "timerbench" */
#define RTDM_SUBCLASS_IRQBENCH		1	/* "irqbench" */
#define RTDM_SUBCLASS_SWITCHTEST	2	/* "switchtest" */
#define RTDM_SUBCLASS_RTDMTEST		3	/* "rtdm" */
#define RTDM_SUBCLASS_HEAPCHECK		4	/* "heapcheck" */

#define RTIOC_TYPE_TESTING		RTDM_CLASS_TESTING

/* ------------------------------------------------------------------ */
/* Xenomai 3's testing profile                                         */
/* ------------------------------------------------------------------ */

/*
 * timerbench (timerbench.ko, /dev/rtdm/timerbench): a kernel sampler of
 * timer latency, as used by Xenomai's `latency -t1` (an RTDM task) and
 * `-t2` (an RTDM timer handler). Values are nanoseconds of lateness.
 *
 * RTTST_RTIOC_TMBENCH_START (in-band) starts sampling with a config;
 * EINVAL for a bad one, EBUSY when already started. Each second of
 * sampling (1e9 / period samples) is published once the warm-up seconds
 * are over; RTTST_RTIOC_INTERM_BENCH_RES (real-time) waits for the next
 * one and returns it with the totals so far (EIDRM when no sampling is
 * running, or when it is stopped meanwhile). RTTST_RTIOC_TMBENCH_STOP
 * (in-band) stops, fills the overall result and copies the histograms to
 * the three user buffers of histogram_size cells (EINVAL when not
 * started; EFAULT for bad buffers, the sampling is stopped anyway).
 *
 * Histograms count |lateness| / histogram_bucketsize, clamped to the last
 * cell: histogram_avg every sample of the published seconds and of the
 * second in progress at the stop, histogram_min and histogram_max the
 * per-second min and max.
 */
struct rttst_bench_res {
	__s32 avg;
	__s32 min;
	__s32 max;
	__s32 overruns;
	__s32 test_loops;	/* published seconds (last: samples) */
};

typedef struct rttst_bench_res rttst_bench_res_t;

struct rttst_interm_bench_res {
	struct rttst_bench_res last;	/* the second just published */
	struct rttst_bench_res overall;	/* all published seconds */
};

typedef struct rttst_interm_bench_res rttst_interm_bench_res_t;

/* The layout, hence the request number, follows the pointer size. */
struct rttst_overall_bench_res {
	struct rttst_bench_res result;
	__s32 __user *histogram_avg;
	__s32 __user *histogram_min;
	__s32 __user *histogram_max;
};

typedef struct rttst_overall_bench_res rttst_overall_bench_res_t;

#define RTTST_TMBENCH_INVALID		(-1)	/* internal use only */
#define RTTST_TMBENCH_TASK		0
#define RTTST_TMBENCH_HANDLER		1

struct rttst_tmbench_config {
	int mode;			/* RTTST_TMBENCH_TASK / _HANDLER */
	int priority;			/* task mode: 0..99 */
	__u64 period;			/* 10 us .. 1 s */
	int warmup_loops;		/* seconds not published, >= 0 */
	int histogram_size;		/* cells, 0 = no histograms */
	int histogram_bucketsize;	/* ns per cell, > 0 with cells */
	int freeze_max;			/* accepted, no tracer to freeze */
};

typedef struct rttst_tmbench_config rttst_tmbench_config_t;

/* switchtest (not provided here) */
struct rttst_swtest_task {
	unsigned int index;
	unsigned int flags;
};

#define RTTST_SWTEST_FPU		0x1
#define RTTST_SWTEST_FREEZE		0x4	/* kernel tasks only */

struct rttst_swtest_dir {
	unsigned int from;		/* index of the thread switched from */
	unsigned int to;		/* index of the thread to run */
	unsigned int switch_mode;	/* 1: switch the from thread's mode */
};

struct rttst_swtest_error {
	struct rttst_swtest_dir last_switch;
	unsigned int fp_val;
};

/* Xenomai's "rtdm" test devices rtdm0, rtdm1, rtdmx (rtdmtest.ko) */
#define RTTST_RTDM_NORMAL_CLOSE		0
#define RTTST_RTDM_DEFER_CLOSE_CONTEXT	1

#define RTTST_RTDM_MAGIC_PRIMARY	0xfefbfefb
#define RTTST_RTDM_MAGIC_SECONDARY	0xa5b9a5b9

/* heapcheck (not provided here) */
#define RTTST_HEAPCHECK_ZEROOVRD	1
#define RTTST_HEAPCHECK_SHUFFLE		2
#define RTTST_HEAPCHECK_PATTERN		4
#define RTTST_HEAPCHECK_HOT		8

struct rttst_heap_parms {
	__u64 heap_size;
	__u64 block_size;
	int flags;
	int nrstats;
};

struct rttst_heap_stats {
	__u64 heap_size;
	__u64 user_size;
	__u64 block_size;
	__s64 alloc_avg_ns;
	__s64 alloc_max_ns;
	__s64 free_avg_ns;
	__s64 free_max_ns;
	__u64 maximum_free;
	__u64 largest_free;
	int nrblocks;
	int flags;
};

struct rttst_heap_stathdr {
	int nrstats;
	struct rttst_heap_stats __user *buf;
};

#define RTTST_RTIOC_INTERM_BENCH_RES _IOWR(RTIOC_TYPE_TESTING, 0x00, struct rttst_interm_bench_res)
#define RTTST_RTIOC_TMBENCH_START	_IOW(RTIOC_TYPE_TESTING, 0x10, struct rttst_tmbench_config)
#define RTTST_RTIOC_TMBENCH_STOP _IOWR(RTIOC_TYPE_TESTING, 0x11, struct rttst_overall_bench_res)
#define RTTST_RTIOC_SWTEST_SET_TASKS_COUNT	_IOW(RTIOC_TYPE_TESTING, 0x30, __u32)
#define RTTST_RTIOC_SWTEST_SET_CPU	_IOW(RTIOC_TYPE_TESTING, 0x31, __u32)
#define RTTST_RTIOC_SWTEST_REGISTER_UTASK _IOW(RTIOC_TYPE_TESTING, 0x32, struct rttst_swtest_task)
#define RTTST_RTIOC_SWTEST_CREATE_KTASK	_IOWR(RTIOC_TYPE_TESTING, 0x33, struct rttst_swtest_task)
#define RTTST_RTIOC_SWTEST_PEND		_IOR(RTIOC_TYPE_TESTING, 0x34, struct rttst_swtest_task)
#define RTTST_RTIOC_SWTEST_SWITCH_TO	_IOR(RTIOC_TYPE_TESTING, 0x35, struct rttst_swtest_dir)
#define RTTST_RTIOC_SWTEST_GET_SWITCHES_COUNT	_IOR(RTIOC_TYPE_TESTING, 0x36, __u32)
#define RTTST_RTIOC_SWTEST_GET_LAST_ERROR _IOR(RTIOC_TYPE_TESTING, 0x37, struct rttst_swtest_error)
#define RTTST_RTIOC_SWTEST_SET_PAUSE	_IOW(RTIOC_TYPE_TESTING, 0x38, __u32)
#define RTTST_RTIOC_RTDM_DEFER_CLOSE	_IOW(RTIOC_TYPE_TESTING, 0x40, __u32)
#define RTTST_RTIOC_RTDM_ACTOR_GET_CPU	_IOR(RTIOC_TYPE_TESTING, 0x41, __u32)
#define RTTST_RTIOC_RTDM_PING_PRIMARY	_IOR(RTIOC_TYPE_TESTING, 0x42, __u32)
#define RTTST_RTIOC_RTDM_PING_SECONDARY	_IOR(RTIOC_TYPE_TESTING, 0x43, __u32)
#define RTTST_RTIOC_HEAP_CHECK		_IOR(RTIOC_TYPE_TESTING, 0x44, struct rttst_heap_parms)
#define RTTST_RTIOC_HEAP_STAT_COLLECT	_IOR(RTIOC_TYPE_TESTING, 0x45, int)

/* ------------------------------------------------------------------ */
/* The project's test driver (rtdmtest.ko)                             */
/* ------------------------------------------------------------------ */

#define RTTST_DEVICE_NAME		"rtdmtest"	/* rtdmtest0, rtdmtest1 */
#define RTTST_EXCL_DEVICE_NAME		"rtdmexcl0"
#define RTTST_PROTO_LABEL		"rtdmtest-proto"

/* Which handler served a request. */
#define RTTST_HANDLER_RT		1
#define RTTST_HANDLER_NRT		2

/* ------------------------------------------------------------------ */
/* Protocol device: datagram loopback                                  */
/* ------------------------------------------------------------------ */

#define RTTST_AF			112
#define RTTST_NR_PORTS			16
#define RTTST_MSG_MAX			256	/* bytes per datagram */
#define RTTST_QUEUE_LEN			8	/* datagrams per socket */
#define RTTST_PORT_NONE			0xffff	/* unbound */

struct sockaddr_rttst {
	__u16 rttst_family;		/* RTTST_AF */
	__u16 rttst_port;		/* 0..RTTST_NR_PORTS-1 */
	__u8 rttst_zero[12];
};

/*
 * Socket option SOL_SOCKET/SO_RCVTIMEO takes an __s64 timeout in
 * nanoseconds with RTDM semantics: 0 waits forever (default), a negative
 * value never blocks, a positive value gives ETIMEDOUT when it elapses.
 */

/* ------------------------------------------------------------------ */
/* Named devices                                                       */
/* ------------------------------------------------------------------ */

struct rttst_which {
	__u32 handler;		/* RTTST_HANDLER_RT / _NRT */
	__u32 in_rt;		/* rtdm_in_rt_context() in the handler */
	__u32 rt_capable;	/* rtdm_rt_capable(fd) */
	__u32 policy;		/* scheduling policy of the caller */
	__u32 rt_priority;	/* its real-time priority */
	__u32 reserved;
};

/*
 * read(fd, buf, n): n >= 8 waits for the fd's event (timeout set with
 * RTTST_RTIOC_RW_CONFIG) and returns the u64 date of the signal that
 * released it; n >= 16 also returns the serving handler as a second u64.
 * write(fd, buf, 1..64) stores the bytes (write_nrt only).
 */
#define RTTST_WBUF_SIZE			64

struct rttst_rw_info {
	__s64 read_timeout_ns;		/* in (RW_CONFIG), out (RW_INFO) */
	__u32 last_read_handler;	/* 0: no read yet */
	__s32 last_read_ret;
	__u32 last_write_handler;
	__u32 last_write_in_rt;
	__u32 write_len;
	__u32 reserved;
	__u8 write_data[RTTST_WBUF_SIZE];
};

struct rttst_wait {
	__s64 timeout_ns;	/* in: RTDM timeout */
	__s32 ret;		/* out: 0 or -errno of the wait */
	__u32 handler;		/* out */
	__u64 start_ns;		/* out: wait entered */
	__u64 end_ns;		/* out: wait returned */
	__u64 signal_ns;	/* out: date of the last signal/pulse/up */
};

#define RTTST_MUTEX_PI		0x1	/* waiters lock without timeout */
#define RTTST_MUTEX_DESTROY	0x2	/* destroy the mutex while they wait */
#define RTTST_MUTEX_WAITERS	3

/*
 * A holder task takes a mutex; waiter tasks, started one after the other
 * (20 ms apart) in the order of @waiter_prio, lock it (with @timeout_ns
 * unless RTTST_MUTEX_PI) and keep it 1 ms each. The holder keeps it until
 * the last waiter was started (and, with RTTST_MUTEX_DESTROY, the mutex
 * destroyed), then @hold_ns more.
 */
struct rttst_mutex {
	__s64 hold_ns;		/* in: how long the holder task keeps it */
	__s64 timeout_ns;	/* in: waiters' RTDM timeout */
	__u32 flags;		/* in: RTTST_MUTEX_* */
	__u32 holder_prio;	/* in: RTDM priority of the holder task */
	__u32 nwaiters;		/* in: 1..RTTST_MUTEX_WAITERS */
	__u32 waiter_prio[RTTST_MUTEX_WAITERS];	/* in */
	__s32 ret[RTTST_MUTEX_WAITERS];		/* out: lock results */
	__u32 order[RTTST_MUTEX_WAITERS];	/* out: 1 = got it first, 0 = never */
	__u64 waited_ns[RTTST_MUTEX_WAITERS];	/* out: time in the lock call */
	/* Real-time priority of the holder, -1 when not real-time. */
	__s32 holder_prio_before;	/* after locking, nobody waiting */
	__s32 holder_prio_during;	/* end of the hold, waiters started */
	__s32 holder_prio_after;	/* after unlocking */
	__u32 handler;
};

/*
 * A timer whose handler restarts it with rtdm_timer_start() (one-shot
 * mode) or lets it run periodically, until it stops it with
 * rtdm_timer_stop() at the @count-th expiry: both from its own handler.
 */
#define RTTST_TSELF_ONESHOT	0
#define RTTST_TSELF_PERIODIC	1

struct rttst_timer_self {
	__s64 period_ns;	/* in */
	__u32 count;		/* in: expiries before the stop, 1..1000 */
	__u32 mode;		/* in: RTTST_TSELF_* */
	__s32 ret;		/* out: 0, or -ETIMEDOUT if it never got there */
	__s32 start_ret;	/* out: first error of rtdm_timer_start() */
	__u32 fired;		/* out: expiries until the stop */
	__u32 fired_after;	/* out: expiries seen 3 periods after the stop */
};

#define RTTST_TIMER_RELATIVE	0
#define RTTST_TIMER_ABSOLUTE	1

struct rttst_timer_oneshot {
	__s64 delay_ns;		/* in: relative delay, or offset from now */
	__u32 mode;		/* in: RTTST_TIMER_* */
	__s32 ret;		/* out: rtdm_timer_start() or wait result */
	__u64 armed_ns;		/* out: date of the start call */
	__u64 expiry_ns;	/* out: requested expiry date */
	__u64 fired_ns;		/* out: date read by the handler */
	__u32 fired;		/* out: handler runs */
	__u32 hardirq;		/* out: the handler ran in hard irq context */
	__u32 rt_context;	/* out: rtdm_in_rt_context() in the handler */
	__u32 reserved;
};

struct rttst_timer_periodic {
	__s64 period_ns;	/* in: 10 us .. 1 s */
	__u32 count;		/* in: 1 .. 100000, count * period <= 60 s */
	__s32 ret;		/* out */
	__u32 ticks;		/* out: handler runs up to the stop */
	__u32 extra_ticks;	/* out: handler runs after the stop */
	__u32 overruns;		/* out: periods skipped */
	__u32 hardirq;		/* out: ticks handled in hard irq context */
	__s64 lat_min_ns;	/* out: lateness vs the ideal dates */
	__s64 lat_avg_ns;
	__s64 lat_max_ns;
	__u64 start_ns;		/* out: first ideal expiry */
	__u64 first_ns;		/* out: first handler run */
	__u64 last_ns;		/* out: last handler run */
};

struct rttst_task_periodic {
	__s64 period_ns;	/* in: 10 us .. 1 s */
	__u32 count;		/* in: 1 .. 100000, count * period <= 60 s */
	__u32 prio;		/* in: 1 .. 99 */
	__s32 ret;		/* out: rtdm_task_init() or wait result */
	__u32 cycles;		/* out: periods seen by the task */
	__u32 overruns;		/* out: from rtdm_task_wait_period() */
	__u32 timedout;		/* out: -ETIMEDOUT returns */
	__s64 lat_min_ns;	/* out: wake-up lateness vs the release dates */
	__s64 lat_avg_ns;
	__s64 lat_max_ns;
	__u64 start_ns;		/* out: first release date */
	__u64 first_ns;
	__u64 last_ns;
	__u32 in_rt;		/* out: rtdm_in_rt_context() in the task */
	__u32 rt_priority;	/* out: the task's scheduler priority */
	__u32 is_current;	/* out: rtdm_task_current() was the task */
	__u32 stopped;		/* out: left its loop on rtdm_task_should_stop() */
	__u32 extra_cycles;	/* out: periods after @count, before destroy */
	__u32 reserved;
};

#define RTTST_SLEEP_REL		0	/* rtdm_task_sleep() */
#define RTTST_SLEEP_ABS		1	/* rtdm_task_sleep_abs(ABSOLUTE) */
#define RTTST_SLEEP_UNTIL	2	/* rtdm_task_sleep_until() */
#define RTTST_SLEEP_BUSY	3	/* rtdm_task_busy_sleep() */

struct rttst_sleep {
	__s64 delay_ns;		/* in: 1 ns .. 10 s */
	__u32 mode;		/* in: RTTST_SLEEP_* */
	__s32 ret;		/* out */
	__u64 start_ns;
	__u64 end_ns;
	__u32 handler;
	__u32 in_rt;
};

struct rttst_nrtsig {
	__s64 period_ns;	/* in: pend period, 0 = 1 ms */
	__u32 count;		/* in: 1 .. 10000 */
	__s32 ret;		/* out: 0, or -ETIMEDOUT if runs are missing */
	__u32 pends;		/* out: rtdm_nrtsig_pend() calls */
	__u32 pend_hardirq;	/* out: pends issued from hard irq context */
	__u32 runs;		/* out: handler runs */
	__u32 run_hardirq;	/* out: runs in hard irq context */
	__u32 run_task;		/* out: runs in task context */
	__u32 run_softirq;	/* out: runs in softirq context */
	__u32 run_rt;		/* out: rtdm_in_rt_context() in the handler */
	__u32 pend_rt;		/* out: pends issued in real-time context */
	__s64 lat_min_ns;	/* out: pend -> run */
	__s64 lat_avg_ns;
	__s64 lat_max_ns;
};

/*
 * Software interrupt: a virtual irq of the test driver's own irq domain,
 * raised by generic_handle_irq() from a hard timer handler.
 */
struct rttst_irq {
	__u32 count;		/* in: triggers per phase, 1 .. 1000 */
	__s32 ret;		/* out: rtdm_irq_request() result */
	__u32 virq;		/* out */
	__u32 hits;		/* out: phase 1, line enabled (expect count) */
	__u32 hits_disabled;	/* out: phase 2, after rtdm_irq_disable() */
	__u32 hits_replayed;	/* out: on rtdm_irq_enable(), no trigger */
	__u32 hits_enabled;	/* out: phase 3, re-enabled (expect count) */
	__u32 hits_disable_ret;	/* out: phase 4, handler returns DISABLE */
	__u32 hits_reenabled;	/* out: phase 5, after rtdm_irq_enable() */
	__u32 hits_freed;	/* out: phase 6, after rtdm_irq_free() */
	__u32 hardirq;		/* out: phase 1 hits in hard irq context */
	__u32 rt_context;	/* out: phase 1 hits with rtdm_in_rt_context() */
	__s64 lat_min_ns;	/* out: trigger -> handler, phase 1 */
	__s64 lat_avg_ns;
	__s64 lat_max_ns;
};

/* Keep the software irq requested while the fd is open. */
struct rttst_irq_attach {
	__u32 virq;		/* out */
	__s32 ret;		/* out: rtdm_irq_request() result */
};

struct rttst_irq_trigger {
	__u32 count;		/* in: 1 .. 1000 */
	__u32 hits;		/* out: handler runs for these triggers */
	__u64 total_hits;	/* out: since attach */
};

#define RTTST_MMAP_KMALLOC	0
#define RTTST_MMAP_VMALLOC	1
#define RTTST_MMAP_MAX		(1024 * 1024)

/* The byte at @off of a buffer filled with @seed. */
static inline __u8 rttst_pattern(__u32 seed, __u64 off)
{
	__u32 o = (__u32)off;

	return (__u8)(seed * 131u + o * 7u + (o >> 8) * 13u);
}

/* Seed of the buffer the fd's own mmap() handler maps. */
#define RTTST_FDMAP_SEED	0xfd

struct rttst_mmap {
	__u64 len;		/* in: page multiple, <= RTTST_MMAP_MAX */
	__u32 kind;		/* in: RTTST_MMAP_* */
	__u32 seed;		/* in: pattern the kernel fills in */
	__u64 addr;		/* out: user address */
};

#define RTTST_CHECK_IOCTL_MAP	0	/* the RTTST_RTIOC_MMAP buffer */
#define RTTST_CHECK_FD_MAP	1	/* the buffer of the fd's mmap() */

struct rttst_mmap_check {
	__u32 which;		/* in: RTTST_CHECK_* */
	__u32 seed;		/* in: pattern expected */
	__u64 len;		/* out: bytes checked */
	__u64 mismatches;	/* out */
	__u64 first_bad;	/* out: offset, ~0 if none */
};

#define RTTST_LAT_TIMER		0	/* timer handler */
#define RTTST_LAT_TASK		1	/* kernel task */
#define RTTST_LAT_BUCKETS	200
#define RTTST_LAT_BUCKET_NS	1000

struct rttst_latency {
	__s64 period_ns;	/* in: 10 us .. 1 s */
	__u32 samples;		/* in: 1 .. 10000000, duration <= 1 h */
	__u32 mode;		/* in: RTTST_LAT_* */
	__u32 prio;		/* in: task priority, 0 = 99 */
	__u32 bucket_ns;	/* in: histogram bucket, 0 = 1000 */
	__s32 ret;		/* out */
	__u32 overruns;		/* out: missed periods */
	__u32 collected;	/* out: samples taken */
	__u32 hist_overflow;	/* out: samples past the last bucket */
	__s64 min_ns;		/* out: lateness */
	__s64 avg_ns;
	__s64 max_ns;
	__u32 hist[RTTST_LAT_BUCKETS];
};

#define RTTST_RTIOC_WHICH		_IOR(RTDM_CLASS_TESTING, 0x50, struct rttst_which)
/* Served by ioctl_nrt only: ioctl_rt returns -ENOSYS. */
#define RTTST_RTIOC_FALLBACK		_IOR(RTDM_CLASS_TESTING, 0x51, struct rttst_which)
/* Served by ioctl_rt only: ioctl_nrt returns -ENOSYS. */
#define RTTST_RTIOC_RTONLY		_IOR(RTDM_CLASS_TESTING, 0x52, struct rttst_which)
#define RTTST_RTIOC_RW_CONFIG		_IOW(RTDM_CLASS_TESTING, 0x53, struct rttst_rw_info)
#define RTTST_RTIOC_RW_INFO		_IOR(RTDM_CLASS_TESTING, 0x54, struct rttst_rw_info)
#define RTTST_RTIOC_EVENT_WAIT		_IOWR(RTDM_CLASS_TESTING, 0x55, struct rttst_wait)
#define RTTST_RTIOC_EVENT_SIGNAL	_IO(RTDM_CLASS_TESTING, 0x56)
#define RTTST_RTIOC_EVENT_PULSE		_IO(RTDM_CLASS_TESTING, 0x57)
#define RTTST_RTIOC_EVENT_CLEAR		_IO(RTDM_CLASS_TESTING, 0x58)
#define RTTST_RTIOC_SEM_DOWN		_IOWR(RTDM_CLASS_TESTING, 0x59, struct rttst_wait)
#define RTTST_RTIOC_SEM_UP		_IO(RTDM_CLASS_TESTING, 0x5a)
#define RTTST_RTIOC_MUTEX_TEST		_IOWR(RTDM_CLASS_TESTING, 0x5b, struct rttst_mutex)
#define RTTST_RTIOC_TIMER_ONESHOT	_IOWR(RTDM_CLASS_TESTING, 0x5c, struct rttst_timer_oneshot)
#define RTTST_RTIOC_TIMER_PERIODIC	_IOWR(RTDM_CLASS_TESTING, 0x5d, struct rttst_timer_periodic)
#define RTTST_RTIOC_TASK_PERIODIC	_IOWR(RTDM_CLASS_TESTING, 0x5e, struct rttst_task_periodic)
#define RTTST_RTIOC_TASK_SLEEP		_IOWR(RTDM_CLASS_TESTING, 0x5f, struct rttst_sleep)
#define RTTST_RTIOC_NRTSIG		_IOWR(RTDM_CLASS_TESTING, 0x60, struct rttst_nrtsig)
#define RTTST_RTIOC_IRQ			_IOWR(RTDM_CLASS_TESTING, 0x61, struct rttst_irq)
#define RTTST_RTIOC_IRQ_ATTACH		_IOR(RTDM_CLASS_TESTING, 0x62, struct rttst_irq_attach)
#define RTTST_RTIOC_IRQ_TRIGGER		_IOWR(RTDM_CLASS_TESTING, 0x63, struct rttst_irq_trigger)
#define RTTST_RTIOC_IRQ_DETACH		_IO(RTDM_CLASS_TESTING, 0x64)
#define RTTST_RTIOC_MMAP		_IOWR(RTDM_CLASS_TESTING, 0x65, struct rttst_mmap)
#define RTTST_RTIOC_MMAP_CHECK		_IOWR(RTDM_CLASS_TESTING, 0x66, struct rttst_mmap_check)
#define RTTST_RTIOC_MUNMAP		_IO(RTDM_CLASS_TESTING, 0x67)
#define RTTST_RTIOC_LATENCY		_IOWR(RTDM_CLASS_TESTING, 0x68, struct rttst_latency)
/*
 * Park an rtdm_fd_lock() reference on this fd in the driver (one slot,
 * EBUSY if taken), and drop it again (from any fd, ENXIO if none).
 */
#define RTTST_RTIOC_FD_HOLD		_IO(RTDM_CLASS_TESTING, 0x69)
#define RTTST_RTIOC_FD_RELEASE		_IO(RTDM_CLASS_TESTING, 0x6a)
#define RTTST_RTIOC_TIMER_SELF		_IOWR(RTDM_CLASS_TESTING, 0x6b, struct rttst_timer_self)
#define RTTST_RTIOC_LAST		RTTST_RTIOC_TIMER_SELF

#endif /* _RTDM_UAPI_TESTING_H */
