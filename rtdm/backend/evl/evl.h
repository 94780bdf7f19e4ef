/* SPDX-License-Identifier: GPL-2.0 */
/* Internals of the evl backend. */
#ifndef _RTDM_BACKEND_EVL_INTERNAL_H
#define _RTDM_BACKEND_EVL_INTERNAL_H

#include <evl/sched.h>
#include "../../core/internal.h"

/* Dual-stage blocking wait queues (bwq.c). */
void bwq_init(struct rtdm_bwq *wq, const char *name,
	      struct lock_class_key *key);
/* Fails every waiter with -EIDRM and waits for the in-band relay. */
void bwq_destroy(struct rtdm_bwq *wq);
/*
 * Lock of @wq held: wake the most urgent waiter (out-of-band first) or
 * all waiters; @reason is 0, EVL_T_BREAK (-EINTR) or EVL_T_RMID (-EIDRM).
 * True if a waiter was woken.
 */
bool bwq_wake_one(struct rtdm_bwq *wq);
bool bwq_wake_all(struct rtdm_bwq *wq, int reason);
/* Lock of @wq held: tell oob pollers that the object may be ready. */
void bwq_signal_poll(struct rtdm_bwq *wq);
/*
 * Lock of @wq held, taken with interrupts enabled; held again on return.
 * Sleeps on the caller's stage until woken (0), the absolute monotonic
 * @deadline (-ETIMEDOUT; KTIME_MAX: none), a break or signal (-EINTR) or
 * the destruction of the queue (-EIDRM). Out-of-band wake-ups are
 * retry-style: the caller checks its condition again.
 */
int bwq_wait_locked(struct rtdm_bwq *wq, ktime_t deadline);
void bwq_select(struct rtdm_bwq *wq, rtdm_selector_t *selector,
		unsigned int type, bool ready);

/* Absolute monotonic deadline of an RTDM timeout (KTIME_MAX: none). */
static inline ktime_t rtdm_timeout_deadline(nanosecs_rel_t timeout,
					    rtdm_toseq_t *timeout_seq)
{
	if (timeout == 0)
		return KTIME_MAX;
	if (timeout_seq)
		return ns_to_ktime(*timeout_seq);
	return ktime_add_ns(evl_read_clock(&evl_mono_clock), timeout);
}

/*
 * An absolute deadline (KTIME_MAX: none) as EVL timeouts take them: a
 * date with EVL_ABS, or EVL_INFINITE, which is 0 and must go with EVL_REL
 * (0 with EVL_ABS is a date long past).
 */
static inline ktime_t evl_timeout(ktime_t deadline, enum evl_tmode *mode)
{
	if (deadline == KTIME_MAX) {
		*mode = EVL_REL;
		return EVL_INFINITE;
	}
	*mode = EVL_ABS;
	return deadline;
}

/*
 * Calling-context checks (debug builds: make RTDM_DEBUG=1).
 */
#ifdef RTDM_DEBUG
#define rtdm_might_wait_rt()						\
	WARN_ONCE(!running_oob(),					\
		  "rtdm: %s() is for real-time context, called in-band by %s/%d\n", \
		  __func__, current->comm, task_pid_nr(current))
#define rtdm_might_wait()						\
do {									\
	if (running_inband())						\
		might_sleep();						\
} while (0)
#else
#define rtdm_might_wait_rt()	do { } while (0)
#define rtdm_might_wait()	do { } while (0)
#endif

/* The RTDM task running the caller, or NULL (task.c). */
bool rtdm_wait_interrupted(void);

#endif
